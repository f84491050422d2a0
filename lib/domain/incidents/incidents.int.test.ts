// Incident response across many tokens (issue 18.3) against the simulator over real HTTP, on PGlite
// and PostgreSQL: a bulk revocation of 200 tokens across 50 projects with faults on (5xx, 429,
// resets, lost answers after the change, a hang) and the API's rate limit, paced by the client,
// ending with every variable gone and each remaining task explained; the filters; the dry run that
// writes nothing; the typed confirmation; a run interrupted half-way and resumed; the Overview's
// open tasks; admins only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import type { PlatformshClient } from '@/lib/platformsh';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { ensureProject, holdsVariable, seedPushedToken } from '@/lib/testing/incidents';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { simulatorClient } from '@/lib/testing/inventory';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { createIncident, dryRunIncident, selectTokens } from './plan';
import { getIncident, incidentsForEvidence, listIncidentOpenTasks } from './queries';
import { executeIncident, resumeIncident, type IncidentDeps, type IncidentReport } from './run';

const KEY = 'fingerprint-key-for-incident-tests-0123456789abcdef';
const ENVIRONMENTS = [
  { id: 'main', type: 'production' as const },
  { id: 'staging', type: 'staging' as const },
  { id: 'dev-a', type: 'development' as const },
  { id: 'dev-b', type: 'development' as const },
  { id: 'dev-c', type: 'development' as const },
  { id: 'dev-d', type: 'development' as const },
];
/** Four machine users per project, each with its token on its own environments (one variable per environment). */
const HOLDINGS = [
  { purpose: 'backups' as const, environments: [ENVIRONMENTS[0]!] },
  { purpose: 'ci_tests' as const, environments: [ENVIRONMENTS[1]!, ENVIRONMENTS[2]!] },
  { purpose: 'source_operations' as const, environments: [ENVIRONMENTS[3]!] },
  { purpose: 'custom' as const, environments: [ENVIRONMENTS[4]!, ENVIRONMENTS[5]!] },
];

