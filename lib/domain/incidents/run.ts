// Incident response across many tokens (issue 18.3), part two: the execution as one journalled,
// resumable bulk run, the verification pass, and the report.
//
//   confirm (the incident's name typed again) → claim the run (planned → running, the audit row in
//   the same transaction, L1) → the items, a few machine users at a time, each machine user's tokens
//   one after the other (one revocation run per machine user, R6): every token goes through the
//   single-token revocation (rotate.ts executeRevocation: its variables deleted as journalled
//   `delete` steps, the token marked compromised), retried while variables remain → a verification
//   pass that re-reads every planned environment → the report (audit log, evidence packs).
//
// The run continues in the process that started it, whose heartbeat moves; if that process dies,
// the heartbeat stops and the incident shows as interrupted: an admin resumes it, and only what is
// not done runs again (a deleted variable is "already gone", never an error). Calls to Platform.sh
// go through the dashboard's client, paced within the API's rate limit.
//
// A token can only be deleted on Platform.sh with a live token of its own machine user: a bulk run
// has none, so each such deletion becomes an open task, listed on the Overview until it is done
// (on the token's page, "Mark compromised" with a live token; or in the machine user's Console).
import 'server-only';
import { getDb, Prisma } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { mapWithConcurrency } from '@/lib/platformsh';
import { executeIncidentSchema, incidentIdSchema } from '@/lib/validations/incidents';
import type { RequestContext } from '../context';
import { closeInterruptedRuns } from '../tokens/interrupted';
import { claimExecution, claimResume, keepIncidentAlive, openExecution, openResume, recordReport } from './bulk-run';
import type { TokenDeps } from '../tokens/push';
import { executeRevocation } from '../tokens/rotate';
import { variablesHoldingToken } from '../tokens/holders';
import { INCIDENT_READ_CONCURRENCY, readVariable, type PlannedVariable } from './plan';
import { incidentDeletionTask } from '@/lib/domain/tokens/deletion-tasks';

/** Machine users whose tokens are revoked at once (each deletes a few variables at once: PUSH_CONCURRENCY). */
export const INCIDENT_CONCURRENCY = 3;
/** Revocation attempts per token while some of its variables remain (a 500, a hang, a lost answer). */
export const ATTEMPTS_PER_TOKEN = 3;

export interface IncidentDeps extends TokenDeps {
  /** Runs the execution after the action answers (in this process); tests await it instead. */
  schedule?: (work: () => Promise<void>) => void;
  /** Stops taking new items (tests: a crash half-way). */
  signal?: AbortSignal;
  /** Machine users handled at once (INCIDENT_CONCURRENCY unless a test compares). */
  concurrency?: number;
}

export interface IncidentReport {
  verifiedAt: string;
  tokens: number;
  projects: number;
  variablesPlanned: number;
  variablesDeleted: number;
  variablesRemaining: number;
  tokensDeletedOnPlatform: number;
  tokensToDeleteOnPlatform: number;
  /** One entry per token with something left to do, and why. */
  openTasks: { tokenId: string; lastFour: string; machineUser: string; projectId: string; tasks: string[] }[];
}

const defaultSchedule = (work: () => Promise<void>) => {
  void work().catch((error: unknown) => logger.error('incident run failed', { error }));
};

export { isInterrupted } from './bulk-run';

/** Executes a planned incident after its dry run, once its name is typed again (admins). */
export async function executeIncident(context: RequestContext, rawInput: unknown, deps: IncidentDeps): Promise<ActionResult<{ incidentId: string }>> {
  const opened = await openExecution(context, rawInput, 'revocation', executeIncidentSchema);
  if (!opened.ok) return opened.failure;
  const { incident } = opened;
  if (!(await claimExecution(context, incident))) return fail('conflict', 'This incident has already been executed.');
  (deps.schedule ?? defaultSchedule)(() => runIncident(context, incident.id, deps));
  return ok({ incidentId: incident.id });
}

