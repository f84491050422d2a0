// Interrupted incident runs resumed automatically by the job queue (issue 18.3), against the
// simulator over real HTTP, on PGlite and PostgreSQL. The crash is simulated as it leaves the
// database: a run stopped after a few tokens (its heartbeat stale), and one token's revocation left
// with a journalled `delete` step in progress whose variable Platform.sh had already deleted (the
// change applied, the answer lost with the process). An `incident-resume` job on a real pg-boss
// worker then finishes it: every variable gone, nothing revoked twice, the report written, the
// automatic resume on the audit log, the token deletions (they need a live token) left as open
// tasks. Two instances resuming at once run it once; a finished incident is left alone; an incident
// whose executor may no longer execute incidents waits for a person.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { startJobQueue, type JobQueue } from '@/lib/jobs/queue';
import type { PlatformshClient } from '@/lib/platformsh';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { ensureProject, holdsVariable, seedPushedToken, TOKEN_VARIABLE } from '@/lib/testing/incidents';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { simulatorClient } from '@/lib/testing/inventory';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { resumeInterruptedIncidents } from './auto-resume';
import { createIncident, dryRunIncident } from './plan';
import { executeIncident, type IncidentReport } from './run';
import { until } from '@/lib/testing/until';

const KEY = 'fingerprint-key-for-auto-resume-tests-0123456789abc';
/** Each token on two environments of its own (one variable per environment, as pushes leave them). */
const environmentsOf = (index: number) => [
  { id: `e${index}-main`, type: 'production' as const },
  { id: `e${index}-dev`, type: 'development' as const },
];
const VARIABLES_PER_TOKEN = 2;


