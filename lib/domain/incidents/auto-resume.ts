// Incident runs interrupted by a crash, resumed automatically (issue 18.3). An incident's run goes
// on in the process that started it; if that process dies, its heartbeat stops and the incident
// shows as interrupted. Until now only a person resumed it (run.ts resumeIncident). The job queue's
// `incident-resume` tick (every minute, once across instances: lib/jobs) now does it:
//
//   find running incidents whose heartbeat is stale → for each, claim it (the same conditional
//   update as a person's resume: exactly one claimer across instances, and a person's resume and
//   this one exclude each other) with its audit row → run what is not done → verification → report.
//
// What runs is the incident run itself, which needs no live token of any machine user: variable
// deletions (journalled `delete` steps through the dashboard's own credential; a journalled step
// left running by the crash is closed as `unknown`, and a variable already gone is "already gone",
// never an error) and the verification re-reads. Deleting a token on Platform.sh needs a live token
// of its machine user: an automatic resume has none (its clientForToken refuses), so those stay
// open tasks in the report and on the Overview, as in any run.
//
// On whose behalf: the run's audit rows name the admin who executed the incident (their confirmed
// intent is what continues); the resume row itself has no actor and says it was automatic. If that
// person may no longer execute incidents (demoted, disabled), nothing is resumed automatically: an
// admin resumes it from its page, under their own name.
import { authorize, type Actor } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { logger } from '@/lib/logger';
import type { PlatformshClient } from '@/lib/platformsh';
import type { RequestContext } from '../context';
import { INTERRUPTED_AFTER_MS } from '../tokens/interrupted';
import { runIncident, type IncidentDeps } from './run';

export interface AutoResumeDeps {
  dashboard: PlatformshClient;
  fingerprintKey: string;
  pushConcurrency?: number;
  /** Tests: stop taking items (a second crash). */
  signal?: AbortSignal;
}

export interface AutoResumeOutcome {
  /** Incidents this call claimed and ran to their report (or until `signal`). */
  resumed: string[];
  /** Interrupted incidents left for a person: whoever executed them may no longer. */
  leftForPeople: string[];
}

/** The admin who executed the incident, as an actor, if they may still execute incidents. */
async function executorOf(startedById: string | null): Promise<Actor | null> {
  if (!startedById) return null;
  const user = await getDb().user.findUnique({ where: { id: startedById }, select: { id: true, email: true, role: true, disabledAt: true } });
  if (!user || user.disabledAt) return null;
  const actor: Actor = { id: user.id, email: user.email, role: user.role, projectIds: [] };
  return authorize(actor, 'incident.execute').allowed ? actor : null;
}

/**
 * Resumes every interrupted incident this instance can claim, one after the other (each claimed just
 * before it runs, so that an incident waiting its turn stays claimable by another instance rather
 * than held by a heartbeat nobody moves). Idempotent: a finished incident, or one whose heartbeat
 * moves, is not touched.
 */
export async function resumeInterruptedIncidents(deps: AutoResumeDeps, now = () => new Date()): Promise<AutoResumeOutcome> {
  const db = getDb();
  const outcome: AutoResumeOutcome = { resumed: [], leftForPeople: [] };
  const staleBefore = () => new Date(now().getTime() - INTERRUPTED_AFTER_MS);
  // Revocations only: a bulk rotation's resume needs its bootstrap tokens pasted again by a person.
  const candidates = await db.incident.findMany({ where: { kind: 'revocation', status: 'running', heartbeatAt: { lt: staleBefore() } }, select: { id: true }, orderBy: { startedAt: 'asc' } });
  for (const { id } of candidates) {
    if (deps.signal?.aborted) break;
    const incident = await db.incident.findUnique({ where: { id }, select: { id: true, name: true, startedById: true } });
    if (!incident) continue;
    const actor = await executorOf(incident.startedById);
    if (!actor) {
      logger.warn('interrupted incident not resumed automatically: whoever executed it may no longer execute incidents; an admin resumes it from its page', { incidentId: id });
      outcome.leftForPeople.push(id);
      continue;
    }
    const claimed = await db.$transaction(async (tx) => {
      // The conditional update: of several instances (or a person's resume), exactly one claims it.
      const { count } = await tx.incident.updateMany({ where: { id, kind: 'revocation', status: 'running', heartbeatAt: { lt: staleBefore() } }, data: { heartbeatAt: now() } });
      if (count === 0) return false;
      const left = await tx.incidentItem.count({ where: { incidentId: id, status: { not: 'done' } } });
      await recordAudit(tx, {
        actor: null,
        action: 'incident.resume',
        outcome: 'succeeded',
        reason: 'Resumed automatically after the run was interrupted (Keywarden stopped while it ran).',
        clientAddress: null,
        target: { type: 'incident', id },
        details: { name: incident.name, itemsLeft: left, automatic: true, onBehalfOf: actor.email },
      });
      return true;
    });
    if (!claimed) continue;
    const context: RequestContext = { actor, clientAddress: null };
    const incidentDeps: IncidentDeps = {
      dashboard: deps.dashboard,
      // No live token in an automatic resume: the steps that would need one stay open tasks.
      clientForToken: () => {
        throw new Error('an automatic resume has no live token of a machine user');
      },
      fingerprintKey: deps.fingerprintKey,
      ...(deps.pushConcurrency ? { pushConcurrency: deps.pushConcurrency } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    };
    await runIncident(context, id, incidentDeps);
    outcome.resumed.push(id);
  }
  return outcome;
}
