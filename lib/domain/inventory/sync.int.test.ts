// The inventory sync against the Platform.sh simulator over real HTTP, on PGlite and PostgreSQL:
// what a full run copies (derived from the simulator's store, not hard-coded), what an incremental
// run re-reads, how a failing project, a failing listing and a vanished project are recorded, one
// run at a time (a live queue job), the schedule, and the progress panel's view of the latest run.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { CLI_TOKEN_VARIABLE, type PlatformshClient } from '@/lib/platformsh';
import { DEMO_HAND_SET_TOKEN_PROJECT_ID, startSimulator, type RunningSimulator, type SimulatorStore } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, databaseText, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { resetInventory, runSync, simulatorClient, simulatorSecrets } from '@/lib/testing/inventory';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { listProjects } from './projects';
import { getLatestSyncRun, requestInventorySync } from './requests';
import { syncIfDue } from './schedule';
import { executeSyncRun, SYNC_STALE_AFTER_MS, VARIABLES_MAX_AGE_MS } from './sync';

const ENVIRONMENT_VARIABLES_GET = /^\/projects\/[^/]+\/environments\/[^/]+\/variables$/;
const byKey = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** What the database should hold for a project, derived from the simulator's store. */
function expectedProject(store: SimulatorStore, projectId: string) {
  const project = store.projects.get(projectId);
  if (!project) throw new Error(`no project ${projectId} in the simulator`);
  const environments = [...project.environments.values()];
  const count = (type: string) => environments.filter((environment) => environment.type === type).length;
  const tokenRows = [
    ...[...project.variables.values()]
      .filter((variable) => variable.name === CLI_TOKEN_VARIABLE)
      .map((variable) => ({ environmentId: null as string | null, inherited: false, isSensitive: variable.isSensitive })),
    ...environments.flatMap((environment) =>
      store
        .effectiveVariables(projectId, environment.id)
        .filter(({ variable }) => variable.name === CLI_TOKEN_VARIABLE)
        .map(({ variable, inherited }) => ({
          environmentId: environment.id as string | null,
          inherited,
          isSensitive: variable.isSensitive,
          isInheritable: variable.isInheritable,
          isEnabled: variable.isEnabled,
          visibleBuild: variable.visibleBuild,
          visibleRuntime: variable.visibleRuntime,
        })),
    ),
  ].sort(byKey((row) => row.environmentId ?? ''));
  const productionIds = new Set(environments.filter((environment) => environment.type === 'production').map((environment) => environment.id));
  return {
    project: {
      id: project.id,
      title: project.title,
      region: project.region,
      organizationId: project.organizationId,
      environmentCount: environments.length,
      productionCount: count('production'),
      stagingCount: count('staging'),
      developmentCount: count('development'),
      tokenOnProduction: tokenRows.some((row) => row.environmentId === null || productionIds.has(row.environmentId)),
    },
    environments: environments
      .map((environment) => ({
        id: environment.id,
        title: environment.title,
        type: environment.type,
        status: environment.status,
        parent: environment.parent,
        isMain: environment.isMain,
        remoteUpdatedAt: new Date(environment.updatedAt),
      }))
      .sort(byKey((environment) => environment.id)),
    tokenRows,
    access: [...project.access.values()].map((grant) => ({ userId: grant.userId, permissions: [...grant.permissions].sort() })).sort(byKey((grant) => grant.userId)),
  };
}

/** The same view, read from the database. */
async function storedProject(db: Database, projectId: string) {
  const project = await db.project.findUniqueOrThrow({ where: { id: projectId }, include: { environments: true, tokenVariables: true, userAccess: true } });
  return {
    project,
    environments: project.environments
      .map(({ id, title, type, status, parent, isMain, remoteUpdatedAt }) => ({ id, title, type, status, parent, isMain, remoteUpdatedAt }))
      .sort(byKey((environment) => environment.id)),
    tokenRows: project.tokenVariables
      .map((row) =>
        row.environmentId === null
          ? { environmentId: null, inherited: row.inherited, isSensitive: row.isSensitive }
          : {
              environmentId: row.environmentId,
              inherited: row.inherited,
              isSensitive: row.isSensitive,
              isInheritable: row.isInheritable,
              isEnabled: row.isEnabled,
              visibleBuild: row.visibleBuild,
              visibleRuntime: row.visibleRuntime,
            },
      )
      .sort(byKey((row) => row.environmentId ?? '')),
    access: project.userAccess.map((grant) => ({ userId: grant.userId, permissions: [...grant.permissions].sort() })).sort(byKey((grant) => grant.userId)),
  };
}

