// Inputs of the token actions. The token field is validated for shape only and never echoed back:
// field errors name the problem, not the value (SECURITY.md T5).
import { z } from 'zod';
import { machineUserIdSchema } from './machine-users';
import { COMPROMISE_REASON_MAX_LENGTH, TOKEN_NAME_MAX_LENGTH } from './limits';
import { pastedTokenSchema } from './pasted-token';
import { textSchema } from './text';

const environmentIdSchema = z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9._-]+$/, 'Unknown environment.');


/** Organisation policy: a token is rotated within this many days unless another date is chosen. */
export const DEFAULT_ROTATE_AFTER_DAYS = 90;

/** The earliest rotate-by date (YYYY-MM-DD, UTC): tomorrow. Today or earlier would record a token overdue. */
export function earliestRotateBy(now: Date = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString().slice(0, 10);
}

/** A rotate-by date after today (issue 14.8: a date in the past made a token born overdue). */
const rotateBySchema = z.iso
  .date({ error: 'Choose a date.' })
  .refine((date) => date >= earliestRotateBy(), { error: 'Choose a date after today: a token is never recorded overdue.' });


const tokenNameSchema = textSchema({ max: TOKEN_NAME_MAX_LENGTH }).pipe(z.string().min(1, 'Name the token (e.g. where it is used).'));

/**
 * Whether the pushed token is minted from the pasted one (issue 18.2): as the organisation policy
 * says, or an admin's choice for this push (token.choose_minting).
 */
export const MINT_CHOICES = ['policy', 'mint', 'paste'] as const;
export type MintChoice = (typeof MINT_CHOICES)[number];
const mintChoiceSchema = z.enum(MINT_CHOICES, { error: 'Choose how the deployment token is made.' }).default('policy');

export const recordTokenSchema = z.strictObject({
  machineUserId: machineUserIdSchema,
  /** Chosen by the browser, so that it can follow the run's progress while the push runs. */
  runId: z.uuid(),
  token: pastedTokenSchema,
  name: tokenNameSchema,
  rotateBy: rotateBySchema.optional(),
  environmentIds: z.array(environmentIdSchema).min(1, 'Choose at least one environment.').max(200),
  visibleBuild: z.boolean().default(false),
  /** Environments whose existing variable (not pushed by Keywarden) the person agreed to replace. */
  confirmReplace: z.array(environmentIdSchema).max(200).default([]),
  mint: mintChoiceSchema,
});

export const resumePushSchema = z.strictObject({
  runId: z.uuid(),
  token: pastedTokenSchema,
});

export const lookupTokenSchema = z.strictObject({ token: pastedTokenSchema });

export const rotateTokenSchema = z.strictObject({
  oldTokenId: z.uuid({ error: 'Unknown token.' }),
  runId: z.uuid(),
  token: pastedTokenSchema,
  name: tokenNameSchema,
  rotateBy: rotateBySchema.optional(),
  visibleBuild: z.boolean().default(false),
  mint: mintChoiceSchema,
});

/** Moving a token's variables to the configured vendor's name: the token is pasted again (never stored). */
export const moveTokenVariablesSchema = z.strictObject({
  tokenId: z.uuid({ error: 'Unknown token.' }),
  runId: z.uuid(),
  token: pastedTokenSchema,
});

export const compromiseTokenSchema = z.strictObject({
  tokenId: z.uuid({ error: 'Unknown token.' }),
  deleteVariables: z.boolean().default(true),
  /** Why it is compromised, in the person's words: the audit row's reason (issue 15 §6). */
  reason: textSchema({ max: COMPROMISE_REASON_MAX_LENGTH, multiline: true }).optional(),
  /** A live token of the same machine user (the compromised one works until deleted), to delete it on Platform.sh. */
  liveToken: pastedTokenSchema.optional(),
});

export const TOKEN_LIST_STATUSES = ['all', 'active', 'superseded', 'revoked', 'compromised'] as const;
export const TOKEN_LIST_SORTS = ['name', 'machine_user', 'status', 'age', 'rotate', 'used'] as const;
export type TokenListSort = (typeof TOKEN_LIST_SORTS)[number];

/**
 * The Tokens page's URL (`?q=&status=&overdue=yes&drift=yes&revocation=unfinished|undeleted&project=&sort=&dir=&page=`), as the
 * Overview links to it. Never fails: a hand-edited value falls back to the default.
 */
export const tokenListQuerySchema = z.object({
  q: textSchema({ max: 100 }).catch('').default(''),
  status: z.enum(TOKEN_LIST_STATUSES).catch('active').default('active'),
  overdue: z.enum(['yes', '']).catch('').default(''),
  drift: z.enum(['yes', '']).catch('').default(''),
  /**
   * What is left of a revocation (the Overview's links): `unfinished`, a revoked or compromised
   * token whose variables are not all deleted; `undeleted`, a compromised token still to delete on
   * Platform.sh (it works until then).
   */
  revocation: z.enum(['unfinished', 'undeleted', '']).catch('').default(''),
  project: z.string().trim().max(64).regex(/^[a-z0-9-]*$/).catch('').default(''),
  sort: z.enum(TOKEN_LIST_SORTS).catch('rotate').default('rotate'),
  dir: z.enum(['asc', 'desc']).catch('asc').default('asc'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type TokenListQuery = z.infer<typeof tokenListQuerySchema>;

/** Sandbox mode: make the simulator's redeploys of the machine user's project fail from now on, or succeed again. */
export const sandboxRedeploysSchema = z.strictObject({ machineUserId: machineUserIdSchema, fail: z.boolean() });
