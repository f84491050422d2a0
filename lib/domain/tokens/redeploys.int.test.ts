// Following the redeploys a push starts (issue 20 §2), against the simulator over real HTTP, on
// PGlite and PostgreSQL: a redeploy that succeeds, one that fails (the simulator's switch; a high
// finding opens), one still running (read again later, then given up at the time bound), answers
// lost on the way (read again, nothing written), the job's idempotence (a repeated job reads
// nothing), and the whole chain through the real job queue: the push enqueues, pg-boss runs it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { trackMachineUsers } from '@/lib/domain/machine-users/tracking';
import { startJobQueue, type JobQueue } from '@/lib/jobs/queue';
import type { PlatformshClient } from '@/lib/platformsh';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { acceptInvitation, inviteInput, machineEmail } from '@/lib/testing/machine-users';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { recordAndPushToken, type TokenDeps } from './push';
import { getMachineUserTokens } from './queries';
import { markTokenCompromised } from './rotate';
import { followJobSender, followStepRedeploy, readRedeploy, REDEPLOY_FOLLOW_LIMIT_MS, runRedeployFollowJob, type RedeployFollowJobData } from './redeploys';
import { sleep, until } from '@/lib/testing/until';

const KEY = 'fingerprint-key-for-tests-0123456789abcdefghijkl';
const PORTAL = 'm2x6bc9vqp3ln';
const TOOLS = 'w8c4qe2uxh9pd';
const ACTIVITY_READS = /^\/projects\/[^/]+\/environments\/[^/]+\/activities\//;

