// Minted deployment tokens (issue 18.2) against the simulator over real HTTP, on PGlite (and
// PostgreSQL when TEST_DATABASE_URL is set): the pasted token only mints the one pushed, and is
// deleted after; a 403 to the mint falls back to the pasted token and says so; a lost answer is found
// by name and deleted; a push that did not finish (or whose process died) resumes with a live token
// and leaves no minted token unaccounted for; and the canary — a minted value chosen by the test and
// handed out by "Platform.sh" — reaches no sink, while the simulator's request log has it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { trackMachineUsers } from '@/lib/domain/machine-users/tracking';
import { logger } from '@/lib/logger';
import { CLI_TOKEN_VARIABLE, type PlatformshClient } from '@/lib/platformsh';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { canaryToken, findIn, formsOf } from '@/lib/testing/canary';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, databaseText, lastAuditSeq } from '@/lib/testing/inspect';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { acceptInvitation, inviteInput, machineEmail } from '@/lib/testing/machine-users';
import { INTERRUPTED_AFTER_MS } from './interrupted';
import { recordAndPushToken, type TokenDeps } from './push';
import { remoteTokenList } from './remote-tokens';
import { resumeAnyPush } from './resume-minted';
import { rotateToken } from './rotate';
import { captureProcessOutput } from '@/lib/testing/capture-output';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { until } from '@/lib/testing/until';

const KEY = 'fingerprint-key-for-tests-0123456789abcdefghijkl';
const PORTAL = 'm2x6bc9vqp3ln';
const MINT_PATH = '/users/{userId}/api-tokens';

