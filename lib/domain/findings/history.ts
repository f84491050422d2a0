// Findings by severity over time (issue 15 §7), for the chart on the Findings view: for each day of
// the last HISTORY_DAYS days (or since the first finding, when that is later), how many findings
// were still unresolved at the end of that day, per severity. Today's row is "now", so it equals the
// summary's open counts plus the accepted risks.
//
// Counted in SQL in one query, whatever the number of findings: each finding is an event +1 on the
// day it was first seen and −1 on the day it was resolved (events before the window fall on its first
// day), and a running sum over generate_series' days gives the count at each day's end. Days are UTC
// days. Accepted risks count as unresolved: an accepted risk is still a risk, and when it was
// accepted is kept in the audit log, not on the finding, so the past could not leave them out.
//
// Scope follows finding.read, as on the list: everything, or the findings of the assigned projects.
import 'server-only';
import { ruleFor } from '@/lib/auth/authorize';
import { getDb, Prisma } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import type { RequestContext } from '../context';
import { DAY_MS, SEVERITIES, type Queryable, type Severity } from './types';

export const HISTORY_DAYS = 90;

export type FindingsDay = { day: string; total: number } & Record<Severity, number>;

export interface FindingsHistory {
  /** Oldest first; empty when no finding in scope was ever seen. */
  days: FindingsDay[];
  /** How many days the window holds at most. */
  windowDays: number;
}

/** The SQL condition on `findings f` for what the actor may read; null: nothing at all. */
function findingScope(context: RequestContext): Prisma.Sql | null {
  const rule = ruleFor(context.actor.role, 'finding.read');
  if (rule === 'allow') return Prisma.sql`TRUE`;
  if (rule === 'assigned') {
    const projectIds = [...context.actor.projectIds];
    return projectIds.length === 0 ? Prisma.sql`FALSE` : Prisma.sql`f.project_id IN (${Prisma.join(projectIds)})`;
  }
  return null;
}

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** The query itself, for the page and for `npm run bench`. */
export async function findingsHistoryRows(db: Queryable, scope: Prisma.Sql, now: Date, windowDays = HISTORY_DAYS): Promise<FindingsDay[]> {
  const today = utcDay(now);
  const windowStart = utcDay(new Date(now.getTime() - (windowDays - 1) * DAY_MS));
  const rows = await db.$queryRaw<{ day: string; severity: Severity; open: number }[]>(Prisma.sql`
    WITH scoped AS (
      SELECT f.severity, f.first_seen_at, f.resolved_at FROM findings f WHERE ${scope}
    ),
    bounds AS (
      SELECT CASE WHEN min(first_seen_at) IS NULL THEN NULL ELSE GREATEST(date_trunc('day', min(first_seen_at)), ${windowStart}::timestamp) END AS first_day
      FROM scoped
    ),
    days AS (
      SELECT generate_series(b.first_day, ${today}::timestamp, interval '1 day') AS day FROM bounds b WHERE b.first_day IS NOT NULL
    ),
    changes AS (
      SELECT e.severity, GREATEST(e.day, b.first_day) AS day, sum(e.delta) AS delta
      FROM (
        SELECT severity, date_trunc('day', first_seen_at) AS day, 1 AS delta FROM scoped
        UNION ALL
        SELECT severity, date_trunc('day', resolved_at), -1 FROM scoped WHERE resolved_at IS NOT NULL
      ) e CROSS JOIN bounds b
      GROUP BY 1, 2
    )
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day, s.severity::text AS severity,
           (sum(COALESCE(c.delta, 0)) OVER (PARTITION BY s.severity ORDER BY d.day))::int AS open
    FROM days d
    CROSS JOIN unnest(enum_range(NULL::"FindingSeverity")) AS s(severity)
    LEFT JOIN changes c ON c.day = d.day AND c.severity = s.severity
    ORDER BY d.day`);

  const byDay = new Map<string, FindingsDay>();
  for (const row of rows) {
    let day = byDay.get(row.day);
    if (!day) {
      day = { day: row.day, critical: 0, high: 0, medium: 0, low: 0, total: 0 };
      byDay.set(row.day, day);
    }
    day[row.severity] = Number(row.open);
  }
  const days = [...byDay.values()];
  for (const day of days) day.total = SEVERITIES.reduce((sum, severity) => sum + day[severity], 0);
  return days;
}

export async function getFindingsHistory(context: RequestContext, now = new Date()): Promise<ActionResult<FindingsHistory>> {
  const scope = findingScope(context);
  if (!scope) return fail('forbidden', 'You do not have permission to see findings.');
  return ok({ days: await findingsHistoryRows(getDb(), scope, now), windowDays: HISTORY_DAYS });
}