/** Resumes an incident whose process stopped (admins): only what is not done runs again. */
export async function resumeIncident(context: RequestContext, rawInput: unknown, deps: IncidentDeps): Promise<ActionResult<{ incidentId: string }>> {
  const parsed = incidentIdSchema.safeParse(rawInput);
  const opened = await openResume(context, parsed.success ? parsed.data.incidentId : undefined, 'revocation');
  if (!opened.ok) return opened.failure;
  const { incident } = opened;
  if (!(await claimResume(context, incident))) return fail('conflict', 'Someone else resumed this incident.');
  (deps.schedule ?? defaultSchedule)(() => runIncident(context, incident.id, deps));
  return ok({ incidentId: incident.id });
}

/** The run itself: every item not done, then the verification pass and the report. */
export async function runIncident(context: RequestContext, incidentId: string, deps: IncidentDeps): Promise<void> {
  const db = getDb();
  const incident = await db.incident.findUniqueOrThrow({ where: { id: incidentId } });
  const stopHeartbeat = keepIncidentAlive(incidentId);
  try {
    const items = await db.incidentItem.findMany({ where: { incidentId, status: { not: 'done' } }, orderBy: { projectId: 'asc' } });
    const byMachineUser = new Map<string, typeof items>();
    for (const item of items) byMachineUser.set(item.machineUserId, [...(byMachineUser.get(item.machineUserId) ?? []), item]);
    await mapWithConcurrency([...byMachineUser.values()], deps.concurrency ?? INCIDENT_CONCURRENCY, async (group) => {
      for (const item of group) {
        if (deps.signal?.aborted) return;
        // One token's unexpected failure (a database error) is its own: the others still run, and
        // the report explains it.
        await revokeItem(context, deps, incident, item.id).catch(async (error: unknown) => {
          logger.error('incident item failed', { incidentId, itemId: item.id, error });
          await db.incidentItem.update({ where: { id: item.id }, data: { status: 'failed', openTasks: ['Keywarden failed while revoking this token: mark it compromised from its machine user’s page.'] } });
        });
      }
    });
    // A crash (or a test's abort) stops here: the heartbeat stops, the incident shows as interrupted.
    if (deps.signal?.aborted) return;
    await verifyAndReport(context, deps, incidentId);
  } finally {
    stopHeartbeat();
  }
}

/** One token: revoked through the single-token journal, retried while variables remain. */
async function revokeItem(context: RequestContext, deps: IncidentDeps, incident: { id: string; name: string }, itemId: string): Promise<void> {
  const db = getDb();
  const item = await db.incidentItem.update({ where: { id: itemId }, data: { status: 'running' } });
  // A revocation run that a crash left "running" holds the machine user's slot until closed.
  await closeInterruptedRuns(db, { machineUserId: item.machineUserId });
  const token = await db.apiToken.findUniqueOrThrow({ where: { id: item.tokenId }, include: { machineUser: { include: { project: { select: { id: true, title: true } } } } } });
  let problem: string | null = null;
  for (let attempt = 1; attempt <= ATTEMPTS_PER_TOKEN; attempt++) {
    const fresh = await db.apiToken.findUniqueOrThrow({ where: { id: token.id }, include: { machineUser: { include: { project: { select: { id: true, title: true } } } } } });
    // What still holds it now, by the journal: a resumed item only deletes what is left.
    const variables = await variablesHoldingToken(item.machineUserId, token.id);
    if (attempt > 1 && variables.length === 0) break;
    const status = fresh.status === 'revoked' ? 'revoked' : 'compromised';
    const outcome = await executeRevocation(context, deps, { token: fresh, variables, status, reason: `Incident “${incident.name}”` }, undefined);
    await db.incidentItem.update({ where: { id: itemId }, data: { attempts: { increment: 1 } } });
    if (!outcome.ok) {
      problem = outcome.error.message;
      continue;
    }
    problem = null;
    if (outcome.data.status === 'done' || variables.length === 0) break;
  }
  const left = (await variablesHoldingToken(item.machineUserId, token.id)).length;
  await db.incidentItem.update({ where: { id: itemId }, data: { status: problem ? 'failed' : left ? 'partial' : 'done', openTasks: problem ? [problem] : [] } });
}