describe.each(TEST_DATABASE_KINDS)('minted deployment tokens on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let deps: TokenDeps;
  const clients: PlatformshClient[] = [];
  let admin: RequestContext;
  let nextEnvironment = 0;

  const client = (apiToken?: string, options: Parameters<typeof simulatorClient>[1] = {}) => {
    const made = simulatorClient(sim, { ...(apiToken ? { apiToken } : {}), ...options });
    clients.push(made);
    return made;
  };

  async function activeMachineUser() {
    const owner = await createUser(db, { role: 'admin' });
    const invited = await inviteMachineUser(admin, inviteInput({ projectId: PORTAL, ownerId: owner.id, purpose: 'custom', email: machineEmail('mint'), overrideReason: 'several machine users in one test file' }), deps.dashboard);
    if (!invited.ok) throw new Error(invited.error.message);
    const row = await db.machineUser.findUniqueOrThrow({ where: { id: invited.data.machineUserId } });
    const accepted = await acceptInvitation(sim, row.invitationId!);
    await trackMachineUsers(db, deps.dashboard, PORTAL);
    const bootstrap = sim.store.issueApiToken(accepted.user_id, 'pasted by an admin');
    return { machineUserId: row.id, userId: accepted.user_id, bootstrap: bootstrap.token, bootstrapId: bootstrap.id };
  }

  /** New development environments of the portal (on Platform.sh and in the inventory), that no other test pushes to. */
  const freshEnvironments = async (count: number) => {
    const ids = Array.from({ length: count }, () => `mint-${++nextEnvironment}`);
    for (const id of ids) {
      sim.store.addEnvironment(PORTAL, { id, title: id, type: 'development', createdAt: new Date().toISOString() });
      await db.environment.create({ data: { projectId: PORTAL, id, name: id, title: id, type: 'development', status: 'active' } });
    }
    return ids;
  };
  const valueOn = (environmentId: string) => sim.store.projects.get(PORTAL)!.environments.get(environmentId)!.variables.get(CLI_TOKEN_VARIABLE)?.value;
  const tokensOf = (userId: string) => [...sim.store.apiTokens.values()].filter((token) => token.userId === userId);
  const input = (machineUserId: string, token: string, environmentIds: string[], extra: Record<string, unknown> = {}) => ({ machineUserId, runId: crypto.randomUUID(), token, name: 'deploys on push', environmentIds, ...extra });
  const setPolicy = (mintDeploymentTokens: boolean) => db.organisationPolicy.upsert({ where: { id: 1 }, create: { id: 1, values: { mintDeploymentTokens } }, update: { values: { mintDeploymentTokens } } });

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

  beforeEach(async () => {
    deps = { dashboard: client(undefined, { timeoutMs: 1000 }), clientForToken: (token) => client(token, { timeoutMs: 1000 }), fingerprintKey: KEY };
    await setPolicy(true);
  });

  afterEach(() => {
    sim.faults.clear();
    sim.store.tokenCreation = 'allowed';
    sim.store.nextCreatedTokenValues.length = 0;
    for (const made of clients.splice(0)) made.dispose();
  });

  it('mints a fresh token, pushes it, deletes the pasted one; the minted value reaches no sink (the request log is the positive control)', async () => {
    const { machineUserId, userId, bootstrap, bootstrapId } = await activeMachineUser();
    const targets = await freshEnvironments(2);
    const canary = canaryToken();
    sim.store.nextCreatedTokenValues.push(canary);
    const seq = await lastAuditSeq(db);
    const result = await recordAndPushToken(admin, input(machineUserId, bootstrap, targets), deps);
    expect(result).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    expect(result.ok && result.data.message).toContain('minted');
    expect(result.ok && result.data.message).toContain(`bootstrap token (…${bootstrap.slice(-4)}) is deleted`);

    // The environments hold the minted token; the pasted one is gone on Platform.sh.
    for (const environmentId of targets) expect(valueOn(environmentId)).toBe(canary);
    expect(sim.store.apiTokens.has(bootstrapId)).toBe(false);
    const minted = tokensOf(userId).filter((token) => token.token === canary);
    expect(minted).toHaveLength(1);
    expect(minted[0]!.name).toMatch(new RegExp(`^keywarden ${PORTAL} \\d{4}-\\d{2}-\\d{2} [0-9a-f]{8}$`));

    // The record is the minted token's (its id, its last four), marked minted; the journal has its id.
    const record = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    expect(record).toMatchObject({ minted: true, mintPolicyUnmet: null, platformshTokenId: minted[0]!.id, lastFour: canary.slice(-4), status: 'active' });
    expect(await db.tokenMint.findMany({ where: { machineUserId } })).toMatchObject([{ status: 'minted', platformshTokenId: minted[0]!.id, tokenId: record.id, bootstrapPlatformshTokenId: bootstrapId, bootstrapDeletedAt: expect.any(Date) }]);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome])).toEqual([
      ['token.mint', 'succeeded'],
      ['token.record', 'succeeded'],
      ['token.push', 'succeeded'],
      ['token.delete_bootstrap', 'succeeded'],
    ]);

    // The token list on Platform.sh shows the minted token with its Keywarden record, and no bootstrap.
    const remote = await remoteTokenList(machineUserId);
    expect(remote.tokens.map((token) => [token.platformshTokenId, token.record?.id ?? null, token.record?.minted])).toEqual([[minted[0]!.id, record.id, true]]);

    // The canary: nowhere in the database or the answer, in any encoding; the simulator did receive it.
    const forms = formsOf(canary);
    expect(findIn(await databaseText(db), forms)).toBeUndefined();
    expect(findIn(JSON.stringify(result), forms)).toBeUndefined();
    expect(sim.requestLog.entries.some((entry) => findIn(entry.body, forms) !== undefined)).toBe(true);
  });

  it('a minted push reads as running until its bootstrap is deleted: a poller never sees "succeeded" with the bootstrap live', async () => {
    const { machineUserId, userId, bootstrap, bootstrapId } = await activeMachineUser();
    const targets = await freshEnvironments(1);
    // The bootstrap's deletion on Platform.sh is slow (within the clients' timeout): the run is read while it is on the wire.
    deps = { ...deps, clientForToken: (token) => client(token, { timeoutMs: 20_000 }) };
    sim.faults.add({ method: 'DELETE', path: `/users/${userId}/api-tokens/${bootstrapId}`, kind: 'latency', ms: 2000, count: 1 });
    sim.requestLog.clear();
    const seq = await lastAuditSeq(db);
    const runId = crypto.randomUUID();
    const pushing = recordAndPushToken(admin, { ...input(machineUserId, bootstrap, targets), runId }, deps);
    await until(() => sim.requestLog.find('DELETE', `/users/${userId}/api-tokens/${bootstrapId}`).length > 0, 'the bootstrap’s deletion', 20_000);
    expect(await db.pushRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'running' });
    expect(sim.store.apiTokens.has(bootstrapId)).toBe(true);
    expect(await pushing).toMatchObject({ ok: true, data: { status: 'succeeded', message: expect.stringContaining(`bootstrap token (…${bootstrap.slice(-4)}) is deleted`) } });
    expect(await db.pushRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'succeeded', activeMachineUserId: null });
    expect(sim.store.apiTokens.has(bootstrapId)).toBe(false);
    expect(await db.tokenMint.findMany({ where: { machineUserId } })).toMatchObject([{ bootstrapDeletedAt: expect.any(Date) }]);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome])).toEqual([
      ['token.mint', 'succeeded'],
      ['token.record', 'succeeded'],
      ['token.push', 'succeeded'],
      ['token.delete_bootstrap', 'succeeded'],
    ]);
  });

  it('a bootstrap whose deletion Platform.sh refuses leaves the push succeeded: the answer says to delete it, the audit log has the failure', async () => {
    const { machineUserId, userId, bootstrap, bootstrapId } = await activeMachineUser();
    const targets = await freshEnvironments(1);
    sim.faults.add({ method: 'DELETE', path: `/users/${userId}/api-tokens/${bootstrapId}`, kind: 'status', status: 403 });
    const seq = await lastAuditSeq(db);
    const result = await recordAndPushToken(admin, input(machineUserId, bootstrap, targets), deps);
    expect(result).toMatchObject({ ok: true, data: { status: 'succeeded', message: expect.stringContaining(`bootstrap token (…${bootstrap.slice(-4)}) could not be deleted`) } });
    expect(await db.pushRun.findUniqueOrThrow({ where: { id: result.ok ? result.data.runId : '' } })).toMatchObject({ status: 'succeeded' });
    expect(sim.store.apiTokens.has(bootstrapId)).toBe(true);
    expect(await db.tokenMint.findMany({ where: { machineUserId } })).toMatchObject([{ bootstrapDeletedAt: null }]);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome])).toEqual([
      ['token.mint', 'succeeded'],
      ['token.record', 'succeeded'],
      ['token.push', 'succeeded'],
      ['token.delete_bootstrap', 'failed'],
    ]);
  });

  it('canary: a minted value echoed back by a failing Platform.sh reaches no log line, table or answer; the request log and a logged control do have theirs', async () => {
    const { machineUserId, bootstrap } = await activeMachineUser();
    const targets = await freshEnvironments(2);
    const canary = canaryToken();
    sim.store.nextCreatedTokenValues.push(canary);
    // The worst case: an error whose body echoes the request (the minted value), then a lost answer.
    sim.faults.add({ method: 'POST', path: `/projects/${PORTAL}/environments/${targets[0]}/variables`, kind: 'echo-body', status: 500 });
    sim.faults.add({ method: 'POST', path: `/projects/${PORTAL}/environments/${targets[1]}/variables`, kind: 'apply-then-drop', count: 1 });
    const { output, restore } = captureProcessOutput();
    const control = `ctl${crypto.randomUUID()}`;
    let result;
    try {
      result = await recordAndPushToken(admin, input(machineUserId, bootstrap, targets), deps);
      logger.info('mint canary control', { control });
    } finally {
      restore();
    }
    expect(result).toMatchObject({ ok: true, data: { status: 'partial' } });
    const forms = formsOf(canary);
    expect(findIn(output.join('\n'), forms)).toBeUndefined();
    expect(findIn(JSON.stringify(result), forms)).toBeUndefined();
    expect(findIn(await databaseText(db), forms)).toBeUndefined();
    // Controls: the failing step's error is kept (redacted), the logger's line was captured, the simulator got the value.
    expect((await db.pushStep.findMany({ where: { run: { machineUserId } } })).some((step) => step.error !== null)).toBe(true);
    expect(output.join('\n')).toContain(control);
    expect(sim.requestLog.entries.filter((entry) => findIn(entry.body, forms) !== undefined).length).toBeGreaterThanOrEqual(2);
  });

  it('falls back to the pasted token when Platform.sh refuses the mint (403), says why, and records that the policy was not met', async () => {
    const { machineUserId, userId, bootstrap, bootstrapId } = await activeMachineUser();
    const targets = await freshEnvironments(1);
    sim.store.tokenCreation = 'refused';
    const seq = await lastAuditSeq(db);
    const result = await recordAndPushToken(admin, input(machineUserId, bootstrap, targets), deps);
    expect(result).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    expect(result.ok && result.data.message).toMatch(/refused to mint a deployment token \(.*403.*\); the pasted token was pushed instead\. The organisation policy to mint deployment tokens could not be met/);
    expect(valueOn(targets[0]!)).toBe(bootstrap);
    // The pasted token is the deployment token now: it is kept.
    expect(sim.store.apiTokens.has(bootstrapId)).toBe(true);
    expect(tokensOf(userId)).toHaveLength(1);
    const record = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    expect(record.minted).toBe(false);
    expect(record.mintPolicyUnmet).toMatch(/refused to mint/);
    expect(await db.tokenMint.findMany({ where: { machineUserId } })).toMatchObject([{ status: 'refused', platformshTokenId: null, tokenId: null }]);
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome])).toEqual([
      ['token.mint', 'succeeded'],
      ['token.mint', 'refused'],
      ['token.record', 'succeeded'],
      ['token.push', 'succeeded'],
    ]);
    expect(events[2]!.details).toMatchObject({ minted: false, policyUnmet: true });
  });

  it('a mint whose answer was lost is found by its name and deleted; the second mint is the one pushed', async () => {
    const { machineUserId, userId, bootstrap, bootstrapId } = await activeMachineUser();
    const targets = await freshEnvironments(1);
    sim.faults.add({ method: 'POST', path: MINT_PATH, kind: 'apply-then-drop', count: 1 });
    const result = await recordAndPushToken(admin, input(machineUserId, bootstrap, targets), deps);
    expect(result).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    expect(sim.requestLog.find('POST', /^\/users\/[^/]+\/api-tokens$/).filter((entry) => entry.path.includes(userId))).toHaveLength(2);
    // One token of the machine user is left on Platform.sh: the second mint, on the environment.
    const left = tokensOf(userId);
    expect(left).toHaveLength(1);
    expect(left[0]!.id).not.toBe(bootstrapId);
    expect(valueOn(targets[0]!)).toBe(left[0]!.token);
    const mints = await db.tokenMint.findMany({ where: { machineUserId }, orderBy: { createdAt: 'asc' } });
    expect(mints.map((mint) => mint.status)).toEqual(['discarded', 'minted']);
    expect(mints[0]!.platformshTokenId).not.toBeNull();
    expect(mints[1]!.name).toBe(`${mints[0]!.name}-2`);
  });

  it('a push that did not finish, then whose process died, is finished on resume with a live token: nothing left unaccounted for', async () => {
    const { machineUserId, userId, bootstrap, bootstrapId } = await activeMachineUser();
    const targets = await freshEnvironments(3);
    // The third environment refuses the write: the first two get the minted token, the run is partial.
    sim.faults.add({ method: 'POST', path: `/projects/${PORTAL}/environments/${targets[2]}/variables`, kind: 'status', status: 400 });
    const first = await recordAndPushToken(admin, input(machineUserId, bootstrap, targets), deps);
    expect(first).toMatchObject({ ok: true, data: { status: 'partial' } });
    expect(first.ok && first.data.message).toContain(`Paste a live token of`);
    sim.faults.clear();
    const runId = first.ok ? first.data.runId : '';
    const unfinished = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    const unfinishedValue = valueOn(targets[0]!)!;
    expect(unfinishedValue).not.toBe(bootstrap);
    // The bootstrap is kept: it is the live token the resume needs.
    expect(sim.store.apiTokens.has(bootstrapId)).toBe(true);

    // Then a crash: the run left "running" with a stale heartbeat, a step in flight.
    await db.pushRun.update({ where: { id: runId }, data: { status: 'running', activeMachineUserId: machineUserId, finishedAt: null, heartbeatAt: new Date(Date.now() - INTERRUPTED_AFTER_MS - 1000) } });
    await db.pushStep.updateMany({ where: { runId, environmentId: targets[2] }, data: { status: 'in_progress' } });

    // The same-token rule cannot apply (no one has the minted value): a token of another account is refused.
    const stranger = sim.store.issueApiToken(sim.demo!.humans[0]!.user.id, 'not the machine user').token;
    expect(await resumeAnyPush(admin, { runId, token: stranger }, deps)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    sim.requestLog.clear();
    const resumed = await resumeAnyPush(admin, { runId, token: bootstrap }, deps);
    expect(resumed).toMatchObject({ ok: true, data: { status: 'succeeded', message: expect.stringContaining(`The unfinished minted token (…${unfinished.lastFour}) is deleted.`) } });
    // The resume rotates the unfinished token: the rotation's end deletes it, once (its retirement does not ask again).
    expect(sim.requestLog.find('DELETE', `/users/${userId}/api-tokens/${unfinished.platformshTokenId}`)).toHaveLength(1);
    const fresh = valueOn(targets[0]!)!;
    expect(fresh).not.toBe(unfinishedValue);
    for (const environmentId of targets) expect(valueOn(environmentId)).toBe(fresh);
    // On Platform.sh: only the fresh token; the unfinished one and the bootstrap are deleted.
    expect(tokensOf(userId).map((token) => token.token)).toEqual([fresh]);
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: unfinished.id } })).toMatchObject({ status: 'superseded', deletedOnPlatformAt: expect.any(Date) });
    const current = await db.apiToken.findFirstOrThrow({ where: { machineUserId, status: 'active' } });
    expect(current).toMatchObject({ minted: true, lastFour: fresh.slice(-4) });
    const mints = await db.tokenMint.findMany({ where: { machineUserId }, orderBy: { createdAt: 'asc' } });
    expect(mints.map((mint) => [mint.status, mint.tokenId])).toEqual([
      ['discarded', unfinished.id],
      ['minted', current.id],
    ]);
    expect(mints[1]!.bootstrapDeletedAt).not.toBeNull();
    // Resuming again finds nothing to do.
    expect(await resumeAnyPush(admin, { runId, token: fresh }, deps)).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  /**
   * A rotation whose minted push reached one environment of two, then whose process died (the run
   * left running, its heartbeat stale): the unfinished minted token is on Platform.sh and the first
   * environment, the old token on the second, the rotation's bootstrap kept for the resume.
   */
  async function interruptedMintedRotation() {
    const { machineUserId, userId, bootstrap: first } = await activeMachineUser();
    const targets = await freshEnvironments(2);
    expect(await recordAndPushToken(admin, input(machineUserId, first, targets), deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const old = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    const bootstrap = sim.store.issueApiToken(userId, 'rotation bootstrap');
    sim.faults.add({ method: 'PATCH', path: `/projects/${PORTAL}/environments/${targets[1]}/variables/**`, kind: 'status', status: 400, count: 1 });
    const runId = crypto.randomUUID();
    expect(await rotateToken(admin, { oldTokenId: old.id, runId, token: bootstrap.token, name: 'deploys on push' }, deps)).toMatchObject({ ok: true, data: { status: 'partial' } });
    const unfinished = await db.apiToken.findFirstOrThrow({ where: { machineUserId, status: 'active', id: { not: old.id } } });
    expect(unfinished).toMatchObject({ minted: true, platformshTokenId: expect.any(String) });
    expect(sim.store.apiTokens.has(unfinished.platformshTokenId!)).toBe(true);
    await db.pushRun.update({ where: { id: runId }, data: { status: 'running', activeMachineUserId: machineUserId, finishedAt: null, heartbeatAt: new Date(Date.now() - INTERRUPTED_AFTER_MS - 1000) } });
    await db.pushStep.updateMany({ where: { runId, environmentId: targets[1] }, data: { status: 'in_progress' } });
    return { machineUserId, userId, targets, old, unfinished, unfinishedId: unfinished.platformshTokenId!, runId, bootstrap };
  }

  it('a minted rotation’s resume reads as running until the unfinished minted token is deleted: a poller never sees "succeeded" with it live', async () => {
    const { machineUserId, userId, targets, old, unfinished, unfinishedId, runId, bootstrap } = await interruptedMintedRotation();
    // The unfinished token's deletion on Platform.sh is slow (within the clients' timeout): the resumed run is read while it is on the wire.
    deps = { ...deps, clientForToken: (token) => client(token, { timeoutMs: 20_000 }) };
    sim.faults.add({ method: 'DELETE', path: `/users/${userId}/api-tokens/${unfinishedId}`, kind: 'latency', ms: 3000, count: 1 });
    sim.requestLog.clear();
    let resumedRunId: string | undefined;
    deps = { ...deps, onRunStarted: (run) => (resumedRunId = run.runId) };
    const seq = await lastAuditSeq(db);
    const resuming = resumeAnyPush(admin, { runId, token: bootstrap.token }, deps);
    await until(() => sim.requestLog.find('DELETE', `/users/${userId}/api-tokens/${unfinishedId}`).length > 0, 'the unfinished token’s deletion', 20_000);
    expect(await db.pushRun.findUniqueOrThrow({ where: { id: resumedRunId! } })).toMatchObject({ status: 'running' });
    expect(sim.store.apiTokens.has(unfinishedId)).toBe(true);
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: unfinished.id } })).toMatchObject({ status: 'active', deletedOnPlatformAt: null });

    const resumed = await resuming;
    expect(resumed).toMatchObject({ ok: true, data: { runId: resumedRunId, status: 'succeeded', message: expect.stringContaining(`The unfinished minted token (…${unfinished.lastFour}) is deleted.`) } });
    expect(await db.pushRun.findUniqueOrThrow({ where: { id: resumedRunId! } })).toMatchObject({ status: 'succeeded', activeMachineUserId: null });
    // Only the fresh token is left, on both environments; the old, the unfinished and the bootstrap are deleted.
    const fresh = valueOn(targets[0]!)!;
    expect(valueOn(targets[1]!)).toBe(fresh);
    expect(tokensOf(userId).map((token) => token.token)).toEqual([fresh]);
    const current = await db.apiToken.findFirstOrThrow({ where: { machineUserId, status: 'active' } });
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ status: 'superseded', supersededById: current.id, deletedOnPlatformAt: expect.any(Date) });
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: unfinished.id } })).toMatchObject({ status: 'superseded', supersededById: current.id, deletedOnPlatformAt: expect.any(Date) });
    expect(await db.tokenMint.findFirstOrThrow({ where: { tokenId: unfinished.id } })).toMatchObject({ status: 'discarded', bootstrapDeletedAt: expect.any(Date) });
    const events = await auditEventsSince(db, seq);
    expect(events.slice(events.findIndex((event) => event.action === 'token.push')).map((event) => [event.action, event.outcome])).toEqual([
      ['token.push', 'succeeded'],
      ['token.supersede', 'succeeded'],
      ['token.delete_bootstrap', 'succeeded'],
      ['token.discard_minted', 'succeeded'],
    ]);
  });

  it('an unfinished minted token whose deletion Platform.sh refuses on a rotation’s resume: the push succeeds, the record is superseded, the answer and the audit log say so', async () => {
    const { userId, unfinished, unfinishedId, runId, bootstrap } = await interruptedMintedRotation();
    sim.faults.add({ method: 'DELETE', path: `/users/${userId}/api-tokens/${unfinishedId}`, kind: 'status', status: 403 });
    let resumedRunId: string | undefined;
    deps = { ...deps, onRunStarted: (run) => (resumedRunId = run.runId) };
    const seq = await lastAuditSeq(db);
    const resumed = await resumeAnyPush(admin, { runId, token: bootstrap.token }, deps);
    expect(resumed).toMatchObject({ ok: true, data: { status: 'succeeded', message: expect.stringContaining(`The unfinished minted token (…${unfinished.lastFour}) could not be deleted on Platform.sh (`) } });
    expect(resumed.ok && resumed.data.message).toContain('delete it in the Console.');
    expect(await db.pushRun.findUniqueOrThrow({ where: { id: resumedRunId! } })).toMatchObject({ status: 'succeeded' });
    expect(sim.store.apiTokens.has(unfinishedId)).toBe(true);
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: unfinished.id } })).toMatchObject({ status: 'superseded', deletedOnPlatformAt: null });
    // Its journal row stays as it is (not discarded): the token still lives on Platform.sh.
    expect(await db.tokenMint.findFirstOrThrow({ where: { tokenId: unfinished.id } })).toMatchObject({ status: 'minted' });
    const events = await auditEventsSince(db, seq);
    expect(events.slice(events.findIndex((event) => event.action === 'token.push')).map((event) => [event.action, event.outcome])).toEqual([
      ['token.push', 'succeeded'],
      ['token.supersede', 'succeeded'],
      ['token.delete_bootstrap', 'succeeded'],
      ['token.discard_minted', 'failed'],
    ]);
    expect(events.at(-1)?.details).toMatchObject({ step: 'unfinished_minted_token_retired', tokenId: unfinished.id, deletedOnPlatform: false });
  });

  it('a crash between the mint and its record leaves a journalled name: the next mint with a live token deletes that token', async () => {
    const { machineUserId, userId, bootstrap } = await activeMachineUser();
    const targets = await freshEnvironments(1);
    // What the crash left: the intent journalled, the token made on Platform.sh, the answer never recorded.
    const lost = sim.store.issueApiToken(userId, `keywarden ${PORTAL} 2026-01-01 deadbeef`);
    await db.tokenMint.create({ data: { machineUserId, name: lost.name, bootstrapFingerprint: 'f'.repeat(64), bootstrapLastFour: 'abcd', updatedAt: new Date(Date.now() - INTERRUPTED_AFTER_MS - 1000) } });
    await db.$executeRaw`UPDATE token_mints SET updated_at = now() - interval '1 hour' WHERE name = ${lost.name}`;
    const result = await recordAndPushToken(admin, input(machineUserId, bootstrap, targets), deps);
    expect(result).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    expect(sim.store.apiTokens.has(lost.id)).toBe(false);
    expect(await db.tokenMint.findFirstOrThrow({ where: { name: lost.name } })).toMatchObject({ status: 'discarded', platformshTokenId: lost.id });
    expect(tokensOf(userId)).toHaveLength(1);
  });

  it('rotates with a minted token: the old token and the bootstrap are deleted, the environments hold the minted one', async () => {
    await setPolicy(false);
    const { machineUserId, userId, bootstrap } = await activeMachineUser();
    const targets = await freshEnvironments(1);
    expect(await recordAndPushToken(admin, input(machineUserId, bootstrap, targets), deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const old = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    expect(old.minted).toBe(false);
    // An admin's choice for this rotation, against the policy.
    const pasted = sim.store.issueApiToken(userId, 'rotation bootstrap');
    const rotated = await rotateToken(admin, { oldTokenId: old.id, runId: crypto.randomUUID(), token: pasted.token, name: 'deploys on push', mint: 'mint' }, deps);
    expect(rotated).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const left = tokensOf(userId);
    expect(left).toHaveLength(1);
    expect(left[0]!.id).not.toBe(pasted.id);
    expect(valueOn(targets[0]!)).toBe(left[0]!.token);
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ status: 'superseded', deletedOnPlatformAt: expect.any(Date) });
  });

  it('only an admin may choose otherwise than the policy; an onboarder’s choice is refused and audited before anything reaches Platform.sh', async () => {
    const { machineUserId, bootstrap } = await activeMachineUser();
    const targets = await freshEnvironments(1);
    const onboarder = contextFor(await createUser(db, { role: 'onboarder', projectIds: [PORTAL] }), [PORTAL]);
    const requestsBefore = sim.requestLog.entries.length;
    const seq = await lastAuditSeq(db);
    expect(await recordAndPushToken(onboarder, input(machineUserId, bootstrap, targets, { mint: 'paste' }), deps)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(sim.requestLog.entries.length).toBe(requestsBefore);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome])).toEqual([['token.choose_minting', 'refused']]);
    expect(await db.apiToken.count({ where: { machineUserId } })).toBe(0);
    // Following the policy is not a choice: the onboarder's push mints.
    const followed = await recordAndPushToken(onboarder, input(machineUserId, bootstrap, targets, { mint: 'mint' }), deps);
    expect(followed).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    expect((await db.apiToken.findFirstOrThrow({ where: { machineUserId } })).minted).toBe(true);
  });
});
