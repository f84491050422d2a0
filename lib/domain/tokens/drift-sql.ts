// Variable drift in SQL (SECURITY.md R7), shared by the Overview's count and the findings engine's
// `drift.variable` rule. No 'server-only' marker: the engine also runs in the background sync job.
import { Prisma } from '@/lib/db';
import { latestStepsSql } from './holdings-sql';

export const inScope = (column: Prisma.Sql, projectIds: string[] | null) =>
  projectIds === null ? Prisma.sql`TRUE` : projectIds.length === 0 ? Prisma.sql`FALSE` : Prisma.sql`${column} IN (${Prisma.join(projectIds)})`;

/**
 * Tokens with drift, in SQL (driftOf's rule): each environment's latest succeeded step decides what
 * Keywarden set there; a holding is judged only by a sync made after it; it drifted when no own
 * variable is there that is sensitive, not inheritable and enabled.
 */
export function driftedTokensSql(projectIds: string[] | null): Prisma.Sql {
  return Prisma.sql`
    SELECT DISTINCT h.token_id FROM (${latestStepsSql(inScope(Prisma.sql`s.project_id`, projectIds))}) h
    JOIN projects p ON p.id = h.project_id
    WHERE h.operation IS DISTINCT FROM 'delete' AND p.last_synced_at > h.updated_at
      AND NOT EXISTS (
        SELECT 1 FROM token_variables v
        WHERE v.project_id = h.project_id AND v.environment_id = h.environment_id AND v.name = h.variable_name
          AND NOT v.inherited AND v.is_sensitive AND NOT v.is_inheritable AND v.is_enabled
      )`;
}

