// The Overview's first answer, "is anything wrong?" (issue 14.15): a handful of counts, each computed
// in SQL over the projects the actor may read (an onboarder's assigned ones), each matching the
// filtered list it links to.
import 'server-only';
import { ruleFor } from '@/lib/auth/authorize';
import { getDb, Prisma } from '@/lib/db';
import type { RequestContext } from './context';
import { driftedTokensSql, inScope } from './tokens/drift-sql';

// Shared with the findings engine (which runs outside React's server graph, in the sync job).
export { driftedTokensSql };

export interface Attention {
  /** Compromised tokens not yet deleted on Platform.sh (they still work). */
  compromisedToDelete: number;
  /** Active tokens past their rotate-by date. */
  overdueRotations: number;
  /** Tokens with drift: where the last sync saw their variable other than Keywarden set it (R7). */
  drifted: number;
  /** Invitations still pending past their lifetime (tracking marks them expired). */
  expiredInvitations: number;
  /** Projects the last sync could not read. */
  failedSyncs: number;
  /** Revocations whose last run left variables on Platform.sh (partial or failed). */
  openRevocations: number;
  /** The last sync run could not list the projects at all (an admin's or reviewer's concern). */
  lastRunFailed: boolean;
}

/** The project ids the actor may read, as SQL: null for all. */
function scopeOf(context: RequestContext): { projectIds: string[] | null } | null {
  const rule = ruleFor(context.actor.role, 'project.read');
  if (rule === 'allow') return { projectIds: null };
  if (rule === 'assigned') return { projectIds: [...context.actor.projectIds] };
  return null;
}

/**
 * Tokens taken out of use, by a compromise or an offboarding, whose latest revocation run left
 * variables behind (partial or failed): each still sits on an environment, where a cron can use it.
 */
function unfinishedRevocationsSql(projectIds: string[] | null): Prisma.Sql {
  return Prisma.sql`
    SELECT latest.token_id FROM (
      SELECT DISTINCT ON (r.token_id) r.token_id, r.status
      FROM push_runs r JOIN api_tokens t ON t.id = r.token_id JOIN machine_users m ON m.id = t.machine_user_id
      WHERE t.status IN ('compromised', 'revoked') AND EXISTS (SELECT 1 FROM push_steps s WHERE s.run_id = r.id AND s.operation = 'delete')
        AND ${inScope(Prisma.sql`m.project_id`, projectIds)}
      ORDER BY r.token_id, r.started_at DESC
    ) latest WHERE latest.status IN ('partial', 'failed')`;
}

/** Ids of the tokens whose revocation left variables behind that the actor may read (the Tokens list's `revocation=unfinished`). */
export async function unfinishedRevocationTokenIds(context: RequestContext): Promise<string[]> {
  const scope = scopeOf(context);
  if (!scope) return [];
  const rows = await getDb().$queryRaw<{ token_id: string }[]>`${unfinishedRevocationsSql(scope.projectIds)}`;
  return rows.map((row) => row.token_id);
}

/** Ids of the tokens with drift that the actor may read (the Tokens list's `drift=yes` filter). */
export async function driftedTokenIds(context: RequestContext): Promise<string[]> {
  const scope = scopeOf(context);
  if (!scope) return [];
  const rows = await getDb().$queryRaw<{ token_id: string }[]>`${driftedTokensSql(scope.projectIds)}`;
  return rows.map((row) => row.token_id);
}

export async function getAttention(context: RequestContext, now = new Date()): Promise<Attention | null> {
  const scope = scopeOf(context);
  if (!scope) return null;
  const { projectIds } = scope;
  const tokenScope: Prisma.ApiTokenWhereInput = projectIds === null ? {} : { machineUser: { projectId: { in: projectIds } } };
  const db = getDb();
  const [compromisedToDelete, overdueRotations, drifted, expiredInvitations, failedSyncs, openRevocations, lastRun] = await Promise.all([
    db.apiToken.count({ where: { ...tokenScope, status: 'compromised', deletedOnPlatformAt: null } }),
    db.apiToken.count({ where: { ...tokenScope, status: 'active', rotateBy: { lt: now } } }),
    db.$queryRaw<{ count: number }[]>`SELECT COUNT(*)::int AS count FROM (${driftedTokensSql(projectIds)}) d`,
    db.machineUser.count({ where: { ...(projectIds === null ? {} : { projectId: { in: projectIds } }), state: 'expired' } }),
    db.project.count({ where: { ...(projectIds === null ? {} : { id: { in: projectIds } }), lastSyncError: { not: null } } }),
    db.$queryRaw<{ count: number }[]>`SELECT COUNT(*)::int AS count FROM (${unfinishedRevocationsSql(projectIds)}) u`,
    projectIds === null ? db.syncRun.findFirst({ where: { status: { not: 'running' } }, orderBy: { startedAt: 'desc' }, select: { status: true } }) : null,
  ]);
  return {
    compromisedToDelete,
    overdueRotations,
    drifted: drifted[0]?.count ?? 0,
    expiredInvitations,
    failedSyncs,
    openRevocations: openRevocations[0]?.count ?? 0,
    lastRunFailed: lastRun?.status === 'failed',
  };
}

export const isAllClear = (attention: Attention) =>
  !attention.lastRunFailed && Object.values(attention).every((value) => typeof value !== 'number' || value === 0);