/** A project's rows in every inventory table, for "unchanged" checks. */
async function projectRows(db: Database, projectId: string) {
  const [environments, tokenVariables, access] = await Promise.all([
    db.environment.findMany({ where: { projectId }, orderBy: { id: 'asc' } }),
    db.tokenVariable.findMany({ where: { projectId }, orderBy: { id: 'asc' } }),
    db.projectUserAccess.findMany({ where: { projectId }, orderBy: { userId: 'asc' } }),
  ]);
  return { environments, tokenVariables, access };
}

describe.each(TEST_DATABASE_KINDS)('inventory sync on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let client: PlatformshClient;
  const extraClients: PlatformshClient[] = [];

  beforeAll(() => {
    db = database.db;
  });

  beforeEach(async () => {
    await resetInventory(db);
    sim = await startSimulator({ faults: true, activityDurationMs: 50 });
    client = simulatorClient(sim);
  });

  afterEach(async () => {
    client.dispose();
    for (const extra of extraClients.splice(0)) extra.dispose();
    await sim.stop();
  });

  const demo = () => {
    if (!sim.demo) throw new Error('demo seed expected');
    return sim.demo;
  };
  const storefrontId = () => demo().projectIds[0]!;
  const totalEnvironments = () => [...sim.store.projects.values()].reduce((sum, project) => sum + project.environments.size, 0);
  const variableGets = () => sim.requestLog.find('GET', ENVIRONMENT_VARIABLES_GET).map((entry) => entry.path);
  const adminContext = async () => contextFor(await createUser(db, { role: 'admin' }));

  describe('a full sync of the demo organisation', () => {
    it('copies every project, environment, token variable and grant exactly as the simulator holds them', async () => {
      const { runId, outcome } = await runSync(db, client, { full: true });
      expect(outcome).toEqual({ status: 'succeeded', projectsTotal: 10, projectsFailed: 0 });
      const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
      expect(run).toMatchObject({
        status: 'succeeded',
        full: true,
        projectsTotal: 10,
        projectsDone: 10,
        projectsFailed: 0,
        environmentsSeen: totalEnvironments(),
        variableReads: totalEnvironments(),
        error: null,
      });
      expect(run.finishedAt).not.toBeNull();

      expect(sim.store.projects.size).toBe(10);
      expect((await db.project.findMany({ select: { id: true } })).map((row) => row.id).sort()).toEqual([...sim.store.projects.keys()].sort());
      for (const projectId of sim.store.projects.keys()) {
        const expected = expectedProject(sim.store, projectId);
        const stored = await storedProject(db, projectId);
        expect(stored.project, projectId).toMatchObject({ ...expected.project, lastSyncError: null, missingSince: null });
        expect(stored.project.lastSyncedAt, projectId).not.toBeNull();
        expect(stored.environments, projectId).toEqual(expected.environments);
        expect(stored.tokenRows, projectId).toEqual(expected.tokenRows);
        expect(stored.access, projectId).toEqual(expected.access);
      }

      // The expectations are not vacuous: the demo's environment counts, a non-inheritable token on
      // the storefront's production only, and an inheritable one that reaches every environment.
      const counts = demo().projectIds.map((id) => sim.store.projects.get(id)!.environments.size);
      expect(counts).toEqual([12, 6, 3, 7, 4, 5, 9, 3, 5, 4]);
      expect(expectedProject(sim.store, storefrontId()).tokenRows).toEqual([expect.objectContaining({ environmentId: 'main', inherited: false, isInheritable: false })]);
      const handSet = expectedProject(sim.store, DEMO_HAND_SET_TOKEN_PROJECT_ID);
      expect(handSet.tokenRows).toHaveLength(handSet.environments.length);
      expect(handSet.tokenRows.filter((row) => row.inherited)).toHaveLength(handSet.environments.length - 1);
      expect(await db.tokenVariable.count({ where: { projectId: DEMO_HAND_SET_TOKEN_PROJECT_ID, inherited: true } })).toBe(handSet.environments.length - 1);

      const onProduction = await db.project.findMany({ where: { tokenOnProduction: true }, select: { id: true } });
      expect(onProduction.map((row) => row.id).sort()).toEqual([storefrontId(), DEMO_HAND_SET_TOKEN_PROJECT_ID].sort());
    });

    it('stores no token or variable value anywhere in the database', async () => {
      await runSync(db, client, { full: true });
      const secrets = simulatorSecrets(sim);
      // Positive controls: the values exist (the scan could find them), and the scan sees the rows
      // that describe them.
      const storefrontToken = sim.store.projects.get(storefrontId())!.environments.get('main')!.variables.get(CLI_TOKEN_VARIABLE)!.value;
      const handSetToken = sim.store.projects.get(DEMO_HAND_SET_TOKEN_PROJECT_ID)!.environments.get('main')!.variables.get(CLI_TOKEN_VARIABLE)!.value;
      expect(storefrontToken.length).toBeGreaterThanOrEqual(20);
      expect(secrets).toEqual(expect.arrayContaining([storefrontToken, handSetToken, demo().dashboardToken]));
      expect(sim.store.accessTokens.size).toBeGreaterThan(0);
      const text = await databaseText(db);
      expect(text).toContain(CLI_TOKEN_VARIABLE);
      expect(text).toContain(storefrontId());
      for (const secret of secrets) expect(text.includes(secret), `a simulator secret is in the database: ${secret.slice(0, 6)}…`).toBe(false);
    });
  });

  describe('incremental runs', () => {
    it('read no variables when nothing changed, only the changed environment after a change, and everything when full', async () => {
      await runSync(db, client, { full: true });
      expect(variableGets()).toHaveLength(totalEnvironments());
      const tokenRowsBefore = (await snapshotTables(db, []))['token_variables'];

      sim.requestLog.clear();
      const quiet = await runSync(db, client, { full: false });
      expect(quiet.outcome.status).toBe('succeeded');
      const quietRun = await db.syncRun.findUniqueOrThrow({ where: { id: quiet.runId } });
      expect(quietRun).toMatchObject({ variableReads: 0, environmentsSeen: totalEnvironments() });
      expect(variableGets()).toEqual([]);
      expect(sim.requestLog.find('GET', /\/environments$/)).toHaveLength(10); // it did read the projects
      expect((await snapshotTables(db, []))['token_variables']).toEqual(tokenRowsBefore);

      // Someone disables the storefront's token in the Console: only `main` moved.
      sim.store.driftUpdateVariable(storefrontId(), 'main', CLI_TOKEN_VARIABLE, { is_enabled: false, visible_build: false });
      sim.requestLog.clear();
      const changed = await runSync(db, client, { full: false });
      expect(changed.outcome.status).toBe('succeeded');
      expect(await db.syncRun.findUniqueOrThrow({ where: { id: changed.runId } })).toMatchObject({ variableReads: 1 });
      expect(variableGets()).toEqual([`/projects/${storefrontId()}/environments/main/variables`]);
      expect((await storedProject(db, storefrontId())).tokenRows).toEqual(expectedProject(sim.store, storefrontId()).tokenRows);
      expect(await db.tokenVariable.findFirstOrThrow({ where: { projectId: storefrontId(), environmentId: 'main' } })).toMatchObject({ isEnabled: false, visibleBuild: false });

      // A variable created through the API on another environment (which redeploys it).
      const target = demo().projectIds[2]!;
      await client.createEnvironmentVariable(target, 'staging', { name: CLI_TOKEN_VARIABLE, value: 'kw_canary_incremental_value_0123456789', isSensitive: true, isInheritable: false });
      sim.requestLog.clear();
      const created = await runSync(db, client, { full: false });
      expect(await db.syncRun.findUniqueOrThrow({ where: { id: created.runId } })).toMatchObject({ variableReads: 1 });
      expect(variableGets()).toEqual([`/projects/${target}/environments/staging/variables`]);
      expect((await storedProject(db, target)).tokenRows).toEqual([expect.objectContaining({ environmentId: 'staging', inherited: false, isSensitive: true })]);
      expect(await databaseText(db)).not.toContain('kw_canary_incremental_value_0123456789');

      sim.requestLog.clear();
      const full = await runSync(db, client, { full: true });
      expect(await db.syncRun.findUniqueOrThrow({ where: { id: full.runId } })).toMatchObject({ variableReads: totalEnvironments() });
      expect(variableGets()).toHaveLength(totalEnvironments());
      expect(new Set(variableGets()).size).toBe(totalEnvironments());
    });

    it('drops a token deleted from production and clears tokenOnProduction; a full run clears the inherited copies', async () => {
      await runSync(db, client, { full: true });
      const projectId = DEMO_HAND_SET_TOKEN_PROJECT_ID;
      expect(await db.project.findUniqueOrThrow({ where: { id: projectId } })).toMatchObject({ tokenOnProduction: true });
      sim.store.driftDeleteVariable(projectId, 'main', CLI_TOKEN_VARIABLE);
      await runSync(db, client, { full: false });
      expect(await db.tokenVariable.count({ where: { projectId, environmentId: 'main' } })).toBe(0);
      expect(await db.project.findUniqueOrThrow({ where: { id: projectId } })).toMatchObject({ tokenOnProduction: false });
      await runSync(db, client, { full: true });
      expect(await db.tokenVariable.count({ where: { projectId } })).toBe(0);
      expect(await storedProject(db, projectId)).toMatchObject(expectedProject(sim.store, projectId));
    });

    // A variable changed on a parent environment reaches its children without moving their
    // `updated_at`: the incremental run re-reads the descendants of a changed environment too.
    it('updates the inherited rows of the children of an environment whose variable changed', async () => {
      await runSync(db, client, { full: true });
      sim.store.driftDeleteVariable(DEMO_HAND_SET_TOKEN_PROJECT_ID, 'main', CLI_TOKEN_VARIABLE);
      await runSync(db, client, { full: false });
      expect(await db.tokenVariable.count({ where: { projectId: DEMO_HAND_SET_TOKEN_PROJECT_ID, inherited: true } })).toBe(0);
    });

    it('re-reads an unchanged environment once its variables are older than VARIABLES_MAX_AGE_MS', async () => {
      await runSync(db, client, { full: true });
      sim.requestLog.clear();
      const later = new Date(Date.now() + VARIABLES_MAX_AGE_MS + 60_000);
      const { runId } = await runSync(db, client, { full: false, now: () => later });
      expect(await db.syncRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ variableReads: totalEnvironments() });
      expect(variableGets()).toHaveLength(totalEnvironments());
      expect(await db.environment.count({ where: { variablesReadAt: later } })).toBe(totalEnvironments());
    });

    it('removes the rows of an environment that no longer exists', async () => {
      await runSync(db, client, { full: true });
      const project = sim.store.projects.get(DEMO_HAND_SET_TOKEN_PROJECT_ID)!;
      const leaf = [...project.environments.values()].find((environment) => ![...project.environments.values()].some((other) => other.parent === environment.id));
      expect(leaf).toBeDefined();
      expect(await db.tokenVariable.count({ where: { projectId: project.id, environmentId: leaf!.id } })).toBe(1);
      project.environments.delete(leaf!.id);

      await runSync(db, client, { full: false });
      expect(await db.environment.count({ where: { projectId: project.id, id: leaf!.id } })).toBe(0);
      expect(await db.tokenVariable.count({ where: { projectId: project.id, environmentId: leaf!.id } })).toBe(0);
      expect(await storedProject(db, project.id)).toMatchObject(expectedProject(sim.store, project.id));
    });
  });

  describe('a project that cannot be read', () => {
    it.each([
      { fault: 'a 500', options: {} },
      { fault: 'a hang past the client timeout', options: { timeoutMs: 1500, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } } },
    ])('is recorded with its error after $fault and keeps its previous rows; the others sync', async ({ fault, options }) => {
      await runSync(db, client, { full: true });
      const target = DEMO_HAND_SET_TOKEN_PROJECT_ID;
      const rowsBefore = await projectRows(db, target);
      const projectBefore = await db.project.findUniqueOrThrow({ where: { id: target } });
      expect(rowsBefore.tokenVariables.length).toBeGreaterThan(1);

      // Changes a half-written project would show: a new environment and a removed grant.
      const removedUser = [...sim.store.projects.get(target)!.access.keys()].find((userId) => userId !== demo().humans[0]!.user.id)!;
      sim.store.driftSetUserAccess(target, removedUser, null);
      sim.store.addEnvironment(target, { id: 'feature-new', type: 'development', parent: 'main' });
      if (fault === 'a 500') {
        // The vendor's error body echoes the credential: it must not reach the database.
        sim.faults.add({ method: 'GET', path: `/projects/${target}/environments`, kind: 'status', status: 500, body: { error: `upstream failed for ${demo().dashboardToken}` } });
      } else {
        sim.faults.add({ method: 'GET', path: `/projects/${target}/environments`, kind: 'hang' });
      }
      const faultyClient = simulatorClient(sim, options);
      extraClients.push(faultyClient);

      const started = Date.now();
      const { runId, outcome } = await runSync(db, faultyClient, { full: false });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(outcome).toEqual({ status: 'partial', projectsTotal: 10, projectsFailed: 1 });
      const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { failures: true } });
      expect(run).toMatchObject({ status: 'partial', projectsTotal: 10, projectsDone: 10, projectsFailed: 1, error: null });
      expect(run.failures).toHaveLength(1);
      const failure = run.failures[0]!;
      expect(failure).toMatchObject({ projectId: target, projectTitle: projectBefore.title });
      expect(failure.message).toMatch(/^[A-Z].+\(GET \/projects\/.+\)$/);
      expect(failure.message).not.toMatch(/bearer|token|authorization/i);
      const secrets = simulatorSecrets(sim);
      expect(secrets).toContain(demo().dashboardToken);
      for (const secret of secrets) expect(failure.message).not.toContain(secret);

      const projectAfter = await db.project.findUniqueOrThrow({ where: { id: target } });
      expect(projectAfter.lastSyncError).toBe(failure.message);
      expect(projectAfter.lastSyncErrorAt).not.toBeNull();
      const { lastSyncError: _error, lastSyncErrorAt: _errorAt, updatedAt: _updated, ...unchangedFields } = projectBefore;
      expect(projectAfter).toMatchObject(unchangedFields);
      expect(await projectRows(db, target)).toEqual(rowsBefore);

      for (const projectId of demo().projectIds.filter((id) => id !== target)) {
        const other = await db.project.findUniqueOrThrow({ where: { id: projectId } });
        expect(other.lastSyncError, projectId).toBeNull();
        expect(other.lastSyncedAt!.getTime(), projectId).toBeGreaterThanOrEqual(run.startedAt.getTime());
      }
      const listed = await listProjects(await adminContext(), { state: 'failed' });
      expect(listed.ok && listed.data.projects.map((project) => project.id)).toEqual([target]);

      // The next good run clears the error and brings the changes in.
      sim.faults.clear();
      const next = await runSync(db, client, { full: false });
      expect(next.outcome.status).toBe('succeeded');
      const recovered = await storedProject(db, target);
      expect(recovered.project).toMatchObject({ lastSyncError: null, lastSyncErrorAt: null });
      expect(recovered).toMatchObject(expectedProject(sim.store, target));
      expect(recovered.access.map((grant) => grant.userId)).not.toContain(removedUser);
      expect(recovered.environments.map((environment) => environment.id)).toContain('feature-new');
    });

    it('is recorded when a single environment’s variables cannot be read, with nothing of it written', async () => {
      await runSync(db, client, { full: true });
      const target = storefrontId();
      const rowsBefore = await projectRows(db, target);
      sim.store.driftUpdateVariable(target, 'main', CLI_TOKEN_VARIABLE, { is_enabled: false });
      sim.store.driftSetUserAccess(target, demo().humans[1]!.user.id, ['admin']);
      sim.faults.add({ method: 'GET', path: `/projects/${target}/environments/staging/variables`, kind: 'status', status: 503 });

      const { outcome } = await runSync(db, client, { full: true });
      expect(outcome).toMatchObject({ status: 'partial', projectsFailed: 1 });
      expect(await projectRows(db, target)).toEqual(rowsBefore);
      expect((await db.project.findUniqueOrThrow({ where: { id: target } })).lastSyncError).toContain('/environments/');
    });
  });

  describe('a listing that fails', () => {
    it.each(['/organizations', '/organizations/{organizationId}/projects'])('(%s) fails the run and changes no project', async (path) => {
      await runSync(db, client, { full: true });
      sim.store.driftSetUserAccess(storefrontId(), demo().humans[1]!.user.id, ['admin']);
      const before = await snapshotTables(db, ['audit_events', 'audit_chain_checkpoints', 'sync_runs']);
      expect(before['projects']).toHaveLength(10);
      sim.faults.add({ method: 'GET', path, kind: 'status', status: 500 });

      const { runId, outcome } = await runSync(db, client, { full: false });
      expect(outcome).toEqual({ status: 'failed', projectsTotal: 0, projectsFailed: 0 });
      const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { failures: true } });
      expect(run).toMatchObject({ status: 'failed', projectsTotal: null, projectsDone: 0, failures: [] });
      expect(run.error).toMatch(/^Could not list the projects: .+\(GET \/organizations/);
      expect(run.finishedAt).not.toBeNull();
      for (const secret of simulatorSecrets(sim)) expect(run.error).not.toContain(secret);
      expect(await snapshotTables(db, ['audit_events', 'audit_chain_checkpoints', 'sync_runs'])).toEqual(before);
    });
  });

  describe('a project that left the organisation', () => {
    it('is marked missing with its rows kept, hidden by default and shown under state=missing, and back when it returns', async () => {
      await runSync(db, client, { full: true });
      const goneId = demo().projectIds[3]!;
      const rowsBefore = await projectRows(db, goneId);
      const record = sim.store.projects.get(goneId)!;
      sim.store.projects.delete(goneId);

      const { outcome } = await runSync(db, client, { full: false });
      expect(outcome).toEqual({ status: 'succeeded', projectsTotal: 9, projectsFailed: 0 });
      const gone = await db.project.findUniqueOrThrow({ where: { id: goneId } });
      expect(gone.missingSince).not.toBeNull();
      expect(await db.project.count({ where: { missingSince: { not: null } } })).toBe(1);
      expect(await projectRows(db, goneId)).toEqual(rowsBefore);
      expect(rowsBefore.environments.length).toBe(record.environments.size);

      const context = await adminContext();
      const current = await listProjects(context, {});
      expect(current.ok).toBe(true);
      if (!current.ok) return;
      expect(current.data.total).toBe(9);
      expect(current.data.projects.map((project) => project.id)).not.toContain(goneId);
      const missing = await listProjects(context, { state: 'missing' });
      expect(missing.ok && missing.data.projects.map((project) => ({ id: project.id, missing: project.missingSince !== null }))).toEqual([{ id: goneId, missing: true }]);

      // A second run does not move the date; the project's return clears it.
      await runSync(db, client, { full: false });
      expect((await db.project.findUniqueOrThrow({ where: { id: goneId } })).missingSince).toEqual(gone.missingSince);
      sim.store.projects.set(goneId, record);
      await runSync(db, client, { full: false });
      expect((await db.project.findUniqueOrThrow({ where: { id: goneId } })).missingSince).toBeNull();
      const back = await listProjects(context, {});
      expect(back.ok && back.data.total).toBe(10);
    });
  });

  describe('one run at a time', () => {
    /** The states of the sync queue's jobs, as pg-boss stores them. */
    const syncJobs = (db: Database) => db.$queryRaw<{ id: string; state: string; data: unknown }[]>`SELECT id::text, state::text, data FROM pgboss.job WHERE name = 'inventory-sync' ORDER BY created_on`;
    /** What the queue does with a job whose instance died: it stops being live (expired, failed). */
    const failJob = (db: Database, jobId: string) => db.$executeRaw`UPDATE pgboss.job SET state = 'failed', completed_on = now() WHERE id = ${jobId}::uuid`;

    it('lets exactly one of two simultaneous requests begin a run and enqueue its job, audits both, and refuses others while the job is live', async () => {
      const [first, second] = [await adminContext(), await adminContext()];
      const seq = await lastAuditSeq(db);
      const results = await Promise.all([requestInventorySync(first, { full: false }), requestInventorySync(second, {})]);
      const winners = results.filter((result) => result.ok);
      const losers = results.filter((result) => !result.ok);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0]!.ok === false && losers[0]!.error.code).toBe('conflict');
      const runId = winners[0]!.ok ? winners[0]!.data.runId : '';

      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => event.action)).toEqual(['inventory.sync', 'inventory.sync']);
      expect(events.map((event) => event.outcome).sort()).toEqual(['failed', 'succeeded']);
      expect(events.find((event) => event.outcome === 'succeeded')!.details).toMatchObject({ runId });
      expect(events.find((event) => event.outcome === 'failed')!.reason).toMatch(/already running/);
      expect(new Set(events.map((event) => event.actorId))).toEqual(new Set([first.actor.id, second.actor.id]));
      expect(await db.syncRun.count()).toBe(1);
      const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
      // One job, waiting, carrying the run and never a secret.
      expect(await syncJobs(db)).toEqual([{ id: run.jobId, state: 'created', data: { runId, full: false, requestedById: run.requestedById } }]);

      // Still live: a later request is refused too, and enqueues nothing.
      const third = await requestInventorySync(first, { full: true });
      expect(third.ok === false && third.error.code).toBe('conflict');
      expect(await syncJobs(db)).toHaveLength(1);

      expect((await executeSyncRun(db, client, runId, { concurrency: 4 })).status).toBe('succeeded');
      // The queue completes the job; a finished run no longer holds the sync.
      await db.$executeRaw`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE id = ${run.jobId}::uuid`;
      const after = await requestInventorySync(second, { full: true });
      expect(after.ok).toBe(true);
      if (after.ok) await executeSyncRun(db, client, after.data.runId, { concurrency: 4 });
    });

    it('refuses "Sync now" while a scheduled tick waits in the queue, leaving no run behind', async () => {
      const context = await adminContext();
      await db.$executeRaw`INSERT INTO pgboss.job (name, data, singleton_key, policy) VALUES ('inventory-sync', '{}', 'inventory', 'stately')`;
      const refused = await requestInventorySync(context, {});
      expect(refused.ok === false && refused.error.code).toBe('conflict');
      expect(await db.syncRun.count()).toBe(0);
      expect(await syncJobs(db)).toHaveLength(1);
    });

    it('takes over from a run whose job is no longer live (its instance stopped) and closes it as interrupted', async () => {
      const context = await adminContext();
      const stale = await requestInventorySync(context, { full: true });
      expect(stale.ok).toBe(true);
      if (!stale.ok) return;
      const staleJob = (await db.syncRun.findUniqueOrThrow({ where: { id: stale.data.runId } })).jobId!;
      // The job is live: refused.
      const refused = await requestInventorySync(context, {});
      expect(refused.ok === false && refused.error.code).toBe('conflict');

      // The instance stopped: the queue expired the job.
      await failJob(db, staleJob);
      const taken = await requestInventorySync(context, {});
      expect(taken.ok).toBe(true);
      if (!taken.ok) return;
      expect(taken.data.runId).not.toBe(stale.data.runId);
      const interrupted = await db.syncRun.findUniqueOrThrow({ where: { id: stale.data.runId } });
      expect(interrupted).toMatchObject({ status: 'interrupted' });
      expect(interrupted.finishedAt).not.toBeNull();
      expect(interrupted.error).toBeTruthy();
      expect(await db.syncRun.findUniqueOrThrow({ where: { id: taken.data.runId } })).toMatchObject({ status: 'running', requestedById: context.actor.id });

      expect((await executeSyncRun(db, client, taken.data.runId, { concurrency: 4 })).status).toBe('succeeded');
      expect((await db.syncRun.findUniqueOrThrow({ where: { id: stale.data.runId } })).status).toBe('interrupted');
    });

    it('takes over from a run whose heartbeat stopped although its job still looks live (killed mid-run)', async () => {
      const context = await adminContext();
      const stale = await requestInventorySync(context, { full: true });
      if (!stale.ok) throw new Error('expected the first request to begin a run');
      const staleJob = (await db.syncRun.findUniqueOrThrow({ where: { id: stale.data.runId } })).jobId!;
      await db.$executeRaw`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE id = ${staleJob}::uuid`;
      // Beat a minute ago: alive.
      await db.syncRun.update({ where: { id: stale.data.runId }, data: { heartbeatAt: new Date(Date.now() - 60_000) } });
      const refused = await requestInventorySync(context, {});
      expect(refused.ok === false && refused.error.code).toBe('conflict');
      // Silent for longer than SYNC_STALE_AFTER_MS: presumed dead, although the queue has not expired its job yet.
      await db.syncRun.update({ where: { id: stale.data.runId }, data: { heartbeatAt: new Date(Date.now() - SYNC_STALE_AFTER_MS - 1_000) } });
      const taken = await requestInventorySync(context, {});
      expect(taken.ok).toBe(true);
      expect((await db.syncRun.findUniqueOrThrow({ where: { id: stale.data.runId } })).status).toBe('interrupted');
    });

    it('stops a run that another run took over, leaving the inventory to the new one', async () => {
      const context = await adminContext();
      const stale = await requestInventorySync(context, { full: true });
      if (!stale.ok) throw new Error('expected the first request to begin a run');
      await failJob(db, (await db.syncRun.findUniqueOrThrow({ where: { id: stale.data.runId } })).jobId!);
      const taken = await requestInventorySync(context, {});
      if (!taken.ok) throw new Error('expected the dead run to be taken over');

      // The stale run's instance wakes up and runs: its first progress write finds the run closed.
      const outcome = await executeSyncRun(db, client, stale.data.runId, { concurrency: 1 });
      expect(outcome.status).toBe('interrupted');
      const staleRun = await db.syncRun.findUniqueOrThrow({ where: { id: stale.data.runId } });
      expect(staleRun).toMatchObject({ status: 'interrupted' });
      expect(staleRun.projectsDone).toBeLessThan(10);

      expect((await executeSyncRun(db, client, taken.data.runId, { concurrency: 4 })).status).toBe('succeeded');
      expect(await db.project.count({ where: { lastSyncError: null, missingSince: null } })).toBe(10);
    });
  });

  describe('syncIfDue', () => {
    it('runs a full sync first, then waits for the interval; interval 0 never repeats a success', async () => {
      const seq = await lastAuditSeq(db);
      const first = await syncIfDue(db, client, 60 * 60_000, { concurrency: 4 });
      expect(first).toEqual({ status: 'succeeded', projectsTotal: 10, projectsFailed: 0 });
      const runs = await db.syncRun.findMany();
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ trigger: 'scheduled', full: true, status: 'succeeded', requestedById: null });
      const events = await auditEventsSince(db, seq);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'inventory.sync', outcome: 'succeeded', actorId: null });
      expect(events[0]!.details).toMatchObject({ runId: runs[0]!.id, full: true, trigger: 'scheduled' });

      expect(await syncIfDue(db, client, 60 * 60_000, { concurrency: 4 })).toEqual({ status: 'not-due' });
      expect(await syncIfDue(db, client, 0, { concurrency: 4 })).toEqual({ status: 'not-due' });
      expect(await db.syncRun.count()).toBe(1);

      // Once the interval has passed it runs again, incrementally (the last full run is recent).
      const later = () => new Date(Date.now() + 61 * 60_000);
      // Another instance's requested run is live (its job waits): busy.
      const other = await requestInventorySync(await adminContext(), {});
      if (!other.ok) throw new Error('expected a requested run');
      expect(await syncIfDue(db, client, 60 * 60_000, { concurrency: 4, now: later })).toEqual({ status: 'busy' });
      await executeSyncRun(db, client, other.data.runId, { concurrency: 4 });
      await db.$executeRaw`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE name = 'inventory-sync'`;
      expect(await syncIfDue(db, client, 60 * 60_000, { concurrency: 4, now: later })).toMatchObject({ status: 'succeeded' });
      const latest = await db.syncRun.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });
      expect(latest).toMatchObject({ trigger: 'scheduled', full: false, variableReads: 0 });
    });

    it('with interval 0 runs while no sync ever succeeded', async () => {
      sim.faults.add({ method: 'GET', path: '/organizations', kind: 'status', status: 500, count: 1 });
      expect(await syncIfDue(db, client, 0, { concurrency: 4 })).toMatchObject({ status: 'failed' });
      expect(await syncIfDue(db, client, 0, { concurrency: 4 })).toMatchObject({ status: 'succeeded' });
      expect(await syncIfDue(db, client, 0, { concurrency: 4 })).toEqual({ status: 'not-due' });
      expect(await db.syncRun.count()).toBe(2);
    });
  });

  describe('getLatestSyncRun', () => {
    it('shows progress and failures, and an onboarder only the failures of their projects', async () => {
      const admin = await adminContext();
      const reviewerUser = await createUser(db, { role: 'reviewer' });
      expect(await getLatestSyncRun(admin)).toEqual({ ok: true, data: null });

      const [assignedFailing, otherFailing, assignedGood] = [demo().projectIds[4]!, demo().projectIds[5]!, demo().projectIds[6]!];
      for (const projectId of [assignedFailing, otherFailing]) {
        sim.faults.add({ method: 'GET', path: `/projects/${projectId}/user-access`, kind: 'status', status: 502 });
      }
      const requested = await requestInventorySync(admin, { full: true });
      expect(requested.ok).toBe(true);
      if (!requested.ok) return;

      const running = await getLatestSyncRun(admin);
      expect(running.ok && running.data).toMatchObject({
        id: requested.data.runId,
        status: 'running',
        trigger: 'manual',
        full: true,
        requestedBy: admin.actor.email,
        projectsTotal: null,
        projectsDone: 0,
        finishedAt: null,
        failures: [],
      });

      await executeSyncRun(db, client, requested.data.runId, { concurrency: 4 });
      const good = demo().projectIds.filter((id) => id !== assignedFailing && id !== otherFailing);
      const goodEnvironments = good.reduce((sum, id) => sum + sim.store.projects.get(id)!.environments.size, 0);
      const titleOf = (id: string) => sim.store.projects.get(id)!.title;
      const expectedFailures = [assignedFailing, otherFailing]
        .map((projectId) => ({ projectId, projectTitle: titleOf(projectId), message: expect.stringContaining('user-access') as unknown }))
        .sort(byKey((failure) => failure.projectTitle));

      const finished = await getLatestSyncRun(admin);
      expect(finished.ok).toBe(true);
      if (!finished.ok || !finished.data) return;
      expect(finished.data).toMatchObject({
        status: 'partial',
        projectsTotal: 10,
        projectsDone: 10,
        projectsFailed: 2,
        environmentsSeen: goodEnvironments,
        variableReads: goodEnvironments,
        error: null,
      });
      expect(finished.data.finishedAt).not.toBeNull();
      expect(finished.data.failures).toEqual(expectedFailures);

      const reviewer = await getLatestSyncRun(contextFor(reviewerUser));
      expect(reviewer.ok && reviewer.data?.failures).toEqual(expectedFailures);

      const onboarderUser = await createUser(db, { role: 'onboarder', projectIds: [assignedFailing, assignedGood] });
      const onboarder = await getLatestSyncRun(contextFor(onboarderUser, [assignedFailing, assignedGood]));
      expect(onboarder.ok && onboarder.data).toMatchObject({ projectsFailed: 2, failures: [{ projectId: assignedFailing, projectTitle: titleOf(assignedFailing) }] });
      expect(onboarder.ok && onboarder.data?.failures).toHaveLength(1);
    });
  });
});
