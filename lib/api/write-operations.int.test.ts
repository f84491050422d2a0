// REST API v1's write operations end to end through their route handlers, against the simulator
// over real HTTP, on PGlite and PostgreSQL: the onboarding of a project as a script would do it
// (sync, invite, sandbox accept, a token from the simulator's Console, record + push, lookup, rotate,
// roles, compromised, offboard, the audit log), every answer checked against the OpenAPI document;
// refusals by role (a reviewer; an onboarder outside its projects) audited and changing nothing;
// revoked and expired keys; Idempotency-Key replay, reuse and concurrency; a partial push resumed;
// 503 without Platform.sh; fuzzed bodies (no 500, no echo); and the canary — token values sent in
// bodies appear in no answer, no audit row, no table.
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { createApiKey } from '@/lib/domain/api-keys';
import type { SyncJobData } from '@/lib/domain/inventory/requests';
import { runSyncJob } from '@/lib/domain/inventory/sync-job';
import { startJobQueue, type JobQueue } from '@/lib/jobs/queue';
import { CLI_TOKEN_VARIABLE } from '@/lib/platformsh';
import { encodingsOf } from '@/lib/security/redact';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, databaseText, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { machineEmail } from '@/lib/testing/machine-users';
import { callEndpoint, type ApiAnswer, type ApiCall } from '@/lib/testing/api-client';
import { pushedMachineUser, setUpSandboxWorld } from '@/lib/testing/sandbox-world';
import type { Role } from '@/lib/roles';
import { OPERATIONS } from './operations';
import { settleBackgroundWork } from './write-operations';

const TOOLS = 'w8c4qe2uxh9pd';
const STOREFRONT = 'k3v7rq2mhx4ta';

type Answer = ApiAnswer;

/** Every answer the tests saw: the canary scan reads them all. */
const answers: string[] = [];

/** An operation through its real route handler (answer checked against the document), remembered for the canary scan. */
async function call(operation: string, options: Pick<ApiCall, 'params' | 'key' | 'body' | 'rawBody' | 'headers'> = {}): Promise<Answer> {
  const answer = await callEndpoint(OPERATIONS[operation]!, { ...options, address: '203.0.113.77' });
  answers.push(answer.text, JSON.stringify([...answer.headers]));
  return answer;
}

function expectProblem(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toBe('application/problem+json');
  expect(answer.json).toMatchObject({ status, code });
}

