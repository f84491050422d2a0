// The Findings view's URL state (`/review?severity=&rule=&project=&status=&sort=&dir=&page=`). Never
// fails: a hand-edited value falls back to its default rather than an error page.
import { z } from 'zod';

export const FINDING_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const FINDING_STATUSES = ['open', 'accepted', 'resolved'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
export const FINDING_SORTS = ['severity', 'first_seen', 'last_seen', 'rule'] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) => z.enum(values).catch(fallback);

export const findingListQuerySchema = z.object({
  severity: oneOf(['all', ...FINDING_SEVERITIES], 'all').default('all'),
  /** A rule id; an unknown one matches nothing. */
  rule: z.string().trim().max(100).regex(/^[a-z_.]*$/).catch('').default(''),
  project: z.string().trim().max(64).regex(/^[a-z0-9-]*$/).catch('').default(''),
  status: oneOf(FINDING_STATUSES, 'open').default('open'),
  sort: oneOf(FINDING_SORTS, 'severity').default('severity'),
  dir: oneOf(['asc', 'desc'], 'desc').default('desc'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type FindingListQuery = z.infer<typeof findingListQuerySchema>;