/** The verification pass (re-reads every planned environment), then the report on the incident and the audit log. */
export async function verifyAndReport(context: RequestContext, deps: Pick<IncidentDeps, 'dashboard'>, incidentId: string): Promise<IncidentReport> {
  const db = getDb();
  const productName = deps.dashboard.vendor.productName;
  const items = await db.incidentItem.findMany({ where: { incidentId }, orderBy: [{ projectId: 'asc' }, { tokenId: 'asc' }] });
  const tokens = new Map(
    (await db.apiToken.findMany({ where: { id: { in: items.map((item) => item.tokenId) } }, include: { machineUser: { select: { email: true } } } })).map((token) => [token.id, token]),
  );
  const report: IncidentReport = { verifiedAt: '', tokens: items.length, projects: new Set(items.map((item) => item.projectId)).size, variablesPlanned: 0, variablesDeleted: 0, variablesRemaining: 0, tokensDeletedOnPlatform: 0, tokensToDeleteOnPlatform: 0, openTasks: [] };
  await mapWithConcurrency(items, INCIDENT_READ_CONCURRENCY, async (item) => {
    const planned = item.variables as unknown as PlannedVariable[];
    const remaining: { environmentId: string; variableName: string; why: string }[] = [];
    for (const variable of planned) {
      const reading = await readVariable(deps.dashboard, variable);
      if (reading.state === 'present') remaining.push({ environmentId: variable.environmentId, variableName: variable.variableName, why: `still present on ${productName} after the run` });
      if (reading.state === 'unreadable') remaining.push({ environmentId: variable.environmentId, variableName: variable.variableName, why: `could not be read (${reading.detail ?? 'no answer'}): verify it again` });
    }
    const token = tokens.get(item.tokenId);
    const tasks = [...item.openTasks.filter((task) => item.status === 'failed' && task)];
    for (const left of remaining) tasks.push(`Delete ${left.variableName} on ${item.projectId}/${left.environmentId}: ${left.why}.`);
    const deletion = token ? incidentDeletionTask(deps.dashboard.vendor, token, token.machineUser.email) : null;
    if (deletion) tasks.push(deletion);
    report.variablesPlanned += planned.length;
    report.variablesRemaining += remaining.length;
    report.variablesDeleted += planned.length - remaining.length;
    if (token?.deletedOnPlatformAt) report.tokensDeletedOnPlatform += 1;
    else report.tokensToDeleteOnPlatform += 1;
    if (tasks.length && token) report.openTasks.push({ tokenId: item.tokenId, lastFour: token.lastFour, machineUser: token.machineUser.email, projectId: item.projectId, tasks });
    await db.incidentItem.update({ where: { id: item.id }, data: { remaining: remaining as unknown as Prisma.InputJsonValue, openTasks: tasks, status: remaining.length && item.status === 'done' ? 'partial' : item.status } });
  });
  report.openTasks.sort((a, b) => a.projectId.localeCompare(b.projectId) || a.tokenId.localeCompare(b.tokenId));
  report.verifiedAt = new Date().toISOString();
  const { openTasks, ...counts } = report;
  await recordReport(context, incidentId, report, {
    failed: openTasks.length > 0,
    reason: openTasks.length ? `${openTasks.length} token(s) with open tasks: ${report.tokensToDeleteOnPlatform} to delete on ${productName}, ${report.variablesRemaining} variable(s) remaining.` : undefined,
    details: { ...counts, openTasks: openTasks.map((task) => ({ tokenId: task.tokenId, tasks: task.tasks.length })) },
  });
  return report;
}
