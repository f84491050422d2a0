// Keywarden's own writes, reflected in the inventory (issue 14.2). Every write Keywarden makes through
// the API (a push step, a revocation's variable deletion, an acceptance it linked, a role change or a
// removal it applied) updates the inventory rows it changed, in the transaction that journals it, so
// the project page and the Projects list show it at once instead of after the next sync. The rows are
// built with the sync's own mapping (tokenVariableRow, accessRow, reachesProduction).
//
// Drift (SECURITY.md R7) stays visible: these writes never move what the sync uses to judge or to
// skip. The project's `lastSyncedAt` is untouched (driftOf judges a holding only against a sync made
// after it), and so are the environment's `remoteUpdatedAt` and `variablesReadAt`: a variable change
// redeploys its environment on Platform.sh, which moves the environment's `updated_at`, so the next
// sync re-reads that environment and replaces what is written here with what Platform.sh reports.
import type { Database } from '@/lib/db';
import { CLI_TOKEN_VARIABLE_NAMES, isPlatformshError, type CurrentUser, type PlatformshClient, type UserAccess, type Variable } from '@/lib/platformsh';
import { logger } from '@/lib/logger';
import type { Transaction } from '../mutation';
import { accessRow, tokenVariableRow } from './rows';

type Writer = Pick<Transaction, 'tokenVariable' | 'environment' | 'project' | 'projectUserAccess' | '$executeRaw'>;

/**
 * Takes the project's row lock until the transaction ends: steps of one push run side by side, and
 * each recomputes `tokenOnProduction` from the rows it sees; in turns, the last one sees them all.
 * The sync's rewrite of a project takes the same lock first (its upsert of the project row).
 */
async function lockProject(tx: Writer, projectId: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM projects WHERE id = ${projectId} FOR UPDATE`;
}

/** The flags a push writes (ARCHITECTURE.md flow 2: sensitive, not inheritable, enabled), under the name it pushed. */
export function pushedVariable(name: string, flags: { visibleBuild: boolean }, dates: { createdAt: string | null; updatedAt: string }): Variable {
  return {
    name,
    level: 'environment',
    isSensitive: true,
    isInheritable: false,
    isEnabled: true,
    visibleBuild: flags.visibleBuild,
    visibleRuntime: true,
    isJson: false,
    inherited: false,
    createdAt: dates.createdAt,
    updatedAt: dates.updatedAt,
  };
}

/**
 * The project's `tokenOnProduction` from the rows as they are now: reachesProduction (rows.ts) in
 * one statement, since a push runs this for every few environments it sets.
 */
async function refreshTokenOnProduction(tx: Writer, projectId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE projects p SET updated_at = now(), token_on_production = EXISTS (
      SELECT 1 FROM token_variables v
       WHERE v.project_id = p.id AND v.name = ANY(${[...CLI_TOKEN_VARIABLE_NAMES]}::text[])
         AND (v.environment_id IS NULL OR EXISTS (SELECT 1 FROM environments e WHERE e.project_id = p.id AND e.id = v.environment_id AND e.type = 'production')))
     WHERE p.id = ${projectId}`;
}

/** The environment's own token variable, as Keywarden just wrote it (create or update). */
export async function recordVariableWritten(tx: Writer, projectId: string, environmentId: string, variable: Variable): Promise<void> {
  await recordVariablesWritten(tx, projectId, [{ environmentId, variable }]);
}

/**
 * Several environments' own token variables of one project, as Keywarden just wrote them: one lock,
 * a statement or two for all of them, and `tokenOnProduction` recomputed once (a push journals its
 * steps in groups: lib/domain/tokens/push.ts).
 */
export async function recordVariablesWritten(tx: Writer, projectId: string, writes: readonly { environmentId: string; variable: Variable }[]): Promise<void> {
  if (writes.length === 0) return;
  await lockProject(tx, projectId);
  // An environment the inventory does not know (deleted since) gets no row: the sync would drop it.
  const known = new Set(
    (await tx.environment.findMany({ where: { projectId, id: { in: [...new Set(writes.map((write) => write.environmentId))] } }, select: { id: true } })).map((row) => row.id),
  );
  // The last write of an environment and name wins, as it would one at a time.
  const rows = new Map(writes.filter((write) => known.has(write.environmentId)).map((write) => [`${write.environmentId}\u0000${write.variable.name}`, write]));
  if (rows.size === 0) return;
  await tx.tokenVariable.deleteMany({ where: { projectId, inherited: false, OR: [...rows.values()].map(({ environmentId, variable }) => ({ environmentId, name: variable.name })) } });
  await tx.tokenVariable.createMany({ data: [...rows.values()].map(({ environmentId, variable }) => tokenVariableRow(projectId, environmentId, variable)) });
  await refreshTokenOnProduction(tx, projectId);
}

