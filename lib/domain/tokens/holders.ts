// Which token each environment holds, as Keywarden last set it: for every environment, the latest
// succeeded step of any of the machine user's runs decides (a push sets its token, a revocation's
// `delete` step clears it). Rotations and revocations are read from the same journal.
import { getDb } from '@/lib/db';

export interface Holding {
  projectId: string;
  environmentId: string;
  environmentType: string;
  tokenId: string;
  /** The variable's name as Keywarden set it (`env:PLATFORMSH_CLI_TOKEN` or `env:UPSUN_CLI_TOKEN`). */
  variableName: string;
  /** When Keywarden set it there. */
  since: Date;
}

/** Environments that hold one of the machine user's tokens now (by Keywarden's journal). */
export async function currentHoldings(machineUserIds: readonly string[]): Promise<Holding[]> {
  if (machineUserIds.length === 0) return [];
  const db = getDb();
  // Their runs first, then those runs' steps by run id: both read by index. A filter on the run
  // through the relation let the planner scan every push step (20,000 at the bench's size) for a
  // page of 50 machine users (issue 19).
  const runs = await db.pushRun.findMany({ where: { machineUserId: { in: [...machineUserIds] } }, select: { id: true, tokenId: true } });
  if (runs.length === 0) return [];
  const tokenOfRun = new Map(runs.map((run) => [run.id, run.tokenId]));
  const steps = await db.pushStep.findMany({
    where: { status: 'succeeded', runId: { in: [...tokenOfRun.keys()] } },
    select: { projectId: true, environmentId: true, environmentType: true, operation: true, updatedAt: true, variableName: true, runId: true },
  });
  const latest = new Map<string, (typeof steps)[number]>();
  for (const step of steps) {
    const key = `${step.projectId}/${step.environmentId}`;
    const previous = latest.get(key);
    if (!previous || step.updatedAt > previous.updatedAt) latest.set(key, step);
  }
  return [...latest.values()]
    .filter((step) => step.operation !== 'delete')
    .map((step) => ({ projectId: step.projectId, environmentId: step.environmentId, environmentType: step.environmentType, tokenId: tokenOfRun.get(step.runId)!, variableName: step.variableName, since: step.updatedAt }));
}

/** A variable that holds a token, as a revocation deletes it (its step keeps the environment's type). */
export type HeldVariable = Pick<Holding, 'projectId' | 'environmentId' | 'environmentType' | 'variableName'>;

/** The variables that hold one token of the machine user now: what revoking it deletes. */
export async function variablesHoldingToken(machineUserId: string, tokenId: string): Promise<HeldVariable[]> {
  return (await currentHoldings([machineUserId])).filter((holding) => holding.tokenId === tokenId).map(({ projectId, environmentId, environmentType, variableName }) => ({ projectId, environmentId, environmentType, variableName }));
}

export interface Drift {
  tokenId: string;
  environmentId: string;
  /** What Platform.sh reports against what Keywarden set, in words. */
  problems: string[];
  /** The sync that saw it. */
  seenAt: Date;
}

/**
 * Where Platform.sh, as the last inventory sync saw it, differs from what Keywarden set (SECURITY.md
 * R7): the variable gone, or no longer sensitive, not inheritable or enabled. Shown, never "fixed":
 * pushing again is a person's decision. A holding set after its project's last sync is not judged yet.
 */
export async function driftOf(holdings: readonly Holding[]): Promise<Drift[]> {
  if (holdings.length === 0) return [];
  const db = getDb();
  const projectIds = [...new Set(holdings.map((holding) => holding.projectId))];
  const [projects, variables] = await Promise.all([
    db.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, lastSyncedAt: true } }),
    db.tokenVariable.findMany({
      where: { projectId: { in: projectIds }, name: { in: [...new Set(holdings.map((holding) => holding.variableName))] }, inherited: false, environmentId: { in: [...new Set(holdings.map((holding) => holding.environmentId))] } },
      select: { projectId: true, environmentId: true, name: true, isSensitive: true, isInheritable: true, isEnabled: true },
    }),
  ]);
  const syncedAt = new Map(projects.map((project) => [project.id, project.lastSyncedAt]));
  const drift: Drift[] = [];
  for (const holding of holdings) {
    const seenAt = syncedAt.get(holding.projectId);
    if (!seenAt || seenAt <= holding.since) continue;
    const variable = variables.find((candidate) => candidate.projectId === holding.projectId && candidate.environmentId === holding.environmentId && candidate.name === holding.variableName);
    const problems = !variable
      ? ['the variable is gone']
      : [!variable.isSensitive && 'no longer sensitive', variable.isInheritable && 'now inheritable', !variable.isEnabled && 'disabled'].filter((problem): problem is string => typeof problem === 'string');
    if (problems.length) drift.push({ tokenId: holding.tokenId, environmentId: holding.environmentId, problems, seenAt });
  }
  return drift;
}
