// Token age against the policy (issue 15 §7), for the chart on the Inventory: the active tokens per
// age bucket — the Inventory's own age filter's buckets, so each bar is a link to that filter — and,
// in each bucket, how many are older than the policy's maximum age. Counted in SQL in one query.
//
// Age as everywhere else: since Platform.sh made the token, or since it was recorded when Keywarden
// did not see it made. "Older than the policy" is the token.too_old rule's own test, so the red part
// of the bars is the number of those findings (accepted or not). Every active token counts, whatever
// its machine user's state, as for the rule. Scope follows machine_user.read, as on the page.
import 'server-only';
import { ruleFor } from '@/lib/auth/authorize';
import { getDb, Prisma } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { AGE_BUCKET_DAYS, type InventoryAgeBucket } from '@/lib/review/inventory-query';
import type { RequestContext } from '../context';
import { readPolicy } from '../findings/read-policy';
import { DAY_MS } from '../findings/types';
import { inScope, type ProjectScope } from './inventory-sql';

export type TokenAgeBucket = Exclude<InventoryAgeBucket, 'any'>;

export interface TokenAgeRow {
  bucket: TokenAgeBucket;
  /** Active tokens whose age falls in the bucket. */
  total: number;
  /** Of those, older than the policy's maximum age. */
  overPolicy: number;
}

export interface TokenAgeDistribution {
  /** Youngest first, every bucket present (zeros included). */
  buckets: TokenAgeRow[];
  maxAgeDays: number;
}

/** Oldest bound first, so that the first match is the bucket: `[at least, less than)` days. */
const BUCKETS_OLDEST_FIRST = (Object.entries(AGE_BUCKET_DAYS) as [TokenAgeBucket, [number, number | null]][]).sort((a, b) => b[1][0] - a[1][0]);

export async function tokenAgeRows(db: Pick<Prisma.TransactionClient, '$queryRaw'>, projectIds: ProjectScope, maxAgeDays: number, now: Date): Promise<TokenAgeRow[]> {
  const created = Prisma.sql`COALESCE(t.remote_created_at, t.recorded_at)`;
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const bucketOf = Prisma.sql`CASE ${Prisma.join(
    BUCKETS_OLDEST_FIRST.map(([bucket, [from]]) => Prisma.sql`WHEN ${created} <= ${before(from)} THEN ${bucket}::text`),
    ' ',
  )} ELSE ${BUCKETS_OLDEST_FIRST.at(-1)![0]}::text END`;
  const rows = await db.$queryRaw<{ bucket: TokenAgeBucket; total: number; over_policy: number }[]>(Prisma.sql`
    SELECT ${bucketOf} AS bucket, count(*)::int AS total, (count(*) FILTER (WHERE ${created} < ${before(maxAgeDays)}))::int AS over_policy
    FROM api_tokens t JOIN machine_users m ON m.id = t.machine_user_id
    WHERE t.status = 'active' AND ${inScope(Prisma.sql`m.project_id`, projectIds)}
    GROUP BY 1`);
  const counted = new Map(rows.map((row) => [row.bucket, row]));
  return BUCKETS_OLDEST_FIRST.map(([bucket]) => bucket)
    .reverse()
    .map((bucket) => ({ bucket, total: Number(counted.get(bucket)?.total ?? 0), overPolicy: Number(counted.get(bucket)?.over_policy ?? 0) }));
}

export async function getTokenAgeDistribution(context: RequestContext, now = new Date()): Promise<ActionResult<TokenAgeDistribution>> {
  const rule = ruleFor(context.actor.role, 'machine_user.read');
  if (rule === 'deny') return fail('forbidden', 'You do not have permission to see the inventory.');
  const projectIds: ProjectScope = rule === 'allow' ? null : [...context.actor.projectIds];
  const db = getDb();
  const policy = await readPolicy(db);
  return ok({ buckets: await tokenAgeRows(db, projectIds, policy.rotationMaxAgeDays, now), maxAgeDays: policy.rotationMaxAgeDays });
}