/** The environment's own token variable of that name, as Keywarden just deleted it. */
export async function recordVariableDeleted(tx: Writer, projectId: string, environmentId: string, name: string): Promise<void> {
  await lockProject(tx, projectId);
  await tx.tokenVariable.deleteMany({ where: { projectId, environmentId, name, inherited: false } });
  await refreshTokenOnProduction(tx, projectId);
}

/** A user's access to a project, as Keywarden just saw it granted or changed it. */
export async function recordAccessGranted(tx: Writer, grant: UserAccess): Promise<void> {
  const row = accessRow(grant.projectId, grant);
  if (!(await tx.project.findUnique({ where: { id: grant.projectId }, select: { id: true } }))) return;
  await tx.projectUserAccess.upsert({ where: { projectId_userId: { projectId: grant.projectId, userId: grant.userId } }, create: row, update: row });
}

/** A user's roles on a project, as Keywarden just changed them (the grant's dates are kept). */
export async function recordAccessChanged(tx: Writer, projectId: string, userId: string, permissions: string[]): Promise<void> {
  await tx.projectUserAccess.updateMany({ where: { projectId, userId }, data: { permissions, remoteUpdatedAt: new Date() } });
}

/** A user's access to a project, as Keywarden just removed it. */
export async function recordAccessRemoved(tx: Writer, projectId: string, userId: string): Promise<void> {
  await tx.projectUserAccess.deleteMany({ where: { projectId, userId } });
}

// ---- who an account is ----------------------------------------------------------------------

/** After this long an account is asked about again (a name or an address may change). */
const ACCOUNT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

const displayNameOf = (user: Pick<CurrentUser, 'firstName' | 'lastName'>) => [user.firstName, user.lastName].filter(Boolean).join(' ').trim() || null;

/** Remembers an account Platform.sh just described (its e-mail and name, for the pages). */
export async function rememberAccount(db: Pick<Database, 'platformshAccount'>, user: CurrentUser, now = new Date()): Promise<void> {
  const data = { email: user.email.toLowerCase(), displayName: displayNameOf(user), seenAt: now };
  await db.platformshAccount.upsert({ where: { id: user.id }, create: { id: user.id, ...data }, update: data });
}

/**
 * Looks up the accounts among `userIds` that Keywarden cannot name yet (or not lately): one
 * `GET /users/{id}` each, so a sync over an unchanged organisation asks nothing. An account
 * Platform.sh will not describe (403, 404) is remembered without an address; any other failure leaves
 * it for the next sync and never fails the caller.
 */
export async function rememberAccounts(
  db: Database,
  client: PlatformshClient,
  userIds: readonly string[],
  now = new Date(),
  /** Accounts known to be fresh already (a sync's run keeps one across its projects: most accounts recur). */
  settled?: Set<string>,
): Promise<void> {
  const asked = [...new Set(userIds)].filter((userId) => !settled?.has(userId));
  if (asked.length === 0) return;
  const fresh = await db.platformshAccount.findMany({ where: { id: { in: asked }, seenAt: { gte: new Date(now.getTime() - ACCOUNT_MAX_AGE_MS) } }, select: { id: true } });
  const known = new Set(fresh.map((row) => row.id));
  for (const userId of asked) {
    settled?.add(userId);
    if (known.has(userId)) continue;
    try {
      await rememberAccount(db, await client.getUser(userId), now);
    } catch (error) {
      if (isPlatformshError(error) && (error.kind === 'forbidden' || error.kind === 'not_found')) {
        await db.platformshAccount.upsert({ where: { id: userId }, create: { id: userId, email: null, displayName: null, seenAt: now }, update: { seenAt: now } });
      } else {
        logger.warn('could not look up a Platform.sh account', { userId, error });
      }
    }
  }
}