describe.each(TEST_DATABASE_KINDS)('incident response on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let dashboard: PlatformshClient;
  let admin: RequestContext;
  let pushedBy: { id: string; email: string };
  const running: Promise<void>[] = [];

  const deps = (extra: Partial<IncidentDeps> = {}): IncidentDeps => ({
    dashboard,
    clientForToken: (token) => simulatorClient(sim, { apiToken: token }),
    fingerprintKey: KEY,
    schedule: (work) => running.push(work()),
    ...extra,
  });
  const settle = async () => {
    await Promise.all(running.splice(0));
  };

  beforeAll(async () => {
    db = database.db;
    sim = await startSimulator({ faults: true, seed: 'demo' });
    // The API's rate limit, and the client paced below it: the bulk run never outruns it.
    sim.faults.setRateLimit({ requestsPerSecond: 120 });
    dashboard = simulatorClient(sim, { requestsPerSecond: 100, timeoutMs: 2_000 });
    admin = contextFor(await createUser(db, { role: 'admin' }));
    const person = await createUser(db, { role: 'onboarder' });
    pushedBy = { id: person.id, email: person.email };
  });

  afterAll(async () => {
    dashboard?.dispose();
    await sim?.stop();
  });

  it('selects by project, purpose, environment type, build visibility, pusher and date; refuses an unbounded selection without “all”', async () => {
    await ensureProject(db, sim, 'filter-a', ENVIRONMENTS);
    await ensureProject(db, sim, 'filter-b', ENVIRONMENTS);
    const old = await seedPushedToken(db, sim, { projectId: 'filter-a', ownerId: admin.actor.id, environments: [ENVIRONMENTS[0]!], purpose: 'backups', recordedAt: new Date('2026-01-01T00:00:00Z') });
    const visible = await seedPushedToken(db, sim, { projectId: 'filter-a', ownerId: admin.actor.id, environments: [ENVIRONMENTS[2]!], purpose: 'ci_tests', visibleBuild: true, pushedById: pushedBy.id });
    const other = await seedPushedToken(db, sim, { projectId: 'filter-b', ownerId: admin.actor.id, environments: [ENVIRONMENTS[1]!], purpose: 'custom' });
    const ids = async (filter: Record<string, unknown>) => (await selectTokens({ all: false, ...filter })).map((item) => item.tokenId).sort();
    expect(await ids({ projectId: 'filter-a' })).toEqual([old.token.id, visible.token.id].sort());
    expect(await ids({ projectId: 'filter-a', purpose: 'backups' })).toEqual([old.token.id]);
    expect(await ids({ projectId: 'filter-a', environmentType: 'development' })).toEqual([visible.token.id]);
    expect(await ids({ projectId: 'filter-a', buildVisible: 'yes' })).toEqual([visible.token.id]);
    expect(await ids({ projectId: 'filter-a', buildVisible: 'no' })).toEqual([old.token.id]);
    expect(await ids({ pushedBy: pushedBy.email })).toEqual([visible.token.id]);
    expect(await ids({ projectId: 'filter-b', environmentType: 'staging' })).toEqual([other.token.id]);
    expect(await ids({ recordedBefore: '2026-02-01' })).toEqual([old.token.id]);

    const unbounded = await createIncident(admin, { name: 'Everything?', filter: {} });
    expect(unbounded).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { 'filter.all': expect.any(Array) } } });
    const nothing = await createIncident(admin, { name: 'Nothing', filter: { projectId: 'filter-a', recordedBefore: '2000-01-01' } });
    expect(nothing).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('is for admins: a reviewer reads, and is refused planning, the dry run, execution and resume (audited)', async () => {
    const reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
    const onboarder = contextFor(await createUser(db, { role: 'onboarder', projectIds: ['filter-a'] }), ['filter-a']);
    const planned = await createIncident(admin, { name: 'Roles', filter: { projectId: 'filter-b' } });
    expect(planned.ok).toBe(true);
    const incidentId = planned.ok ? planned.data.incidentId : '';
    const seq = await lastAuditSeq(db);
    expect(await createIncident(reviewer, { name: 'Nope', filter: { all: true } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dryRunIncident(reviewer, { incidentId }, dashboard)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await executeIncident(reviewer, { incidentId, confirmName: 'Roles' }, deps())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await resumeIncident(onboarder, { incidentId }, deps())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const refusals = await auditEventsSince(db, seq);
    expect(refusals.map((event) => [event.action, event.outcome])).toEqual([
      ['incident.plan', 'refused'],
      ['incident.plan', 'refused'],
      ['incident.execute', 'refused'],
      ['incident.execute', 'refused'],
    ]);
    expect((await getIncident(reviewer, incidentId))?.name).toBe('Roles');
    expect(await getIncident(onboarder, incidentId)).toBeNull();
    expect((await db.incident.findUniqueOrThrow({ where: { id: incidentId } })).status).toBe('planned');
  });

  it('revokes 200 tokens across 50 projects under faults, verifies every environment, and explains what remains', async () => {
    const projects = Array.from({ length: 50 }, (_, index) => `bulk-${String(index).padStart(2, '0')}`);
    const seeded: { tokenId: string; projectId: string; environments: string[]; deleted: boolean }[] = [];
    for (const [index, projectId] of projects.entries()) {
      await ensureProject(db, sim, projectId, ENVIRONMENTS);
      for (const [slot, holding] of HOLDINGS.entries()) {
        // Ten tokens were already deleted on Platform.sh (with a live token): no task is left for them.
        const deleted = slot === 0 && index % 5 === 0;
        const { token } = await seedPushedToken(db, sim, { projectId, ownerId: admin.actor.id, environments: holding.environments, purpose: holding.purpose, deletedOnPlatform: deleted });
        seeded.push({ tokenId: token.id, projectId, environments: holding.environments.map((environment) => environment.id), deleted });
      }
    }
    const variables = seeded.reduce((sum, token) => sum + token.environments.length, 0);
    expect(seeded).toHaveLength(200);
    expect(variables).toBe(300);

    const planned = await createIncident(admin, { name: 'CI provider breach', reason: 'The CI provider reported a breach of its secret store.', filter: { all: true, recordedBefore: '2999-01-01' } });
    // The earlier tests' tokens (filter-a, filter-b) are open too: the plan takes all open ones.
    expect(planned).toMatchObject({ ok: true, data: { tokens: 203, variables: 303 } });
    const incidentId = planned.ok ? planned.data.incidentId : '';

    // The confirmation and the dry run come first; the dry run reads and writes nothing.
    expect(await executeIncident(admin, { incidentId, confirmName: 'CI provider breach' }, deps())).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const projectWrites = () => sim.requestLog.entries.filter((entry) => entry.method !== 'GET' && entry.path.startsWith('/projects/')).length;
    const writesBefore = projectWrites();
    const dry = await dryRunIncident(admin, { incidentId }, dashboard);
    expect(dry).toEqual({ ok: true, data: { present: 303, absent: 0, unreadable: 0 } });
    expect(projectWrites()).toBe(writesBefore);
    expect(await executeIncident(admin, { incidentId, confirmName: 'CI provider' }, deps())).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { confirmName: expect.any(Array) } } });

    // Faults on the deletions, spread over projects: the run retries what the client does not.
    const variablePath = (projectId: string, environmentId: string) => `/projects/${projectId}/environments/${environmentId}/variables/**`;
    const faults = [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 502 },
      { kind: 'status', status: 503 },
      { kind: 'too-many-requests', retryAfter: 1 },
      { kind: 'apply-then-drop' },
      { kind: 'reset' },
      { kind: 'hang' },
    ] as const;
    faults.forEach((fault, index) => {
      for (const projectId of [projects[index * 3]!, projects[index * 3 + 1]!]) sim.faults.add({ method: 'DELETE', path: variablePath(projectId, 'staging'), count: 1, ...fault });
    });

    const seq = await lastAuditSeq(db);
    const runStart = new Date();
    expect(await executeIncident(admin, { incidentId, confirmName: 'CI provider breach' }, deps())).toEqual({ ok: true, data: { incidentId } });
    expect(await executeIncident(admin, { incidentId, confirmName: 'CI provider breach' }, deps())).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await settle();
    sim.faults.clear();
    sim.faults.setRateLimit({ requestsPerSecond: 120 });

    // Every variable is gone on Platform.sh (the simulator's own state, not Keywarden's word).
    for (const token of seeded) for (const environmentId of token.environments) expect(holdsVariable(sim, token.projectId, environmentId), `${token.projectId}/${environmentId}`).toBe(false);
    // Paced within the API's rate limit: never more requests in a second than the client's pace.
    const times = sim.requestLog.entries.filter((entry) => entry.receivedAt >= runStart).map((entry) => entry.receivedAt.getTime());
    let busiestSecond = 0;
    for (let first = 0, last = 0; last < times.length; last++) {
      while (times[last]! - times[first]! >= 1000) first++;
      busiestSecond = Math.max(busiestSecond, last - first + 1);
    }
    expect(times.length).toBeGreaterThan(600);
    expect(busiestSecond).toBeLessThanOrEqual(110);
    const incident = await db.incident.findUniqueOrThrow({ where: { id: incidentId } });
    expect(incident.status).toBe('finished');
    const report = incident.report as unknown as IncidentReport;
    expect(report).toMatchObject({ tokens: 203, variablesPlanned: 303, variablesDeleted: 303, variablesRemaining: 0, tokensDeletedOnPlatform: 10, tokensToDeleteOnPlatform: 193 });
    // Each remaining task is explained: the token's deletion needs a live token of its machine user.
    expect(report.openTasks).toHaveLength(193);
    for (const open of report.openTasks) {
      expect(open.tasks).toHaveLength(1);
      expect(open.tasks[0]).toMatch(/^Delete the token “cron [0-9a-f]+” \(…[0-9a-f]{4}\) on Platform\.sh: only a live token of bots\+incident-[0-9a-f]+@example\.com can/);
    }
    const items = await db.incidentItem.findMany({ where: { incidentId } });
    expect(items.every((item) => item.status === 'done')).toBe(true);
    // Retried tokens: the faults made some first attempts fail.
    expect(items.some((item) => item.attempts > 1)).toBe(true);
    const tokens = await db.apiToken.findMany({ where: { id: { in: seeded.map((token) => token.tokenId) } } });
    expect(tokens.every((token) => token.status === 'compromised')).toBe(true);

    // The audit log: the intent, each token's own revocation rows, then the report.
    const events = await auditEventsSince(db, seq);
    expect(events[0]).toMatchObject({ action: 'incident.execute', outcome: 'succeeded', targetId: incidentId });
    expect(events.filter((event) => event.action === 'token.compromise')).toHaveLength(203 + items.reduce((sum, item) => sum + item.attempts - 1, 0));
    expect(events.at(-1)).toMatchObject({ action: 'incident.report', outcome: 'failed', targetId: incidentId });
    expect(events.at(-1)?.reason).toContain('193 token(s) with open tasks: 193 to delete on Platform.sh, 0 variable(s) remaining');

    // The Overview lists the open tasks until they are done.
    const open = await listIncidentOpenTasks(admin);
    expect(open).toContainEqual({ incidentId, name: 'CI provider breach', tokensToDelete: 193, tokensWithVariablesLeft: 0 });
    await db.apiToken.updateMany({ where: { id: { in: seeded.map((token) => token.tokenId) } }, data: { deletedOnPlatformAt: new Date() } });
    expect((await listIncidentOpenTasks(admin)).find((row) => row.incidentId === incidentId)).toMatchObject({ tokensToDelete: 3 });

    // The report is in evidence packs of the period.
    const evidence = await incidentsForEvidence({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) });
    expect(evidence.find((row) => row.id === incidentId)).toMatchObject({ name: 'CI provider breach', state: 'finished', tokens: 203, report: { variablesRemaining: 0, tokensToDeleteOnPlatform: 193 } });

    const view = await getIncident(admin, incidentId);
    expect(view).toMatchObject({ state: 'finished', total: 203, variables: 303, projects: 52, progress: { done: 203 } });
    expect(view?.items).toHaveLength(50);
  }, 300_000);

  it('resumes a run interrupted half-way: only what is left runs, nothing is duplicated', async () => {
    const projects = ['resume-a', 'resume-b', 'resume-c'];
    const seeded: { tokenId: string; projectId: string; environments: string[] }[] = [];
    for (const projectId of projects) {
      await ensureProject(db, sim, projectId, ENVIRONMENTS);
      for (const holding of HOLDINGS) {
        const { token } = await seedPushedToken(db, sim, { projectId, ownerId: admin.actor.id, environments: holding.environments, purpose: holding.purpose });
        seeded.push({ tokenId: token.id, projectId, environments: holding.environments.map((environment) => environment.id) });
      }
    }
    const planned = await createIncident(admin, { name: 'Laptop stolen', filter: { projectId: 'resume-a' } });
    const plannedB = await createIncident(admin, { name: 'Laptop stolen (b, c)', filter: { recordedBefore: '2999-01-01', purpose: 'ci_tests' } });
    expect(planned.ok && plannedB.ok).toBe(true);
    const incidentId = plannedB.ok ? plannedB.data.incidentId : '';
    await dryRunIncident(admin, { incidentId }, dashboard);

    // The "crash": the process stops taking items after the first one; its heartbeat stops.
    const abort = new AbortController();
    let revoked = 0;
    const crashing = deps({
      concurrency: 1,
      dashboard: new Proxy(dashboard, {
        get(target, property, receiver) {
          if (property === 'deleteEnvironmentVariable') {
            return async (...args: Parameters<PlatformshClient['deleteEnvironmentVariable']>) => {
              // Transparent: the deletion's answer (the redeploy activities it started) goes back to the revocation.
              const change = await target.deleteEnvironmentVariable(...args);
              revoked += 1;
              if (revoked >= 2) abort.abort();
              return change;
            };
          }
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? (value as (...values: unknown[]) => unknown).bind(target) : value;
        },
      }),
    });
    crashing.signal = abort.signal;
    expect((await executeIncident(admin, { incidentId, confirmName: 'Laptop stolen (b, c)' }, crashing)).ok).toBe(true);
    await settle();
    const half = await db.incidentItem.findMany({ where: { incidentId } });
    expect(half.filter((item) => item.status === 'done').length).toBeGreaterThanOrEqual(1);
    expect(half.filter((item) => item.status === 'pending').length).toBeGreaterThanOrEqual(1);
    // Not yet interrupted: the heartbeat is fresh, so a resume is refused (it may still be running).
    expect(await resumeIncident(admin, { incidentId }, deps())).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // Time passes: the heartbeats are stale (the incident's and its revocation runs').
    const past = new Date(Date.now() - 60_000);
    await db.incident.update({ where: { id: incidentId }, data: { heartbeatAt: past } });
    await db.pushRun.updateMany({ where: { status: 'running' }, data: { heartbeatAt: past } });
    expect((await getIncident(admin, incidentId))?.state).toBe('interrupted');

    const doneBefore = half.filter((item) => item.status === 'done').map((item) => item.id);
    const compromiseRows = await db.auditEvent.count({ where: { action: 'token.compromise' } });
    const seq = await lastAuditSeq(db);
    expect(await resumeIncident(admin, { incidentId }, deps())).toEqual({ ok: true, data: { incidentId } });
    await settle();
    const events = await auditEventsSince(db, seq);
    expect(events[0]).toMatchObject({ action: 'incident.resume', outcome: 'succeeded' });
    // The items done before the crash were not revoked again.
    const after = await db.incidentItem.findMany({ where: { incidentId } });
    expect(after.every((item) => item.status === 'done')).toBe(true);
    expect(after.filter((item) => doneBefore.includes(item.id)).every((item) => item.attempts === 1)).toBe(true);
    expect(await db.auditEvent.count({ where: { action: 'token.compromise' } })).toBe(compromiseRows + after.length - doneBefore.length);
    for (const token of seeded.filter((candidate) => after.some((item) => item.tokenId === candidate.tokenId))) {
      for (const environmentId of token.environments) expect(holdsVariable(sim, token.projectId, environmentId)).toBe(false);
    }
    // The other incident's tokens (resume-a, not ci_tests) are untouched.
    expect(holdsVariable(sim, 'resume-a', 'main')).toBe(true);
    expect((await db.incident.findUniqueOrThrow({ where: { id: incidentId } })).status).toBe('finished');
    expect(await resumeIncident(admin, { incidentId }, deps())).toMatchObject({ ok: false, error: { code: 'conflict' } });
  }, 120_000);
});
