// Inputs of the inventory: the "Sync now" request and the Projects page's URL state.
import { z } from 'zod';
import { ERROR_CODES } from '@/lib/errors';
import { textSchema } from './text';

export const syncRequestSchema = z.strictObject({
  /** Re-read every environment's variables, not only those of changed environments. */
  full: z.boolean().default(false),
});

/**
 * Why "Sync now", posted without JavaScript, started nothing: the error's code, in the Projects
 * page's URL after the action's redirect. Anything else there is ignored (no message at all).
 */
export const SYNC_REFUSED_PARAM = 'syncRefused';
export const syncRefusedSchema = z.enum(ERROR_CODES).optional().catch(undefined);

export const PROJECT_SORTS = ['title', 'region', 'environments', 'token', 'synced'] as const;
export type ProjectSort = (typeof PROJECT_SORTS)[number];
export const PROJECT_TOKEN_FILTERS = ['any', 'on-production', 'missing'] as const;
export const PROJECT_STATE_FILTERS = ['current', 'failed', 'missing'] as const;

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  // A hand-edited URL falls back to the default rather than an error page.
  z.enum(values).catch(fallback);

/** The Projects page's URL (`?q=&sort=&dir=&page=&variable=&state=`). Never fails: bad values fall back. */
export const projectListQuerySchema = z.object({
  q: textSchema({ max: 100 }).catch('').default(''),
  sort: oneOf(PROJECT_SORTS, 'title').default('title'),
  dir: oneOf(['asc', 'desc'], 'asc').default('asc'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  // Not `token`: a parameter named like a secret is stripped from every URL (lib/security/secret-query.ts).
  variable: oneOf(PROJECT_TOKEN_FILTERS, 'any').default('any'),
  state: oneOf(PROJECT_STATE_FILTERS, 'current').default('current'),
});
export type ProjectListQuery = z.infer<typeof projectListQuerySchema>;