describe.each(TEST_DATABASE_KINDS)('redeploy following on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let deps: TokenDeps;
  let dashboard: PlatformshClient;
  const clients: PlatformshClient[] = [];
  let admin: RequestContext;

  const client = (apiToken?: string) => {
    const made = simulatorClient(sim, { ...(apiToken ? { apiToken } : {}), timeoutMs: 1000 });
    clients.push(made);
    return made;
  };

  async function activeMachineUser(projectId: string) {
    const owner = await createUser(db, { role: 'admin' });
    const invited = await inviteMachineUser(admin, inviteInput({ projectId, ownerId: owner.id, purpose: 'custom', email: machineEmail('redeploy'), overrideReason: 'several machine users in one test file' }), deps.dashboard);
    if (!invited.ok) throw new Error(invited.error.message);
    const row = await db.machineUser.findUniqueOrThrow({ where: { id: invited.data.machineUserId } });
    const accepted = await acceptInvitation(sim, row.invitationId!);
    await trackMachineUsers(db, deps.dashboard, projectId);
    return { machineUserId: row.id, token: sim.store.issueApiToken(accepted.user_id, 'cron').token };
  }

  /** Pushes a fresh token of a new machine user to the project's first environments; the steps it journalled. */
  async function push(projectId: string, count = 1) {
    const { machineUserId, token } = await activeMachineUser(projectId);
    const environmentIds = [...sim.store.projects.get(projectId)!.environments.values()].filter((environment) => environment.status === 'active').map((environment) => environment.id).slice(0, count);
    const result = await recordAndPushToken(admin, { machineUserId, runId: crypto.randomUUID(), token, name: 'cron', environmentIds, visibleBuild: false, confirmReplace: environmentIds }, deps);
    if (!result.ok) throw new Error(`the push was refused: ${JSON.stringify(result.error)}`);
    expect(result.data.status).toBe('succeeded');
    const steps = await db.pushStep.findMany({ where: { run: { machineUserId } }, orderBy: { environmentId: 'asc' } });
    for (const step of steps) expect(step.activityIds.length).toBeGreaterThan(0);
    return { machineUserId, steps };
  }

  /** The simulator's sandbox switch, over HTTP as the app calls it. */
  async function redeploysFail(projectId: string, fail: boolean) {
    const response = await fetch(new URL(`/_console/projects/${projectId}/redeploys`, sim.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fail }) });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    db = database.db;
    sim = await startSimulator({ faults: true, seed: 'demo', activityDurationMs: 50 });
    const syncClient = simulatorClient(sim);
    expect((await runSync(db, syncClient, { full: true })).outcome.status).toBe('succeeded');
    syncClient.dispose();
    admin = contextFor(await createUser(db, { role: 'admin' }));
  });

  afterAll(async () => {
    await sim?.stop();
  });

  beforeEach(() => {
    dashboard = client();
    deps = { dashboard, clientForToken: (token) => client(token), fingerprintKey: KEY };
    sim.store.activityDurationMs = 50;
  });

  afterEach(async () => {
    sim.faults.clear();
    sim.store.failingRedeployProjects.clear();
    for (const made of clients.splice(0)) made.dispose();
  });

  it('enqueues one follow job per step in the push’s transaction, then records a redeploy that succeeded without moving the step’s time', async () => {
    const { machineUserId, steps } = await push(PORTAL, 2);
    for (const step of steps) {
      const jobs = await db.$queryRaw<{ data: RedeployFollowJobData; state: string }[]>`SELECT data, state::text FROM pgboss.job WHERE name = 'redeploy-follow' AND singleton_key = ${step.id}`;
      expect(jobs).toEqual([{ data: { stepId: step.id, attempt: 0 }, state: 'created' }]);
    }
    await sleep(100);
    for (const step of steps) {
      expect(await followStepRedeploy(db, dashboard, { stepId: step.id, attempt: 0 })).toEqual({ status: 'ended', redeploy: 'succeeded' });
      expect(await readRedeploy(step.id)).toMatchObject({ redeployState: 'complete', redeployResult: 'success', redeployPercent: 100, updatedAt: step.updatedAt });
      expect((await readRedeploy(step.id))?.redeployFollowEndedAt).not.toBeNull();
    }
    const view = await getMachineUserTokens(admin, machineUserId);
    expect(view.ok && view.data.runs[0]?.steps.map((step) => step.redeploy.status)).toEqual(['succeeded', 'succeeded']);
    expect(await db.finding.count({ where: { ruleId: 'redeploy.failed', projectId: PORTAL, resolvedAt: null } })).toBe(0);
  });

  it('records a redeploy that failed (the simulator’s switch), opens a high finding, and links the activity log', async () => {
    await redeploysFail(TOOLS, true);
    const { machineUserId, steps } = await push(TOOLS);
    const step = steps[0]!;
    await sleep(100);
    expect(await followStepRedeploy(db, dashboard, { stepId: step.id, attempt: 0 })).toEqual({ status: 'ended', redeploy: 'failed' });
    expect(await readRedeploy(step.id)).toMatchObject({ redeployState: 'complete', redeployResult: 'failure', redeployPercent: 100 });
    const finding = await db.finding.findFirstOrThrow({ where: { ruleId: 'redeploy.failed', subjectKey: `redeploy:${TOOLS}/${step.environmentId}`, resolvedAt: null } });
    expect(finding).toMatchObject({ severity: 'high', machineUserId, environmentId: step.environmentId });
    const view = await getMachineUserTokens(admin, machineUserId);
    const shown = view.ok ? view.data.runs[0]?.steps[0]?.redeploy : undefined;
    expect(shown).toMatchObject({ status: 'failed' });
    expect(shown?.logUrl).toBe(`https://console.platform.sh/projects/${TOOLS}/${step.environmentId}/log/${step.activityIds[0]}`);

    // The switch off, a push again: the redeploy succeeds and the finding resolves.
    await redeploysFail(TOOLS, false);
    const again = await push(TOOLS);
    await sleep(100);
    expect(await followStepRedeploy(db, dashboard, { stepId: again.steps[0]!.id, attempt: 0 })).toEqual({ status: 'ended', redeploy: 'succeeded' });
    const { recomputeFindings } = await import('@/lib/domain/findings/engine');
    await recomputeFindings(db);
    expect(await db.finding.findUniqueOrThrow({ where: { id: finding.id } })).toMatchObject({ resolvedAt: expect.any(Date) });
  });

  it('follows the redeploys a revocation’s deletions start: a failed one shows on its step and the machine user’s page, and opens the finding', async () => {
    const { machineUserId, steps } = await push(TOOLS);
    await sleep(100);
    expect(await followStepRedeploy(db, dashboard, { stepId: steps[0]!.id, attempt: 0 })).toEqual({ status: 'ended', redeploy: 'succeeded' });

    // The switch on, the token marked compromised: deleting its variable redeploys, and that redeploy fails.
    await redeploysFail(TOOLS, true);
    const token = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    const revoked = await markTokenCompromised(admin, { tokenId: token.id, deleteVariables: true }, deps);
    expect(revoked).toMatchObject({ ok: true, data: { message: expect.stringContaining('Keywarden follows them in the background') } });
    const deletion = await db.pushStep.findFirstOrThrow({ where: { run: { machineUserId }, operation: 'delete' } });
    expect(deletion).toMatchObject({ status: 'succeeded', environmentId: steps[0]!.environmentId });
    expect(deletion.activityIds).toHaveLength(1);
    // Enqueued in the deletion's transaction, like a push step's.
    const jobs = await db.$queryRaw<{ data: RedeployFollowJobData }[]>`SELECT data FROM pgboss.job WHERE name = 'redeploy-follow' AND singleton_key = ${deletion.id}`;
    expect(jobs.map((job) => job.data)).toEqual([{ stepId: deletion.id, attempt: 0 }]);

    await sleep(100);
    expect(await followStepRedeploy(db, dashboard, { stepId: deletion.id, attempt: 0 })).toEqual({ status: 'ended', redeploy: 'failed' });
    expect(await readRedeploy(deletion.id)).toMatchObject({ redeployState: 'complete', redeployResult: 'failure', updatedAt: deletion.updatedAt });
    // The machine user's page: its last run is the revocation, whose step says the redeploy failed, with the activity log.
    const view = await getMachineUserTokens(admin, machineUserId);
    const shown = view.ok ? view.data.runs[0]?.steps[0] : undefined;
    expect(shown).toMatchObject({ operation: 'delete', status: 'succeeded', redeploy: { status: 'failed' } });
    expect(shown?.redeploy.logUrl).toBe(`https://console.platform.sh/projects/${TOOLS}/${deletion.environmentId}/log/${deletion.activityIds[0]}`);
    // The environment's latest redeploy failed: the finding opens, naming the deletion.
    const finding = await db.finding.findFirstOrThrow({ where: { ruleId: 'redeploy.failed', subjectKey: `redeploy:${TOOLS}/${deletion.environmentId}`, resolvedAt: null } });
    expect(finding).toMatchObject({ severity: 'high', machineUserId, tokenId: token.id, evidence: expect.objectContaining({ operation: 'delete', activities: deletion.activityIds }) });
  });

  it('reads a redeploy still running again later, with a longer wait each time, and gives up at the time bound', async () => {
    sim.store.activityDurationMs = 10 * 60_000;
    const { steps } = await push(PORTAL);
    const step = steps[0]!;
    const sent: [RedeployFollowJobData, number][] = [];
    const send = async (data: RedeployFollowJobData, after: number) => void sent.push([data, after]);
    expect(await runRedeployFollowJob(db, dashboard, { stepId: step.id, attempt: 0 }, send)).toMatchObject({ status: 'again', afterSeconds: 4, unread: 0 });
    expect(await runRedeployFollowJob(db, dashboard, { stepId: step.id, attempt: 3 }, send)).toMatchObject({ status: 'again', afterSeconds: 32 });
    expect(await runRedeployFollowJob(db, dashboard, { stepId: step.id, attempt: 9 }, send)).toMatchObject({ status: 'again', afterSeconds: 60 });
    expect(sent).toEqual([
      [{ stepId: step.id, attempt: 1 }, 4],
      [{ stepId: step.id, attempt: 4 }, 32],
      [{ stepId: step.id, attempt: 10 }, 60],
    ]);
    const running = await readRedeploy(step.id);
    expect(running).toMatchObject({ redeployResult: null, redeployFollowEndedAt: null });
    expect(['pending', 'in_progress']).toContain(running?.redeployState);
    expect(running?.redeployPercent).toBeLessThan(100);

    // An hour after the token was set, it is still running: Keywarden stops and says it could not confirm it.
    const later = new Date(step.updatedAt.getTime() + REDEPLOY_FOLLOW_LIMIT_MS);
    expect(await runRedeployFollowJob(db, dashboard, { stepId: step.id, attempt: 11 }, send, { now: later })).toEqual({ status: 'ended', redeploy: 'unconfirmed' });
    expect(sent).toHaveLength(3);
  });

  it('reads again when the answers are lost, writing nothing meanwhile', async () => {
    const { steps } = await push(PORTAL);
    const step = steps[0]!;
    await sleep(100);
    const rule = sim.faults.add({ method: 'GET', path: ACTIVITY_READS, kind: 'reset' });
    const unavailable = sim.faults.add({ method: 'GET', path: ACTIVITY_READS, kind: 'status', status: 503 });
    expect(await followStepRedeploy(db, dashboard, { stepId: step.id, attempt: 0 })).toMatchObject({ status: 'again', unread: 1 });
    expect(rule.fired).toBeGreaterThan(0);
    expect(await readRedeploy(step.id)).toMatchObject({ redeployState: null, redeployCheckedAt: null, redeployFollowEndedAt: null });
    rule.remove();
    expect(await followStepRedeploy(db, dashboard, { stepId: step.id, attempt: 1 })).toMatchObject({ status: 'again', unread: 1 });
    expect(unavailable.fired).toBeGreaterThan(0);
    unavailable.remove();
    // The failures opened the client's circuit breaker: while open, a read is refused without a request, and read again later too.
    expect(dashboard.circuitState()).toBe('open');
    expect(await followStepRedeploy(db, dashboard, { stepId: step.id, attempt: 2 })).toMatchObject({ status: 'again', unread: 1 });
    // Once the API answers again (a client whose breaker has closed), the next read settles it.
    expect(await followStepRedeploy(db, client(), { stepId: step.id, attempt: 3 })).toEqual({ status: 'ended', redeploy: 'succeeded' });
  });

  it('is idempotent: a job delivered again after the redeploy ended reads nothing and sends nothing', async () => {
    const { steps } = await push(PORTAL);
    const step = steps[0]!;
    await sleep(100);
    const sent: unknown[] = [];
    const send = async (data: RedeployFollowJobData) => void sent.push(data);
    expect(await runRedeployFollowJob(db, dashboard, { stepId: step.id, attempt: 0 }, send)).toEqual({ status: 'ended', redeploy: 'succeeded' });
    const before = await readRedeploy(step.id);
    sim.requestLog.clear();
    expect(await runRedeployFollowJob(db, dashboard, { stepId: step.id, attempt: 0 }, send)).toEqual({ status: 'nothing' });
    expect(await runRedeployFollowJob(db, dashboard, { stepId: crypto.randomUUID(), attempt: 0 }, send)).toEqual({ status: 'nothing' });
    expect(sim.requestLog.find('GET', ACTIVITY_READS)).toHaveLength(0);
    expect(sent).toEqual([]);
    expect(await readRedeploy(step.id)).toEqual(before);
  });

  it('runs through the job queue: the push enqueues, pg-boss reads until the redeploy completes', async () => {
    // The redeploy runs until the test ends it, so that the first read finds it running however busy the
    // machine is (a fixed duration raced the queue's first read on a loaded CI machine).
    sim.store.activityDurationMs = 3_600_000;
    let queue: JobQueue | undefined;
    try {
      queue = await startJobQueue({
        database,
        connectionString: database.migrationTarget.kind === 'postgresql' ? database.migrationTarget.url : undefined,
        pollingIntervalSeconds: 0.5,
        handlers: { 'redeploy-follow': (job) => runRedeployFollowJob(db, dashboard, job.data as RedeployFollowJobData, followJobSender((name, data, options) => queue!.boss.send(name, data, options))) },
      });
      await redeploysFail(PORTAL, true);
      const { steps } = await push(PORTAL);
      const step = steps[0]!;
      const completedReads = async () =>
        (await db.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM pgboss.job WHERE name = 'redeploy-follow' AND singleton_key = ${step.id} AND state = 'completed'`)[0]!.count;
      await until(async () => (await completedReads()) >= 1, 'the first read of the redeploy');
      const running = await readRedeploy(step.id);
      expect(running).toMatchObject({ redeployResult: null, redeployFollowEndedAt: null });
      expect(['pending', 'in_progress']).toContain(running?.redeployState);

      // The redeploy finishes on Platform.sh: the next read, its own job, settles it.
      for (const activity of sim.store.projects.get(PORTAL)!.activities.values()) activity.durationMs = 0;
      await until(async () => (await readRedeploy(step.id))?.redeployFollowEndedAt, 'the redeploy to be settled');
      expect(await readRedeploy(step.id)).toMatchObject({ redeployState: 'complete', redeployResult: 'failure', redeployFollowEndedAt: expect.any(Date) });
      // pg-boss marks the settling job completed just after its handler returns.
      await until(async () => (await completedReads()) >= 2, 'pg-boss to mark the settling read completed');
      expect(await completedReads()).toBeGreaterThanOrEqual(2);
    } finally {
      await queue?.stop();
    }
  }, 90_000);
});
