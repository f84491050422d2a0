// Recording and pushing a machine user's token (issue 5) against the simulator over real HTTP, on
// PGlite and PostgreSQL: identity proof, R8 confirmation, journalled steps under faults (exactly one
// variable per environment, resumable with the same token only), one push per machine user at a time,
// and the canary: the token's value is nowhere in the database, while the simulator did receive it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { trackMachineUsers } from '@/lib/domain/machine-users/tracking';
import { CLI_TOKEN_VARIABLE, type PlatformshClient } from '@/lib/platformsh';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { encodingsOf } from '@/lib/security/redact';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, databaseText, lastAuditSeq } from '@/lib/testing/inspect';
import { until } from '@/lib/testing/until';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { acceptInvitation, inviteInput, machineEmail } from '@/lib/testing/machine-users';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { closeInterruptedRuns, INTERRUPTED_AFTER_MS } from './interrupted';
import { recordAndPushToken, resumePush, type TokenDeps } from './push';
import { getMachineUserTokens, lookupToken } from './queries';
import { getRevocationPlan, markTokenCompromised, rotateToken } from './rotate';

const KEY = 'fingerprint-key-for-tests-0123456789abcdefghijkl';
const STOREFRONT = 'k3v7rq2mhx4ta';
const PORTAL = 'm2x6bc9vqp3ln';
const TOOLS = 'w8c4qe2uxh9pd';
/** Its main holds an env:PLATFORMSH_CLI_TOKEN set by hand long ago, inheritable. */
const CHECKOUT = 'p9d2nw5lzc8ub';
const VARIABLES = '/projects/{projectId}/environments/{environmentId}/variables';

