// Inputs of the token actions. The token field is validated for shape only and never echoed back:
// field errors name the problem, not the value (SECURITY.md T5).
import { z } from 'zod';
import { machineUserIdSchema } from './machine-users';
import { pastedTokenSchema } from './pasted-token';
import { textSchema } from './text';

const environmentIdSchema = z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9._-]+$/, 'Unknown environment.');

const tokenNameSchema = textSchema({ max: 100 }).pipe(z.string().min(1, 'Name the token (e.g. where it is used).'));

/** Organisation policy: a token is rotated within this many days unless another date is chosen. */
export const DEFAULT_ROTATE_AFTER_DAYS = 90;

export const recordTokenSchema = z.strictObject({
  machineUserId: machineUserIdSchema,
  /** Chosen by the browser, so that it can follow the run's progress while the push runs. */
  runId: z.uuid(),
  token: pastedTokenSchema,
  name: tokenNameSchema,
  rotateBy: z.iso.date({ error: 'Choose a date.' }).optional(),
  environmentIds: z.array(environmentIdSchema).min(1, 'Choose at least one environment.').max(200),
  visibleBuild: z.boolean().default(false),
  /** Environments whose existing variable (not pushed by Keywarden) the person agreed to replace. */
  confirmReplace: z.array(environmentIdSchema).max(200).default([]),
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
  rotateBy: z.iso.date({ error: 'Choose a date.' }).optional(),
  visibleBuild: z.boolean().default(false),
});

export const compromiseTokenSchema = z.strictObject({
  tokenId: z.uuid({ error: 'Unknown token.' }),
  deleteVariables: z.boolean().default(true),
  /** A live token of the same machine user (the compromised one works until deleted), to delete it on Platform.sh. */
  liveToken: pastedTokenSchema.optional(),
});