/** The machine user creates a token on the simulator's Console page, as a curl script would (POST, read the <output>). */
async function tokenFromConsole(consoleUrl: string): Promise<string> {
  const response = await fetch(consoleUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=api-test' });
  expect(response.status).toBe(201);
  const token = /<output id="api-token"[^>]*>([^<]+)<\/output>/.exec(await response.text())?.[1];
  if (!token) throw new Error('no token on the Console page');
  return token;
}

describe.each(TEST_DATABASE_KINDS)('REST API v1 write operations on %s', (kind) => {
  const world = setUpSandboxWorld(kind, { faults: true });
  const keys: Partial<Record<Role, string>> = {};
  const emails: Partial<Record<Role, string>> = {};
  /** Token values sent in bodies: none may reach an answer, the audit log or a table. */
  const canaries: string[] = [];
  const environmentsOf = (projectId: string) => [...world.sim.store.projects.get(projectId)!.environments.keys()].sort();
  const variableOn = (projectId: string, environmentId: string) => world.sim.store.projects.get(projectId)!.environments.get(environmentId)!.variables.get(CLI_TOKEN_VARIABLE);

  async function keyOf(user: { id: string; email: string; role: Role }, projectIds: string[] = [], now?: Date, days = 30) {
    const created = await createApiKey(contextFor(user, projectIds), { name: `key ${randomBytes(3).toString('hex')}`, expires_in_days: days }, getSecrets(getConfig()).apiKey, now);
    if (!created.ok) throw new Error(JSON.stringify(created));
    return created.data;
  }

  /** The state of everything a refused call must leave alone. */
  const snapshot = () => snapshotTables(world.db, ['audit_events', 'audit_refusal_windows', 'audit_chain_checkpoints', 'api_keys', 'login_throttles', 'findings', 'finding_runs']);

  async function pollPush(location: string, key: string) {
    await settleBackgroundWork();
    const id = location.split('/').pop()!;
    const push = await call('getPush', { key, params: { id } });
    expect(push.status).toBe(200);
    return push.json as { id: string; status: string; steps: { environment_id: string; status: string }[] };
  }

  let queue: JobQueue;

  beforeAll(async () => {
    // "Sync now" enqueues a job: a real queue worker on this world's database executes it, as an
    // instance of the server would.
    queue = await startJobQueue({
      database: world.database,
      connectionString: world.database.migrationTarget.kind === 'postgresql' ? world.database.migrationTarget.url : undefined,
      handlers: { 'inventory-sync': (job) => runSyncJob(world.db, world.dashboard, { ...job, data: job.data as SyncJobData }, 60 * 60_000) },
      pollingIntervalSeconds: 0.5,
    });
    // The API uses the process's dashboard client: make it this world's simulator.
    delete (globalThis as { keywardenDashboardClient?: unknown }).keywardenDashboardClient;
    const admin = await world.db.user.findUniqueOrThrow({ where: { id: world.admin.actor.id } });
    const onboarder = await createUser(world.db, { role: 'onboarder', projectIds: [TOOLS] });
    const reviewer = await createUser(world.db, { role: 'reviewer' });
    keys.admin = (await keyOf({ ...admin, role: 'admin' })).key;
    keys.onboarder = (await keyOf(onboarder, [TOOLS])).key;
    keys.reviewer = (await keyOf(reviewer)).key;
    emails.admin = admin.email;
    emails.onboarder = onboarder.email;
  });

  afterAll(async () => {
    await queue?.stop();
    await settleBackgroundWork();
    const holder = globalThis as { keywardenDashboardClient?: { dispose(): void } };
    holder.keywardenDashboardClient?.dispose();
    delete holder.keywardenDashboardClient;
  });

  it('onboards a project as a script would: sync, invite, accept, record + push, lookup, rotate, roles, compromised, offboard, audit', async () => {
    const key = keys.admin!;
    const seq = await lastAuditSeq(world.db);

    // Sync: 202 and a run to poll.
    const sync = await call('startSync', { key, body: {}, headers: { 'idempotency-key': `sync-${randomUUID()}` } });
    expect(sync.status, sync.text).toBe(202);
    const syncLocation = sync.headers.get('location')!;
    expect(syncLocation).toBe(`/api/v1/syncs/${(sync.json as { id: string }).id}`);
    let state = 'running';
    for (let attempt = 0; attempt < 200 && state === 'running'; attempt += 1) {
      const polled = await call('getSync', { key, params: { id: syncLocation.split('/').pop()! } });
      state = (polled.json as { status: string }).status;
      if (state === 'running') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(state).toBe('succeeded');

    // Invite, with an Idempotency-Key: the retry gets the first answer and invites nobody else.
    const email = machineEmail('api');
    const inviteBody = { project_id: TOOLS, email, purpose: 'backups', owner_email: emails.admin, environment_type_roles: { staging: 'viewer' } };
    const idempotencyKey = randomUUID();
    const invited = await call('inviteMachineUser', { key, body: inviteBody, headers: { 'idempotency-key': idempotencyKey } });
    expect(invited.status, invited.text).toBe(201);
    const machineUser = (invited.json as { machine_user: { id: string; state: string; permissions: string[] }; outcome: string }).machine_user;
    expect(invited.json).toMatchObject({ outcome: 'invited', machine_user: { email, state: 'invited', project: { id: TOOLS } } });
    expect(machineUser.permissions.sort()).toEqual(['production:admin', 'staging:viewer', 'viewer']);
    expect(invited.headers.get('location')).toBe(`/api/v1/machine-users/${machineUser.id}`);
    const replayed = await call('inviteMachineUser', { key, body: inviteBody, headers: { 'idempotency-key': idempotencyKey } });
    expect(replayed.status).toBe(201);
    expect(replayed.text).toBe(invited.text);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.headers.get('location')).toBe(invited.headers.get('location'));
    expect(await world.db.machineUser.count({ where: { email } })).toBe(1);
    expectProblem(await call('inviteMachineUser', { key, body: { ...inviteBody, purpose: 'ci_tests' }, headers: { 'idempotency-key': idempotencyKey } }), 422, 'idempotency_key_reused');

    // Sandbox: the machine user accepts; the answer says where it creates its token.
    const accepted = await call('acceptInvitationInSandbox', { key, params: { id: machineUser.id } });
    expect(accepted.status, accepted.text).toBe(200);
    const { state: acceptedState, token_console_url: consoleUrl } = accepted.json as { state: string; token_console_url: string };
    expect(acceptedState).toBe('active');
    const token = await tokenFromConsole(consoleUrl);
    canaries.push(token);

    // Record + push: 202 with the record and the run; the push goes on, and is polled.
    const [first, second] = environmentsOf(TOOLS).slice(-2) as [string, string];
    const recordKey = randomUUID();
    const recordBody = { token, name: 'nightly backups', environments: [first, second], rotate_by: '2099-01-01' };
    const recorded = await call('recordToken', { key, params: { id: machineUser.id }, body: recordBody, headers: { 'idempotency-key': recordKey } });
    expect(recorded.status, recorded.text).toBe(202);
    const started = recorded.json as { token: { id: string; last_four: string; status: string }; push: { id: string; status: string } };
    expect(started.token).toMatchObject({ last_four: token.slice(-4), status: 'active' });
    expect(recorded.headers.get('location')).toBe(`/api/v1/pushes/${started.push.id}`);
    const pushed = await pollPush(recorded.headers.get('location')!, key);
    expect(pushed.status).toBe('succeeded');
    expect(pushed.steps.map((step) => step.environment_id).sort()).toEqual([first, second].sort());
    expect(variableOn(TOOLS, first)?.value).toBe(token);
    // The retry replays the 202 (the push is not run again, no second record).
    const again = await call('recordToken', { key, params: { id: machineUser.id }, body: recordBody, headers: { 'idempotency-key': recordKey } });
    expect(again.status).toBe(202);
    expect(again.text).toBe(recorded.text);
    expect(await world.db.apiToken.count({ where: { machineUserId: machineUser.id } })).toBe(1);
    expect(await world.db.pushRun.count({ where: { machineUserId: machineUser.id } })).toBe(1);

    // Lookup: the record, never stored.
    const found = await call('lookupToken', { key, body: { candidate: token } });
    expect(found.json).toMatchObject({ match: { id: started.token.id } });
    const unknown = `kwtest_${randomBytes(16).toString('hex')}`;
    canaries.push(unknown);
    expect((await call('lookupToken', { key, body: { candidate: unknown } })).json).toEqual({ match: null });

    // Rotate: a new token from the Console, 202, then the old one superseded.
    const fresh = await tokenFromConsole(consoleUrl);
    canaries.push(fresh);
    const rotated = await call('rotateToken', { key, params: { id: started.token.id }, body: { token: fresh }, headers: { 'idempotency-key': randomUUID() } });
    expect(rotated.status, rotated.text).toBe(202);
    const rotation = rotated.json as { token: { id: string; name: string } };
    expect(rotation.token.name).toBe('nightly backups');
    expect((await pollPush(rotated.headers.get('location')!, key)).status).toBe('succeeded');
    expect((await call('getToken', { key, params: { id: started.token.id } })).json).toMatchObject({ status: 'superseded' });
    expect(variableOn(TOOLS, second)?.value).toBe(fresh);

    // Roles: PATCH changes what is given, keeps the rest.
    const changed = await call('changeMachineUserRoles', { key, params: { id: machineUser.id }, body: { environment_type_roles: { development: 'viewer' } } });
    expect(changed.status, changed.text).toBe(200);
    expect((changed.json as { outcome: string; machine_user: { permissions: string[] } }).machine_user.permissions.sort()).toEqual(['development:viewer', 'production:admin', 'staging:viewer', 'viewer']);

    // Compromised: the plan first, then the execution with the live (compromised) token.
    const plan = await call('markTokenCompromised', { key, params: { id: rotation.token.id }, body: { dry_run: true } });
    expect(plan.json).toMatchObject({ dry_run: true, result: null, plan: { token_id: rotation.token.id, already_deleted_on_platform: false } });
    expect((plan.json as { plan: { variables: { environment_id: string }[] } }).plan.variables.map((variable) => variable.environment_id).sort()).toEqual([first, second].sort());
    expect((await world.db.apiToken.findUniqueOrThrow({ where: { id: rotation.token.id } })).status).toBe('active');
    const revoked = await call('markTokenCompromised', { key, params: { id: rotation.token.id }, body: { dry_run: false, reason: 'seen in a CI log', token: fresh } });
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.json).toMatchObject({ dry_run: false, result: { status: 'done', open_tasks: [] } });
    expect(variableOn(TOOLS, first)).toBeUndefined();

    // Offboard: DELETE without a body.
    const removed = await call('offboardMachineUser', { key, params: { id: machineUser.id } });
    expect(removed.status, removed.text).toBe(200);
    expect(removed.json).toMatchObject({ outcome: 'done', machine_user: { state: 'removed' } });

    // The audit log tells the story, by the key's user.
    const audit = await call('listAuditEvents', { key });
    expect(audit.status).toBe(200);
    const actions = (await auditEventsSince(world.db, seq)).filter((event) => event.actorId === world.admin.actor.id && event.outcome === 'succeeded').map((event) => event.action);
    for (const action of ['inventory.sync', 'machine_user.invite', 'machine_user.sandbox_accepted', 'token.record', 'token.push', 'token.lookup', 'token.rotate', 'token.supersede', 'machine_user.change_roles', 'token.compromise', 'machine_user.remove']) {
      expect(actions, action).toContain(action);
    }
  });

  it('refuses a reviewer every change and an onboarder outside its projects: audited, nothing changed', async () => {
    const { machineUserId, platformshUserId } = await pushedMachineUser(world, TOOLS, [], 'roles');
    const other = await pushedMachineUser(world, STOREFRONT, [], 'elsewhere');
    const token = world.sim.store.issueApiToken(platformshUserId, 'canary').token;
    canaries.push(token);
    const environment = environmentsOf(TOOLS).at(-1)!;
    const refusals: [Role, string, Parameters<typeof call>[1]][] = [
      ['reviewer', 'inviteMachineUser', { body: { project_id: TOOLS, email: machineEmail('rev'), purpose: 'ci_tests', owner_email: emails.admin } }],
      ['reviewer', 'recordToken', { params: { id: machineUserId }, body: { token, name: 'x', environments: [environment] } }],
      ['reviewer', 'changeMachineUserRoles', { params: { id: machineUserId }, body: { project_role: 'admin' } }],
      ['reviewer', 'offboardMachineUser', { params: { id: machineUserId } }],
      ['reviewer', 'startSync', { body: { full: true } }],
      ['onboarder', 'lookupToken', { body: { candidate: token } }],
      ['onboarder', 'inviteMachineUser', { body: { project_id: STOREFRONT, email: machineEmail('onb'), purpose: 'ci_tests', owner_email: emails.onboarder } }],
      ['onboarder', 'recordToken', { params: { id: other.machineUserId }, body: { token, name: 'x', environments: ['main'] } }],
      ['onboarder', 'changeMachineUserRoles', { params: { id: other.machineUserId }, body: { environment_type_roles: { production: 'viewer' } } }],
      ['onboarder', 'offboardMachineUser', { params: { id: other.machineUserId } }],
    ];
    for (const [role, operation, options] of refusals) {
      const before = await snapshot();
      const seq = await lastAuditSeq(world.db);
      const answer = await call(operation, { ...options, key: keys[role], headers: { 'idempotency-key': randomUUID() } });
      expectProblem(answer, 403, 'forbidden');
      expect(await snapshot(), `${role} ${operation}`).toEqual(before);
      const rows = await auditEventsSince(world.db, seq);
      expect(rows.some((row) => row.outcome === 'refused'), `${role} ${operation}: ${JSON.stringify(rows.map((row) => [row.action, row.outcome]))}`).toBe(true);
    }
    // A reviewer may read a plan; an onboarder's own project is its to change.
    const mine = await call('inviteMachineUser', { key: keys.onboarder, body: { project_id: TOOLS, email: machineEmail('onb'), purpose: 'ci_tests', owner_email: emails.onboarder } });
    expect(mine.status, mine.text).toBe(201);
    const withToken = await pushedMachineUser(world, TOOLS, [environmentsOf(TOOLS).at(-3)!], 'plan-holder');
    const tokenId = (await world.db.apiToken.findFirstOrThrow({ where: { machineUserId: withToken.machineUserId, status: 'active' } })).id;
    expect((await call('markTokenCompromised', { key: keys.reviewer, params: { id: tokenId }, body: { dry_run: true } })).status).toBe(200);
    const refusedExecution = await call('markTokenCompromised', { key: keys.reviewer, params: { id: tokenId }, body: { dry_run: false } });
    expectProblem(refusedExecution, 403, 'forbidden');
    expect((await world.db.apiToken.findUniqueOrThrow({ where: { id: tokenId } })).status).toBe('active');
  });

  it('resumes a partial push with the same token (202, polled), once per Idempotency-Key', async () => {
    const { machineUserId, platformshUserId } = await pushedMachineUser(world, TOOLS, [], 'resuming');
    const token = world.sim.store.issueApiToken(platformshUserId, 'resume').token;
    canaries.push(token);
    // Two environments with no variable yet: the push creates (POSTs) it, where the fault waits.
    const [first, second] = environmentsOf(TOOLS).filter((id) => id !== 'main' && !variableOn(TOOLS, id)) as [string, string];
    world.sim.faults.add({ method: 'POST', path: `/projects/${TOOLS}/environments/${second}/variables`, kind: 'status', status: 500, count: 1 });
    const recorded = await call('recordToken', { key: keys.admin, params: { id: machineUserId }, body: { token, name: 'resumable', environments: [first, second], replace_foreign: true } });
    expect(recorded.status, recorded.text).toBe(202);
    const location = recorded.headers.get('location')!;
    expect((await pollPush(location, keys.admin!)).status).toBe('partial');
    const runId = location.split('/').pop()!;

    const idempotencyKey = randomUUID();
    const resumed = await call('resumePush', { key: keys.admin, params: { id: runId }, body: { token }, headers: { 'idempotency-key': idempotencyKey } });
    expect(resumed.status, resumed.text).toBe(202);
    expect(resumed.headers.get('location')).toBe(location);
    const after = await pollPush(location, keys.admin!);
    expect(after.status).toBe('succeeded');
    expect(after.steps.every((step) => step.status === 'succeeded')).toBe(true);
    expect(variableOn(TOOLS, second)?.value).toBe(token);
    const writes = world.sim.requestLog.entries.length;
    const replayed = await call('resumePush', { key: keys.admin, params: { id: runId }, body: { token }, headers: { 'idempotency-key': idempotencyKey } });
    expect(replayed.text).toBe(resumed.text);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(world.sim.requestLog.entries.length).toBe(writes);
    // Without the key, a finished push has nothing to resume.
    expectProblem(await call('resumePush', { key: keys.admin, params: { id: runId }, body: { token } }), 409, 'conflict');
  });

  it('refuses revoked and expired keys with 401, before anything runs', async () => {
    const admin = await world.db.user.findUniqueOrThrow({ where: { id: world.admin.actor.id } });
    const expired = await keyOf({ ...admin, role: 'admin' }, [], new Date(Date.now() - 3 * 86_400_000), 1);
    const revoked = await keyOf({ ...admin, role: 'admin' });
    expect((await call('revokeApiKey', { key: keys.admin, params: { id: revoked.apiKey.id } })).status).toBe(200);
    const before = await world.db.machineUser.count();
    for (const key of [expired.key, revoked.key]) {
      expectProblem(await call('inviteMachineUser', { key, body: { project_id: TOOLS, email: machineEmail('dead'), purpose: 'ci_tests', owner_email: emails.admin } }), 401, 'unauthenticated');
      expectProblem(await call('startSync', { key }), 401, 'unauthenticated');
    }
    expect(await world.db.machineUser.count()).toBe(before);
  });

  it('runs two simultaneous requests with one Idempotency-Key once', async () => {
    const idempotencyKey = randomUUID();
    const email = machineEmail('twice');
    const body = { project_id: TOOLS, email, purpose: 'custom', owner_email: emails.admin, override_reason: 'a second custom machine user for this test' };
    const both = await Promise.all([0, 1].map(() => call('inviteMachineUser', { key: keys.admin, body, headers: { 'idempotency-key': idempotencyKey } })));
    const statuses = both.map((answer) => answer.status).sort();
    // One executed; the other waited its turn (the first answer, replayed) or was told it still runs.
    expect(statuses[0]).toBe(201);
    expect([201, 409]).toContain(statuses[1]);
    expect(await world.db.machineUser.count({ where: { email } })).toBe(1);
    // Another caller's same key is another key.
    const onboarders = await call('inviteMachineUser', { key: keys.onboarder, body: { ...body, email: machineEmail('twice'), override_reason: undefined, purpose: 'source_operations' }, headers: { 'idempotency-key': idempotencyKey } });
    expect(onboarders.status, onboarders.text).toBe(201);
    // A malformed key is refused before anything runs.
    expectProblem(await call('startSync', { key: keys.admin, headers: { 'idempotency-key': 'has spaces in it' } }), 400, 'invalid_input');
    // Stored: a digest, the answer; never a body.
    const rows = await world.db.idempotencyKey.findMany({ where: { key: idempotencyKey } });
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.requestDigest) && row.responseStatus === 201)).toBe(true);
  });

  it('answers bad token input with problems that never echo the value', async () => {
    const { machineUserId } = await pushedMachineUser(world, TOOLS, [], 'badinput');
    const canary = `kwcanary_${randomBytes(18).toString('hex')}`;
    canaries.push(canary);
    const environment = environmentsOf(TOOLS).at(-1)!;
    const cases = [
      { token: canary, name: 'x', environments: [environment], colour: canary },
      { token: `${canary} spaced`, name: 'x', environments: [environment] },
      { token: canary, name: 'x', environments: [environment], rotate_by: '2001-01-01' },
      { token: canary, name: 'x', environments: [] },
    ];
    for (const body of cases) {
      const answer = await call('recordToken', { key: keys.admin, params: { id: machineUserId }, body });
      expectProblem(answer, 400, 'invalid_input');
      expect(answer.text).not.toContain('kwcanary');
    }
    // A well-formed token of nobody: Platform.sh refuses it, and so does the answer, without echo.
    const refused = await call('recordToken', { key: keys.admin, params: { id: machineUserId }, body: { token: canary, name: 'x', environments: [environment] } });
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain('kwcanary');
    const resumed = await call('resumePush', { key: keys.admin, params: { id: randomUUID() }, body: { token: canary } });
    expectProblem(resumed, 403, 'forbidden');
    expect(await call('offboardMachineUser', { key: keys.admin, params: { id: machineUserId }, rawBody: 'revoke', headers: { 'content-type': 'text/plain' } })).toMatchObject({ status: 415 });
  });

  it('answers 503 without a connection to Platform.sh (a reviewer: 403 first), audited, nothing changed', async () => {
    const holder = globalThis as { keywardenDashboardClient?: { dispose(): void }; keywardenSandboxEndpoint?: unknown };
    const endpoint = holder.keywardenSandboxEndpoint;
    holder.keywardenDashboardClient?.dispose();
    delete holder.keywardenDashboardClient;
    delete holder.keywardenSandboxEndpoint;
    try {
      const before = await world.db.machineUser.count();
      const seq = await lastAuditSeq(world.db);
      const answer = await call('inviteMachineUser', { key: keys.admin, body: { project_id: TOOLS, email: machineEmail('offline'), purpose: 'ci_tests', owner_email: emails.admin } });
      expectProblem(answer, 503, 'unavailable');
      expect(answer.headers.get('retry-after')).toBe('60');
      expect(await world.db.machineUser.count()).toBe(before);
      expect((await auditEventsSince(world.db, seq)).map((row) => [row.action, row.outcome])).toEqual([['machine_user.invite', 'failed']]);
      // A reviewer may never invite: refused first (403, audited as a refusal), not told to retry.
      const refusedSeq = await lastAuditSeq(world.db);
      const refused = await call('inviteMachineUser', { key: keys.reviewer, body: { project_id: TOOLS, email: machineEmail('offline-rev'), purpose: 'ci_tests', owner_email: emails.admin } });
      expectProblem(refused, 403, 'forbidden');
      expect(await world.db.machineUser.count()).toBe(before);
      expect((await auditEventsSince(world.db, refusedSeq)).map((row) => [row.action, row.outcome])).toEqual([['machine_user.invite', 'refused']]);
    } finally {
      holder.keywardenSandboxEndpoint = endpoint;
    }
  });

  it('never answers 500 nor echoes input to fuzzed bodies', async () => {
    const { machineUserId } = await pushedMachineUser(world, TOOLS, [], 'fuzzing');
    const marker = fc.string({ minLength: 16, maxLength: 40 }).filter((text) => /^[A-Za-z0-9]+$/.test(text)).map((text) => `Q${text}Z`);
    const environment = environmentsOf(TOOLS).at(-1)!;
    await fc.assert(
      fc.asyncProperty(marker, fc.constantFrom('token', 'name', 'environments', 'rotate_by', 'replace_foreign', 'visible_build', 'extra'), fc.constantFrom('string', 'number', 'nested', 'array'), async (value, field, shape) => {
        canaries.push(value);
        const body: Record<string, unknown> = { token: value, name: 'fuzz', environments: [environment] };
        body[field] = shape === 'string' ? value : shape === 'number' ? -1 : shape === 'array' ? [value, value] : { [value]: value };
        const answer = await call('recordToken', { key: keys.admin, params: { id: machineUserId }, body });
        expect(answer.status).toBeLessThan(500);
        expect(answer.text).not.toContain(value);
      }),
      { numRuns: 20 },
    );
    await fc.assert(
      fc.asyncProperty(marker, fc.constantFrom('project_id', 'email', 'purpose', 'owner_email', 'environment_type_roles', 'override_reason', 'extra'), async (value, field) => {
        const body: Record<string, unknown> = { project_id: TOOLS, email: machineEmail('fuzz'), purpose: 'custom', owner_email: emails.admin, [field]: field === 'environment_type_roles' ? { production: value } : value };
        const answer = await call('inviteMachineUser', { key: keys.reviewer, body });
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.text).not.toContain(value);
      }),
      { numRuns: 15 },
    );
  });

  it('never lets a token value sent in a body reach an answer, the audit log or a table', async () => {
    expect(canaries.length).toBeGreaterThan(3);
    const everything = `${await databaseText(world.db)}\n${answers.join('\n')}`;
    for (const canary of canaries) {
      for (const encoding of encodingsOf(canary)) expect(everything.includes(encoding), `a form of …${canary.slice(-4)}`).toBe(false);
    }
  });
});