describe.each(TEST_DATABASE_KINDS)('tokens on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let deps: TokenDeps;
  const clients: PlatformshClient[] = [];
  let admin: RequestContext;

  const client = (apiToken?: string, options: Parameters<typeof simulatorClient>[1] = {}) => {
    const made = simulatorClient(sim, { ...(apiToken ? { apiToken } : {}), ...options });
    clients.push(made);
    return made;
  };

  /** An active machine user on the project, and a fresh token of its own. */
  async function activeMachineUser(projectId: string, purpose: 'backups' | 'custom' = 'custom') {
    const owner = await createUser(db, { role: 'admin' });
    const email = machineEmail('token');
    const invited = await inviteMachineUser(admin, inviteInput({ projectId, ownerId: owner.id, purpose, email, overrideReason: 'several machine users in one test file' }), deps.dashboard);
    if (!invited.ok) throw new Error(invited.error.message);
    const row = await db.machineUser.findUniqueOrThrow({ where: { id: invited.data.machineUserId } });
    const accepted = await acceptInvitation(sim, row.invitationId!);
    await trackMachineUsers(db, deps.dashboard, projectId);
    const token = sim.store.issueApiToken(accepted.user_id, 'cron').token;
    return { machineUserId: row.id, userId: accepted.user_id, token };
  }

  const environmentsOf = (projectId: string) => [...sim.store.projects.get(projectId)!.environments.keys()];
  const ownToken = (projectId: string, environmentId: string) => sim.store.projects.get(projectId)!.environments.get(environmentId)!.variables.get(CLI_TOKEN_VARIABLE);
  const input = (machineUserId: string, token: string, environmentIds: string[], extra: Record<string, unknown> = {}) => ({
    machineUserId,
    runId: crypto.randomUUID(),
    token,
    name: 'cron on production',
    environmentIds,
    visibleBuild: false,
    ...extra,
  });

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
    deps = { dashboard: client(undefined, { timeoutMs: 1000 }), clientForToken: (token) => client(token), fingerprintKey: KEY };
  });

  afterEach(() => {
    sim.faults.clear();
    for (const made of clients.splice(0)) made.dispose();
  });

  it('records a token once and pushes it to three environments with the right flags; only its fingerprint is kept', async () => {
    const { machineUserId, token } = await activeMachineUser(PORTAL, 'backups');
    const targets = environmentsOf(PORTAL).slice(0, 3);
    const seq = await lastAuditSeq(db);
    const result = await recordAndPushToken(admin, input(machineUserId, token, targets), deps);
    expect(result).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    // Two operations on the log (issue 15 §6): the intent, then the push; each names its target and token.
    const machineUserEmail = (await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).email;
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome, event.targetType, event.targetId])).toEqual([
      ['token.record', 'succeeded', 'machine_user', machineUserId],
      ['token.push', 'succeeded', 'machine_user', machineUserId],
    ]);
    for (const event of events) expect(event.details).toMatchObject({ targetName: machineUserEmail, tokenLabel: `cron on production …${token.slice(-4)}` });
    for (const environmentId of targets) {
      expect(ownToken(PORTAL, environmentId)).toMatchObject({ value: token, isSensitive: true, isInheritable: false, isEnabled: true, visibleRuntime: true, visibleBuild: false });
    }
    const record = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    expect(record).toMatchObject({ status: 'active', lastFour: token.slice(-4) });
    expect(record.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(record.platformshTokenId).not.toBeNull();
    const view = await getMachineUserTokens(admin, machineUserId);
    expect(view.ok && view.data.tokens[0]?.environments).toEqual([...targets].sort());
    expect(view.ok && view.data.runs[0]?.steps.every((step) => step.status === 'succeeded' && step.activityIds.length > 0)).toBe(true);

    // The canary: nowhere in the database in any encoding; the simulator did receive it (positive control).
    const text = await databaseText(db);
    for (const form of encodingsOf(token)) expect(text).not.toContain(form);
    expect(sim.requestLog.entries.some((entry) => entry.body.includes(JSON.stringify(token).slice(1, -1)))).toBe(true);
  });

  it('names the state of a token pasted again and says what to do: no "resume" without a run to resume (issue 14.5)', async () => {
    const { machineUserId, token } = await activeMachineUser(PORTAL);
    const targets = environmentsOf(PORTAL).slice(6, 7);
    expect(await recordAndPushToken(admin, input(machineUserId, token, targets), deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const record = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    const again = async (value: string) => {
      const result = await recordAndPushToken(admin, input(machineUserId, value, targets), deps);
      expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
      return result.ok ? '' : result.error.message;
    };
    const last = token.slice(-4);

    // Active, its push complete: nothing to resume.
    const active = await again(token);
    expect(active).toBe(`This token (…${last}) is already recorded and active, on ${targets[0]}. A token is recorded once: to put a token on other environments, create a new one in the Platform.sh Console and record it.`);
    expect(active).not.toContain('resume');

    // Active, its push partial: resuming is the way.
    await db.pushRun.updateMany({ where: { tokenId: record.id }, data: { status: 'partial' } });
    expect(await again(token)).toBe(`This token (…${last}) is already recorded and its push is partial: paste it into “Resume the push” to finish it.`);
    await db.pushRun.updateMany({ where: { tokenId: record.id }, data: { status: 'succeeded' } });

    // Compromised (still alive on Platform.sh: no live token was given to delete it).
    expect(await markTokenCompromised(admin, { tokenId: record.id, deleteVariables: true }, deps)).toMatchObject({ ok: true, data: { status: 'partial' } });
    const compromised = await again(token);
    expect(compromised).toMatch(new RegExp(`^This token \\(…${last}\\) was marked compromised on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC: never use it again\\. It is not deleted on Platform\\.sh yet: delete it in the machine user’s Console \\(or finish revoking it here\\), then create a new token there and record that one\\.$`));
    expect(compromised).not.toContain('resume');

    // Superseded by a rotation, or revoked, and deleted on Platform.sh: create a new one.
    for (const status of ['superseded', 'revoked'] as const) {
      await db.apiToken.update({ where: { id: record.id }, data: { status, statusChangedAt: new Date('2026-11-30T08:00:00Z'), deletedOnPlatformAt: new Date('2026-11-30T08:01:00Z') } });
      const message = await again(token);
      expect(message).toBe(
        status === 'superseded'
          ? `This token (…${last}) was replaced by a rotation on 2026-11-30 08:00 UTC and is deleted on Platform.sh. Create a new token in the machine user’s Platform.sh Console and record that one.`
          : `This token (…${last}) was revoked on 2026-11-30 08:00 UTC and is deleted on Platform.sh. Create a new token in the machine user’s Platform.sh Console and record that one.`,
      );
    }
  });

  it('refuses a token of another account (a human’s) and writes nothing to Platform.sh', async () => {
    const { machineUserId } = await activeMachineUser(PORTAL);
    const human = sim.demo!.humans[0]!;
    const writesBefore = sim.requestLog.find('POST', /\/variables$/).length;
    const result = await recordAndPushToken(admin, input(machineUserId, human.apiToken, environmentsOf(PORTAL).slice(0, 1)), deps);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining(`belongs to ${human.user.email}`) } });
    expect(sim.requestLog.find('POST', /\/variables$/)).toHaveLength(writesBefore);
    expect(await db.apiToken.count({ where: { machineUserId } })).toBe(0);
    const refusal = await db.auditEvent.findFirstOrThrow({ where: { action: 'token.record', outcome: 'refused', targetId: machineUserId } });
    expect(refusal.tokenFingerprint).toMatch(/^[0-9a-f]{64}$/);
    for (const form of encodingsOf(human.apiToken)) expect(await databaseText(db)).not.toContain(form);
  });

  it('an onboarder pasting a token recorded on another project gets the identity refusal, audited, and learns nothing of that project', async () => {
    // Another project's machine user, with its token recorded (by an admin).
    const elsewhere = await activeMachineUser(STOREFRONT);
    expect(await recordAndPushToken(admin, input(elsewhere.machineUserId, elsewhere.token, environmentsOf(STOREFRONT).slice(-1)), deps)).toMatchObject({ ok: true });
    const elsewhereEmail = (await db.machineUser.findUniqueOrThrow({ where: { id: elsewhere.machineUserId } })).email;
    // The onboarder's own machine user, on the one project assigned to them (environments no other test pushes to).
    const own = await activeMachineUser(TOOLS);
    const ownEmail = (await db.machineUser.findUniqueOrThrow({ where: { id: own.machineUserId } })).email;
    const onboarder = contextFor(await createUser(db, { role: 'onboarder', projectIds: [TOOLS] }), [TOOLS]);
    const writesBefore = sim.requestLog.find('POST', /\/variables$/).length + sim.requestLog.find('PATCH', /\/variables\//).length;

    const result = await recordAndPushToken(onboarder, input(own.machineUserId, elsewhere.token, environmentsOf(TOOLS).slice(6, 7)), deps);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining(`not to ${ownEmail}`) } });
    const message = result.ok ? '' : result.error.message;
    for (const secret of [STOREFRONT, 'Storefront', elsewhereEmail, elsewhere.machineUserId, elsewhere.token.slice(-4), 'already recorded']) expect(message).not.toContain(secret);
    expect(sim.requestLog.find('POST', /\/variables$/).length + sim.requestLog.find('PATCH', /\/variables\//).length).toBe(writesBefore);
    expect(await db.apiToken.count({ where: { machineUserId: own.machineUserId } })).toBe(0);
    const refusal = await db.auditEvent.findFirstOrThrow({ where: { action: 'token.record', outcome: 'refused', targetId: own.machineUserId, actorId: onboarder.actor.id } });
    expect(refusal.tokenFingerprint).toMatch(/^[0-9a-f]{64}$/);

    // A rotation of the onboarder's own token with the same string: the same identity refusal.
    expect(await recordAndPushToken(onboarder, input(own.machineUserId, own.token, environmentsOf(TOOLS).slice(5, 6)), deps)).toMatchObject({ ok: true });
    const ownRecord = await db.apiToken.findFirstOrThrow({ where: { machineUserId: own.machineUserId } });
    const rotation = await rotateToken(onboarder, { oldTokenId: ownRecord.id, runId: crypto.randomUUID(), token: elsewhere.token, name: 'rotated' }, deps);
    expect(rotation).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining(`not to ${ownEmail}`) } });
    const rotationMessage = rotation.ok ? '' : rotation.error.message;
    for (const secret of [STOREFRONT, 'Storefront', elsewhereEmail, 'already recorded']) expect(rotationMessage).not.toContain(secret);
    // Revoking the onboarder's own token with that string as the "live token": refused the same way, before anything changes.
    const revocation = await markTokenCompromised(onboarder, { tokenId: ownRecord.id, deleteVariables: true, liveToken: elsewhere.token }, deps);
    expect(revocation).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining(`not to ${ownEmail}`), fieldErrors: { liveToken: [expect.any(String)] } } });
    for (const secret of [STOREFRONT, 'Storefront', elsewhereEmail]) expect(revocation.ok ? '' : revocation.error.message).not.toContain(secret);
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: ownRecord.id } })).toMatchObject({ status: 'active' });
    expect(ownToken(TOOLS, environmentsOf(TOOLS)[5]!)?.value).toBe(own.token);
    // The admin, who may read the other record, is told precisely whose token it is.
    const precise = await recordAndPushToken(admin, input(own.machineUserId, elsewhere.token, environmentsOf(TOOLS).slice(6, 7)), deps);
    expect(precise).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining(`belongs to ${elsewhereEmail}`) } });
    for (const form of encodingsOf(elsewhere.token)) expect(await databaseText(db)).not.toContain(form);
  });

  it('flags, from the inventory, the environments whose variable Keywarden did not push and the children that inherit it (issue 14.6)', async () => {
    const { machineUserId, token } = await activeMachineUser(CHECKOUT);
    const view = await getMachineUserTokens(admin, machineUserId);
    if (!view.ok) throw new Error(view.error.message);
    const foreign = Object.fromEntries(view.data.environments.map((environment) => [environment.id, environment.foreignVariable]));
    // Set by hand on main, inheritable: staging and the four branches inherit it (the seed).
    expect(foreign.main).toEqual({ isInheritable: true, inheritedBy: ['feature-cart', 'feature-search', 'fix-login', 'hotfix-vat', 'staging'], unknown: [], hasProjectVariable: false, seenAt: expect.any(String) });
    expect(Object.entries(foreign).filter(([, variable]) => variable !== null).map(([id]) => id)).toEqual(['main']);
    expect(view.data.minRotateBy).toBe(new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));

    // Once this machine user's token is there, the variable is Keywarden's: no longer flagged.
    expect(await recordAndPushToken(admin, input(machineUserId, token, ['main'], { confirmReplace: ['main'] }), deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const after = await getMachineUserTokens(admin, machineUserId);
    expect(after.ok && after.data.environments.find((environment) => environment.id === 'main')?.foreignVariable).toBeNull();
  });

  it('replaces a variable Keywarden did not push only after an explicit confirmation (R8)', async () => {
    const { machineUserId, token } = await activeMachineUser(STOREFRONT);
    const foreign = ownToken(STOREFRONT, 'main')!.value;
    const refused = await recordAndPushToken(admin, input(machineUserId, token, ['main']), deps);
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', fieldErrors: { confirmReplace: ['main'] } } });
    expect(ownToken(STOREFRONT, 'main')!.value).toBe(foreign);
    expect(await db.apiToken.count({ where: { machineUserId } })).toBe(0);
    const confirmed = await recordAndPushToken(admin, input(machineUserId, token, ['main'], { confirmReplace: ['main'] }), deps);
    expect(confirmed).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    expect(ownToken(STOREFRONT, 'main')!.value).toBe(token);
    expect(await db.pushStep.findFirstOrThrow({ where: { environmentId: 'main', run: { machineUserId } } })).toMatchObject({ operation: 'update', replacedForeign: true });
  });

  it('survives 429, 5xx, a hang, a reset and apply-then-drop across ten environments: one variable each, resumable with the same token only', async () => {
    const { machineUserId, token } = await activeMachineUser(STOREFRONT);
    const targets = environmentsOf(STOREFRONT).filter((id) => id !== 'main').slice(0, 10);
    expect(targets).toHaveLength(10);
    const envPath = (environmentId: string) => `/projects/${STOREFRONT}/environments/${environmentId}/variables`;
    sim.faults.add({ method: 'POST', path: envPath(targets[0]!), kind: 'too-many-requests', retryAfter: 1, count: 1 });
    sim.faults.add({ method: 'POST', path: envPath(targets[1]!), kind: 'status', status: 500, count: 1 });
    sim.faults.add({ method: 'POST', path: envPath(targets[2]!), kind: 'apply-then-drop', count: 1 });
    sim.faults.add({ method: 'POST', path: envPath(targets[3]!), kind: 'hang', count: 1 });
    sim.faults.add({ method: 'POST', path: envPath(targets[4]!), kind: 'reset', count: 1 });
    sim.faults.add({ method: 'POST', path: envPath(targets[5]!), kind: 'status', status: 503, count: 4 });
    // Nine failed attempts in a burst: more than the breaker's five in a row, now that a step's first
    // attempt sends no read of its own between them. Each fault's handling is what this test is about
    // (the breaker has its own tests), so the breaker here tolerates the burst.
    deps = { ...deps, dashboard: client(undefined, { timeoutMs: 1000, breaker: { failureThreshold: 20 } }) };

    const first = await recordAndPushToken(admin, input(machineUserId, token, targets), deps);
    expect(first).toMatchObject({ ok: true, data: { status: 'partial' } });
    const runId = first.ok ? first.data.runId : '';
    const steps = Object.fromEntries((await db.pushStep.findMany({ where: { runId } })).map((step) => [step.environmentId, step.status]));
    expect(steps[targets[0]!]).toBe('succeeded'); // 429 retried after Retry-After
    expect(steps[targets[1]!]).toBe('failed'); // 500 not applied: the read says so
    expect(steps[targets[2]!]).toBe('succeeded'); // applied, answer dropped: the read says so
    expect(steps[targets[3]!]).toBe('failed'); // hang: never applied
    expect(['failed', 'succeeded']).toContain(steps[targets[4]!]); // reset before the answer
    expect(steps[targets[5]!]).toBe('failed'); // 503 after every retry
    for (const environmentId of targets.slice(6)) expect(steps[environmentId]).toBe('succeeded');

    // Resume: another token is refused; the same token runs only the unfinished steps.
    const other = sim.store.issueApiToken(sim.store.findUserByEmail((await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).email)!.id, 'other').token;
    expect(await resumePush(admin, { runId, token: other }, deps)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const postsBefore = sim.requestLog.find('POST', /\/variables$/).length + sim.requestLog.find('PATCH', /\/variables\//).length;
    const resumed = await resumePush(admin, { runId, token }, deps);
    expect(resumed).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const unfinished = Object.values(steps).filter((status) => status !== 'succeeded').length;
    const writes = sim.requestLog.find('POST', /\/variables$/).length + sim.requestLog.find('PATCH', /\/variables\//).length - postsBefore;
    expect(writes).toBe(unfinished);
    for (const environmentId of targets) {
      const variables = [...sim.store.projects.get(STOREFRONT)!.environments.get(environmentId)!.variables.values()].filter((variable) => variable.name === CLI_TOKEN_VARIABLE);
      expect(variables, environmentId).toHaveLength(1);
      expect(variables[0]!.value).toBe(token);
    }
    expect(await db.pushRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'succeeded', activeMachineUserId: null });
    for (const form of encodingsOf(token)) expect(await databaseText(db)).not.toContain(form);
  });

  it('lets exactly one of ten simultaneous pushes for a machine user run (R6)', async () => {
    const { machineUserId, token } = await activeMachineUser(PORTAL);
    // Long enough that the winner is still running when the last of the others reaches the database,
    // even on a loaded machine (with a client that waits for it).
    deps = { ...deps, dashboard: client(undefined, { timeoutMs: 10_000 }) };
    sim.faults.add({ method: 'POST', path: VARIABLES, kind: 'latency', ms: 4000 });
    const userId = sim.store.findUserByEmail((await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).email)!.id;
    const tokens = [token, ...Array.from({ length: 9 }, (_, index) => sim.store.issueApiToken(userId, `parallel ${index}`).token)];
    // An environment no other test pushes to (another machine user's variable would need a confirmation).
    const results = await Promise.all(tokens.map((value) => recordAndPushToken(admin, input(machineUserId, value, environmentsOf(PORTAL).slice(3, 4)), deps)));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.error.code === 'conflict')).toHaveLength(9);
    expect(await db.pushRun.count({ where: { machineUserId } })).toBe(1);
  });

  it('a push whose process died is closed as interrupted once its heartbeat stops, and resumes with the same token without a duplicate', async () => {
    const { machineUserId, token } = await activeMachineUser(TOOLS);
    const targets = environmentsOf(TOOLS).slice(0, 2);
    const first = await recordAndPushToken(admin, input(machineUserId, token, targets), deps);
    expect(first).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const runId = first.ok ? first.data.runId : '';
    // What a crash during the second step leaves: the run still "running" and holding the machine
    // user's slot, its step in flight — and the write had in fact reached Platform.sh.
    const crashed = { status: 'running' as const, activeMachineUserId: machineUserId, finishedAt: null };
    await db.pushRun.update({ where: { id: runId }, data: { ...crashed, heartbeatAt: new Date() } });
    await db.pushStep.updateMany({ where: { runId, environmentId: targets[1] }, data: { status: 'in_progress' } });

    // While the heartbeat is fresh, the run is someone's: nothing is closed, a new push is refused.
    expect(await closeInterruptedRuns(db, { machineUserId })).toBe(0);
    const other = sim.store.issueApiToken(sim.store.findUserByEmail((await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).email)!.id, 'other').token;
    expect(await recordAndPushToken(admin, input(machineUserId, other, targets.slice(0, 1)), deps)).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // Once the heartbeat is older than the limit, reading the machine user's tokens closes it.
    await db.pushRun.update({ where: { id: runId }, data: { heartbeatAt: new Date(Date.now() - INTERRUPTED_AFTER_MS - 1000) } });
    const view = await getMachineUserTokens(admin, machineUserId);
    const run = view.ok ? view.data.runs.find((candidate) => candidate.id === runId) : undefined;
    expect(run).toMatchObject({ status: 'partial' });
    expect(run?.steps.find((step) => step.environmentId === targets[1])).toMatchObject({ status: 'unknown' });
    expect(await db.pushRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ activeMachineUserId: null });
    expect(await db.auditEvent.count({ where: { targetId: machineUserId, action: 'token.push_interrupted', details: { path: ['step'], equals: 'interrupted' } } })).toBe(1);
    expect(await closeInterruptedRuns(db, { machineUserId })).toBe(0);

    // Resume reads first: the variable is there, so it is updated in place, never created twice.
    const createsBefore = sim.requestLog.find('POST', new RegExp(`/environments/${targets[1]}/variables$`)).length;
    // Platform.sh is slow to answer that read; meanwhile someone opens the page (a reader closes
    // interrupted runs): the resumed run is running, with a fresh heartbeat, and is left alone (issue 14.4).
    sim.faults.add({ method: '*', path: `/projects/${TOOLS}/environments/${targets[1]}/variables/**`, kind: 'latency', ms: 1500, count: 1 });
    const resumedAt = await lastAuditSeq(db);
    const resumed = resumePush(admin, { runId, token }, deps);
    await vi.waitFor(async () => expect(await db.pushRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'running' }), { timeout: 5_000 });
    expect(await closeInterruptedRuns(db, { machineUserId })).toBe(0);
    expect(await resumed).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    expect((await auditEventsSince(db, resumedAt)).map((event) => event.action)).toEqual(['token.resume', 'token.push']);
    expect(sim.requestLog.find('POST', new RegExp(`/environments/${targets[1]}/variables$`))).toHaveLength(createsBefore);
    const variables = [...sim.store.projects.get(TOOLS)!.environments.get(targets[1]!)!.variables.values()].filter((variable) => variable.name === CLI_TOKEN_VARIABLE);
    expect(variables.map((variable) => variable.value)).toEqual([token]);
  });

  it('shows drift the next sync sees (variable gone, disabled), and nothing before it (R7)', async () => {
    const { machineUserId, token } = await activeMachineUser(TOOLS);
    // Environments no other test pushes to.
    const targets = environmentsOf(TOOLS).slice(2, 4);
    expect(await recordAndPushToken(admin, input(machineUserId, token, targets), deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const driftOfView = async () => {
      const view = await getMachineUserTokens(admin, machineUserId);
      return view.ok ? view.data.tokens[0]!.drift.map(({ environmentId, problems }) => ({ environmentId, problems })) : undefined;
    };
    sim.store.driftDeleteVariable(TOOLS, targets[0]!, CLI_TOKEN_VARIABLE);
    sim.store.driftUpdateVariable(TOOLS, targets[1]!, CLI_TOKEN_VARIABLE, { is_enabled: false });
    // Not seen until a sync reads the projects again.
    expect(await driftOfView()).toEqual([]);
    // The sync reads every project: on a loaded machine a read can outlast this file's 1 s deadline
    // (meant for the hang tests), which made the run partial now and then. Give it the default.
    const sync = await runSync(db, client(undefined, { timeoutMs: 15_000 }), { full: true });
    const failures = await db.syncFailure.findMany({ where: { runId: sync.runId } });
    expect({ status: sync.outcome.status, failures }).toEqual({ status: 'succeeded', failures: [] });
    expect(await driftOfView()).toEqual(
      expect.arrayContaining([
        { environmentId: targets[0], problems: ['the variable is gone'] },
        { environmentId: targets[1], problems: ['disabled'] },
      ]),
    );
    expect(await driftOfView()).toHaveLength(2);
    // Shown, not fixed: Platform.sh still has what the drift left.
    expect(ownToken(TOOLS, targets[0]!)).toBeUndefined();
  });

  it('finds a leaked token by fingerprint, and audits the lookup without keeping the string', async () => {
    const { machineUserId, token } = await activeMachineUser(PORTAL);
    expect(await recordAndPushToken(admin, input(machineUserId, token, environmentsOf(PORTAL).slice(4, 5)), deps)).toMatchObject({ ok: true });
    const found = await lookupToken(admin, { token }, KEY);
    expect(found).toMatchObject({ ok: true, data: { match: { machineUser: { id: machineUserId }, project: { id: PORTAL }, lastFour: token.slice(-4) } } });
    const unknown = await lookupToken(admin, { token: 'kw_not_a_known_token_0123456789' }, KEY);
    expect(unknown).toMatchObject({ ok: true, data: { match: null } });
    expect(await db.auditEvent.count({ where: { action: 'token.lookup' } })).toBeGreaterThanOrEqual(2);
    const text = await databaseText(db);
    for (const form of [...encodingsOf(token), ...encodingsOf('kw_not_a_known_token_0123456789')]) expect(text).not.toContain(form);
  });

  it('refuses a reviewer and an onboarder of another project, and audits the refusal', async () => {
    const { machineUserId, token } = await activeMachineUser(PORTAL);
    const reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
    const onboarder = contextFor(await createUser(db, { role: 'onboarder' }), [STOREFRONT]);
    for (const context of [reviewer, onboarder]) {
      expect(await recordAndPushToken(context, input(machineUserId, token, environmentsOf(PORTAL).slice(0, 1)), deps)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await db.apiToken.count({ where: { machineUserId } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: 'token.record', outcome: 'refused', targetId: machineUserId } })).toBe(2);
    for (const form of encodingsOf(token)) expect(await databaseText(db)).not.toContain(form);
  });

  it('rotates: the new token replaces the old everywhere, the old is deleted on Platform.sh with the new identity and superseded', async () => {
    const { machineUserId, userId, token } = await activeMachineUser(PORTAL);
    const targets = environmentsOf(PORTAL).slice(5, 6);
    const first = await recordAndPushToken(admin, input(machineUserId, token, targets), deps);
    expect(first).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const oldRecord = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    const fresh = sim.store.issueApiToken(userId, 'rotated').token;
    const seq = await lastAuditSeq(db);
    const rotated = await rotateToken(admin, { oldTokenId: oldRecord.id, runId: crypto.randomUUID(), token: fresh, name: 'rotated' }, deps);
    expect(rotated).toMatchObject({ ok: true, data: { status: 'succeeded', message: expect.stringContaining('deleted on Platform.sh') } });
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => event.action)).toEqual(['token.rotate', 'token.push', 'token.supersede']);
    expect(events[2]!.details).toMatchObject({ tokenId: oldRecord.id, tokenLabel: `cron on production …${token.slice(-4)}` });
    for (const environmentId of targets) expect(ownToken(PORTAL, environmentId)?.value).toBe(fresh);
    expect([...sim.store.apiTokens.values()].some((record) => record.token === token)).toBe(false);
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: oldRecord.id } })).toMatchObject({ status: 'superseded', supersededById: rotated.ok ? rotated.data.tokenId : '' });
    const view = await getMachineUserTokens(admin, machineUserId);
    const byStatus = Object.fromEntries((view.ok ? view.data.tokens : []).map((record) => [record.status, record.environments]));
    expect(byStatus).toEqual({ active: [...targets].sort(), superseded: [] });
    for (const form of [...encodingsOf(token), ...encodingsOf(fresh)]) expect(await databaseText(db)).not.toContain(form);
  });

  it('keeps the machine user’s Platform.sh token list as last seen: a token made by hand shows without a record, a deleted one leaves', async () => {
    const { machineUserId, userId, token } = await activeMachineUser(TOOLS);
    const before = await getMachineUserTokens(admin, machineUserId);
    expect(before.ok && before.data.remote).toEqual({ seenAt: null, tokens: [] });
    const byHand = sim.store.issueApiToken(userId, 'made by hand');
    expect(await recordAndPushToken(admin, input(machineUserId, token, environmentsOf(TOOLS).slice(4, 5)), deps)).toMatchObject({ ok: true });
    const oldRecord = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    const seen = await getMachineUserTokens(admin, machineUserId);
    if (!seen.ok) throw new Error(seen.error.message);
    expect(seen.data.remote.seenAt).not.toBeNull();
    expect(Object.fromEntries(seen.data.remote.tokens.map((remote) => [remote.name, remote.record?.id ?? null]))).toEqual({ cron: oldRecord.id, 'made by hand': null });
    expect(seen.data.remote.tokens.find((remote) => remote.name === 'made by hand')).toMatchObject({ platformshTokenId: byHand.id, lastUsedAt: null });

    // The rotation reads the list with the new token (the old one's "last used" moves on its record),
    // then deletes the old token on Platform.sh: it leaves the list.
    const fresh = sim.store.issueApiToken(userId, 'rotated').token;
    expect(await rotateToken(admin, { oldTokenId: oldRecord.id, runId: crypto.randomUUID(), token: fresh, name: 'rotated' }, deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const after = await getMachineUserTokens(admin, machineUserId);
    if (!after.ok) throw new Error(after.error.message);
    expect(after.data.remote.tokens.map((remote) => remote.name).sort()).toEqual(['made by hand', 'rotated']);
    expect(after.data.remote.tokens.find((remote) => remote.name === 'rotated')?.record).toMatchObject({ name: 'rotated', status: 'active' });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: oldRecord.id } })).lastUsedAt).not.toBeNull();
  });

  it('a rotation run reads as running until its old token is deleted and superseded: a poller never sees "succeeded" with the old one active', async () => {
    const { machineUserId, userId, token } = await activeMachineUser(STOREFRONT);
    // The environment may hold an earlier test's token.
    const target = environmentsOf(STOREFRONT).slice(-2, -1);
    expect(await recordAndPushToken(admin, input(machineUserId, token, target, { confirmReplace: target }), deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const oldRecord = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    const fresh = sim.store.issueApiToken(userId, 'rotated').token;
    // The old token's deletion on Platform.sh is slow: the run is read while it is on the wire.
    sim.faults.add({ method: 'DELETE', path: `/users/${userId}/api-tokens/*`, kind: 'latency', ms: 1500, count: 1 });
    sim.requestLog.clear();
    const runId = crypto.randomUUID();
    const rotating = rotateToken(admin, { oldTokenId: oldRecord.id, runId, token: fresh, name: 'rotated' }, deps);
    await until(() => sim.requestLog.find('DELETE', `/users/${userId}/api-tokens/${oldRecord.platformshTokenId}`).length > 0, 'the old token’s deletion', 10_000);
    expect(await db.pushRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'running' });
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: oldRecord.id } })).toMatchObject({ status: 'active' });
    expect(await rotating).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    expect(await db.pushRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'succeeded', activeMachineUserId: null });
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: oldRecord.id } })).toMatchObject({ status: 'superseded' });
  });

  it('a rotation stopped half-way says who holds which token, keeps the old one active, and resumes with the new token', async () => {
    const { machineUserId, userId, token } = await activeMachineUser(TOOLS);
    const targets = environmentsOf(TOOLS).slice(-2);
    expect(await recordAndPushToken(admin, input(machineUserId, token, targets), deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const oldRecord = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    const fresh = sim.store.issueApiToken(userId, 'rotated').token;
    sim.faults.add({ method: 'PATCH', path: `/projects/${TOOLS}/environments/${targets[1]}/variables/**`, kind: 'status', status: 400, count: 1 });
    const runId = crypto.randomUUID();
    const stopped = await rotateToken(admin, { oldTokenId: oldRecord.id, runId, token: fresh, name: 'rotated' }, deps);
    expect(stopped).toMatchObject({ ok: true, data: { status: 'partial', message: expect.stringContaining(`${targets[0]} hold the new token (…${fresh.slice(-4)})`) } });
    expect(stopped.ok && stopped.data.message).toContain(`${targets[1]} still hold the old one (…${token.slice(-4)})`);
    expect(ownToken(TOOLS, targets[1]!)?.value).toBe(token);
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: oldRecord.id } })).toMatchObject({ status: 'active' });
    expect(await resumePush(admin, { runId, token: fresh }, deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    expect(ownToken(TOOLS, targets[1]!)?.value).toBe(fresh);
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: oldRecord.id } })).toMatchObject({ status: 'superseded' });
  });

  it('marks a token compromised: its variables are deleted; without a live token the deletion on Platform.sh stays open; with it, the token is dead', async () => {
    const { machineUserId, token } = await activeMachineUser(PORTAL);
    const targets = environmentsOf(PORTAL).slice(-1);
    expect(await recordAndPushToken(admin, input(machineUserId, token, targets), deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    const record = await db.apiToken.findFirstOrThrow({ where: { machineUserId } });
    const plan = await getRevocationPlan(admin, record.id);
    expect(plan).toMatchObject({ ok: true, data: { variables: [{ projectId: PORTAL, environmentId: targets[0] }], alreadyDeletedOnPlatform: false } });

    const seq = await lastAuditSeq(db);
    const why = 'Printed in a public CI log on 3 March';
    const withoutToken = await markTokenCompromised(admin, { tokenId: record.id, deleteVariables: true, reason: why }, deps);
    expect(withoutToken).toMatchObject({ ok: true, data: { status: 'partial', openTasks: [expect.stringContaining('(the compromised one works until deleted)')] } });
    // The operation's own name, the reason given, and what was left open (issue 15 §6).
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome, event.reason?.slice(0, 20) ?? null])).toEqual([
      ['token.compromise', 'succeeded', why.slice(0, 20)],
      ['token.finish_revocation', 'failed', 'Delete the token “cr'],
    ]);
    expect(ownToken(PORTAL, targets[0]!)).toBeUndefined();
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: record.id } })).toMatchObject({ status: 'compromised', deletedOnPlatformAt: null });
    expect((await getRevocationPlan(admin, record.id)).ok && (await getRevocationPlan(admin, record.id))).toMatchObject({ data: { variables: [] } });

    // The compromised token itself is still live: it deletes itself.
    const withToken = await markTokenCompromised(admin, { tokenId: record.id, deleteVariables: true, liveToken: token }, deps);
    expect(withToken).toMatchObject({ ok: true, data: { status: 'done', openTasks: [] } });
    expect([...sim.store.apiTokens.values()].some((stored) => stored.token === token)).toBe(false);
    expect(sim.store.exchangeApiToken(token)).toBeUndefined();
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: record.id } })).deletedOnPlatformAt).not.toBeNull();
    for (const form of encodingsOf(token)) expect(await databaseText(db)).not.toContain(form);
  });
});
