// What each environment holds by Keywarden's journal, in SQL (holders.ts `currentHoldings` in
// JavaScript): the latest succeeded step of any run decides; a `delete` step means Keywarden cleared
// it. One definition for the drift count, the findings rules and the Inventory. No 'server-only'
// marker: the findings engine also runs in the background sync job.
import { Prisma } from '@/lib/db';

/**
 * The latest succeeded push step per project and environment. Columns: project_id, environment_id,
 * environment_type, operation, updated_at, token_id, visible_build, variable_name (the name that
 * step set or deleted: either vendor's). `steps` narrows the steps read
 * (a condition on the alias `s`, e.g. the projects in scope); all of them by default.
 */
export function latestStepsSql(steps: Prisma.Sql = Prisma.sql`TRUE`): Prisma.Sql {
  return Prisma.sql`
    SELECT DISTINCT ON (s.project_id, s.environment_id)
      s.project_id, s.environment_id, s.environment_type, s.operation, s.updated_at, r.token_id, r.visible_build, s.variable_name
    FROM push_steps s JOIN push_runs r ON r.id = s.run_id
    WHERE s.status = 'succeeded' AND ${steps}
    ORDER BY s.project_id, s.environment_id, s.updated_at DESC`;
}