describe.each(TEST_DATABASE_KINDS)('automatic resume of interrupted incidents on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let dashboard: PlatformshClient;
  let admin: RequestContext;
  const queues: JobQueue[] = [];
  const running: Promise<void>[] = [];

  beforeAll(async () => {
    db = database.db;
    sim = await startSimulator({ seed: 'demo' });
    dashboard = simulatorClient(sim, { timeoutMs: 5_000 });
    admin = contextFor(await createUser(db, { role: 'admin' }));
  });

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.stop()));
    await db.$executeRawUnsafe('DELETE FROM pgboss.job');
  });

  afterAll(async () => {
    dashboard?.dispose();
    await sim?.stop();
  });

  /**
   * An incident of `tokens` tokens on `projectId` (two variables each), executed and "crashed" as
   * described above: the first token done, the second with an in-progress delete step whose
   * variable is already gone on Platform.sh, the rest pending; every heartbeat stale.
   */
  async function crashedIncident(projectId: string, tokens: number, executor: RequestContext = admin) {
    const seeded = [];
    for (let index = 0; index < tokens; index++) {
      await ensureProject(db, sim, projectId, environmentsOf(index));
      const { machineUser } = await seedPushedToken(db, sim, { projectId, ownerId: admin.actor.id, environments: environmentsOf(index), purpose: 'ci_tests' });
      seeded.push({ projectId: machineUser.projectId, environments: environmentsOf(index).map((environment) => environment.id) });
    }
    const planned = await createIncident(executor, { name: `Breach ${projectId}`, filter: { projectId } });
    if (!planned.ok) throw new Error(JSON.stringify(planned));
    const incidentId = planned.data.incidentId;
    expect((await dryRunIncident(executor, { incidentId }, dashboard)).ok).toBe(true);

    // The process revokes one token, then dies: it takes no further item, and its heartbeat stops.
    const abort = new AbortController();
    let deleted = 0;
    const dying = new Proxy(dashboard, {
      get(target, property, receiver) {
        if (property === 'deleteEnvironmentVariable') {
          return async (...args: Parameters<PlatformshClient['deleteEnvironmentVariable']>) => {
            const activities = await target.deleteEnvironmentVariable(...args);
            deleted += 1;
            if (deleted >= VARIABLES_PER_TOKEN) abort.abort();
            return activities;
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...values: unknown[]) => unknown).bind(target) : value;
      },
    });
    const started = await executeIncident(executor, { incidentId, confirmName: `Breach ${projectId}` }, {
      dashboard: dying,
      clientForToken: () => {
        throw new Error('no live token');
      },
      fingerprintKey: KEY,
      concurrency: 1,
      signal: abort.signal,
      schedule: (work) => running.push(work()),
    });
    expect(started.ok).toBe(true);
    await Promise.all(running.splice(0));
    return { incidentId, seeded };
  }

  /** What a crash leaves: every heartbeat stale, and one token's revocation with a step in flight that Platform.sh had applied. */
  async function leaveHalfDone(incidentId: string) {
    const items = await db.incidentItem.findMany({ where: { incidentId }, orderBy: { id: 'asc' } });
    const inFlight = items.find((item) => item.status === 'pending')!;
    const variable = (inFlight.variables as unknown as { projectId: string; environmentId: string; variableName: string }[])[0]!;
    await db.apiToken.update({ where: { id: inFlight.tokenId }, data: { status: 'compromised', statusChangedAt: new Date() } });
    await db.incidentItem.update({ where: { id: inFlight.id }, data: { status: 'running' } });
    const crashedRun = await db.pushRun.create({
      data: {
        machineUserId: inFlight.machineUserId,
        tokenId: inFlight.tokenId,
        activeMachineUserId: inFlight.machineUserId,
        visibleBuild: false,
        startedById: admin.actor.id,
        heartbeatAt: new Date(Date.now() - 120_000),
        steps: { create: [{ projectId: variable.projectId, environmentId: variable.environmentId, environmentType: '', operation: 'delete', status: 'in_progress', variableName: variable.variableName }] },
      },
    });
    // The change applied on Platform.sh; its answer died with the process.
    sim.store.projects.get(variable.projectId)!.environments.get(variable.environmentId)!.variables.delete(TOKEN_VARIABLE);
    const past = new Date(Date.now() - 120_000);
    await db.incident.update({ where: { id: incidentId }, data: { heartbeatAt: past } });
    await db.pushRun.updateMany({ where: { status: 'running' }, data: { heartbeatAt: past } });
    return { inFlight, crashedRunId: crashedRun.id };
  }

  it('an incident-resume job finishes a crashed run: every variable gone, nothing revoked twice, the report and the audit rows, token deletions left as open tasks', async () => {
    const { incidentId, seeded } = await crashedIncident('auto-a', 4);
    const { crashedRunId } = await leaveHalfDone(incidentId);
    const before = await db.incidentItem.findMany({ where: { incidentId } });
    expect(before.filter((item) => item.status === 'done')).toHaveLength(1);
    expect(before.some((item) => item.status === 'pending')).toBe(true);
    expect((await db.incident.findUniqueOrThrow({ where: { id: incidentId } })).status).toBe('running');
    const compromiseRows = await db.auditEvent.count({ where: { action: 'token.compromise' } });
    const alreadyAttempted = before.filter((item) => item.attempts > 0).map((item) => item.id);
    const seq = await lastAuditSeq(db);

    const queue = await startJobQueue({
      database,
      connectionString: database.migrationTarget.kind === 'postgresql' ? database.migrationTarget.url : undefined,
      handlers: { 'incident-resume': () => resumeInterruptedIncidents({ dashboard, fingerprintKey: KEY }) },
      pollingIntervalSeconds: 0.5,
    });
    queues.push(queue);
    const jobId = await queue.boss.send('incident-resume', {});
    expect(jobId).toBeTruthy();
    await until(async () => (await queue.boss.getJobById('incident-resume', jobId!))?.state === 'completed', 'the resume job to complete');

    const incident = await db.incident.findUniqueOrThrow({ where: { id: incidentId } });
    expect(incident.status).toBe('finished');
    const items = await db.incidentItem.findMany({ where: { incidentId } });
    expect(items.every((item) => item.status === 'done')).toBe(true);
    // Items done before the crash were not revoked again; each other token once.
    for (const item of items.filter((candidate) => alreadyAttempted.includes(candidate.id))) expect(item.attempts).toBe(before.find((old) => old.id === item.id)!.attempts);
    expect(await db.auditEvent.count({ where: { action: 'token.compromise' } })).toBe(compromiseRows + items.length - alreadyAttempted.length);
    for (const token of seeded) for (const environmentId of token.environments) expect(holdsVariable(sim, token.projectId, environmentId)).toBe(false);
    // The step in flight was closed as unknown by the resume, not left running.
    const crashedRun = await db.pushRun.findUniqueOrThrow({ where: { id: crashedRunId }, include: { steps: true } });
    expect(crashedRun.status).not.toBe('running');
    expect(crashedRun.steps[0]!.status).toBe('unknown');

    // The token deletions need a live token: open tasks in the report.
    const report = incident.report as unknown as IncidentReport;
    expect(report).toMatchObject({ tokens: 4, variablesPlanned: 8, variablesDeleted: 8, variablesRemaining: 0, tokensDeletedOnPlatform: 0, tokensToDeleteOnPlatform: 4 });
    expect(report.openTasks.every((task) => task.tasks.length === 1 && /only a live token/.test(task.tasks[0]!))).toBe(true);

    const events = await auditEventsSince(db, seq);
    expect(events[0]).toMatchObject({ action: 'incident.resume', outcome: 'succeeded', actorId: null, targetId: incidentId, details: { automatic: true, onBehalfOf: admin.actor.email } });
    expect(events.filter((event) => event.action === 'incident.resume')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ action: 'incident.report', targetId: incidentId, actorId: admin.actor.id });

    // Idempotent: another tick finds nothing to resume and writes nothing.
    const after = await lastAuditSeq(db);
    expect(await resumeInterruptedIncidents({ dashboard, fingerprintKey: KEY })).toEqual({ resumed: [], leftForPeople: [] });
    expect(await auditEventsSince(db, after)).toEqual([]);
  }, 180_000);

  it('two instances resuming at once run an incident once', async () => {
    const { incidentId } = await crashedIncident('auto-b', 3);
    await leaveHalfDone(incidentId);
    const compromiseRows = await db.auditEvent.count({ where: { action: 'token.compromise' } });
    const pendingBefore = (await db.incidentItem.findMany({ where: { incidentId } })).filter((item) => item.attempts === 0).length;
    const seq = await lastAuditSeq(db);
    const [first, second] = await Promise.all([resumeInterruptedIncidents({ dashboard, fingerprintKey: KEY }), resumeInterruptedIncidents({ dashboard, fingerprintKey: KEY })]);
    expect([...first.resumed, ...second.resumed]).toEqual([incidentId]);
    const events = await auditEventsSince(db, seq);
    expect(events.filter((event) => event.action === 'incident.resume')).toHaveLength(1);
    expect(events.filter((event) => event.action === 'incident.report')).toHaveLength(1);
    expect(await db.auditEvent.count({ where: { action: 'token.compromise' } })).toBe(compromiseRows + pendingBefore);
    expect((await db.incident.findUniqueOrThrow({ where: { id: incidentId } })).status).toBe('finished');
  }, 180_000);

  it('leaves an interrupted bulk rotation alone: only a person can paste its bootstrap tokens again', async () => {
    const { incidentId, seeded } = await crashedIncident('auto-d', 2);
    await leaveHalfDone(incidentId);
    // The same crashed run, as a rotation: its resume needs one live bootstrap token per machine user.
    await db.incident.update({ where: { id: incidentId }, data: { kind: 'rotation' } });
    const seq = await lastAuditSeq(db);
    expect(await resumeInterruptedIncidents({ dashboard, fingerprintKey: KEY })).toEqual({ resumed: [], leftForPeople: [] });
    expect(await auditEventsSince(db, seq)).toEqual([]);
    expect((await db.incident.findUniqueOrThrow({ where: { id: incidentId } })).status).toBe('running');
    expect(seeded.flatMap((token) => token.environments.filter((environmentId) => holdsVariable(sim, token.projectId, environmentId)))).toHaveLength(1);
  }, 120_000);

  it('leaves an incident for a person when whoever executed it may no longer execute incidents', async () => {
    const executor = contextFor(await createUser(db, { role: 'admin' }));
    const { incidentId, seeded } = await crashedIncident('auto-c', 2, executor);
    await leaveHalfDone(incidentId);
    await db.user.update({ where: { id: executor.actor.id }, data: { role: 'reviewer', sessionVersion: { increment: 1 } } });
    const seq = await lastAuditSeq(db);
    expect(await resumeInterruptedIncidents({ dashboard, fingerprintKey: KEY })).toEqual({ resumed: [], leftForPeople: [incidentId] });
    expect(await auditEventsSince(db, seq)).toEqual([]);
    expect((await db.incident.findUniqueOrThrow({ where: { id: incidentId } })).status).toBe('running');
    // Nothing ran: the first token's two variables and the in-flight one are gone, the last one stays.
    expect(seeded.flatMap((token) => token.environments.filter((environmentId) => holdsVariable(sim, token.projectId, environmentId)))).toHaveLength(1);
  }, 120_000);
});
