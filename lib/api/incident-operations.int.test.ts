// REST API v1's incident response end to end through the route handlers, against the simulator over
// real HTTP, on PGlite and PostgreSQL: an admin's key plans an incident from a filter (Idempotency-Key
// replayed), lists and reads it page by page, dry-runs it, is refused a wrong typed confirmation,
// executes it (202, polled until finished) and reads the report — the variables gone on the
// simulator, the token deletions left as open tasks, the audit rows those of the dashboard. Every
// answer is checked against the OpenAPI document. Reviewers read and are refused every change,
// onboarders are refused even reading (each refusal audited, nothing changed); bad input is a 400
// problem, an unknown or malformed id a 404, no credential a 401.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, callEndpoint, type ApiAnswer, type ApiCall } from '@/lib/testing/api-client';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { createUser } from '@/lib/testing/fixtures';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { ensureProject, holdsVariable, seedPushedToken, seedRotatableMachineUser, variableValue } from '@/lib/testing/incidents';
import { auditEventsSince, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { OPENAPI_DOCUMENT } from '@/lib/testing/openapi';
import { setUpSandboxWorld } from '@/lib/testing/sandbox-world';
import type { Role } from '@/lib/roles';
import { OPERATIONS } from './operations';
import { settleBackgroundWork } from './write-operations';

const ENVIRONMENTS = [
  { id: 'main', type: 'production' as const },
  { id: 'staging', type: 'staging' as const },
  { id: 'dev-a', type: 'development' as const },
];

function call(operation: string, options: Pick<ApiCall, 'params' | 'key' | 'body' | 'rawBody' | 'headers' | 'query'> = {}): Promise<ApiAnswer> {
  return callEndpoint(OPERATIONS[operation]!, { ...options, address: '203.0.113.88' });
}

function expectProblem(answer: ApiAnswer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toBe('application/problem+json');
  expect(answer.json).toMatchObject({ status, code });
}

interface IncidentBody {
  id: string;
  name: string;
  state: string;
  tokens: number;
  variables: number;
  items: { token: { id: string }; variables: { environment_id: string }[]; dry_run: { state: string }[] | null }[];
  next_cursor: string | null;
  report: { open_tasks: unknown[] } | null;
  selection: Record<string, unknown>;
}

describe.each(TEST_DATABASE_KINDS)('REST API v1 incident response on %s', (kind) => {
  const world = setUpSandboxWorld(kind);
  const keys: Partial<Record<Role, string>> = {};

  beforeAll(async () => {
    // The API uses the process's dashboard client: made from this world's sandbox endpoint.
    delete (globalThis as { keywardenDashboardClient?: unknown }).keywardenDashboardClient;
    for (const projectId of ['api-inc-a', 'api-inc-b']) await ensureProject(world.db, world.sim, projectId, ENVIRONMENTS);
    const admin = await world.db.user.findUniqueOrThrow({ where: { id: world.admin.actor.id } });
    keys.admin = await apiKeyFor({ ...admin, role: 'admin' });
    keys.reviewer = await apiKeyFor(await createUser(world.db, { role: 'reviewer' }));
    keys.onboarder = await apiKeyFor(await createUser(world.db, { role: 'onboarder', projectIds: ['api-inc-a'] }), ['api-inc-a']);
  });

  afterAll(async () => {
    await settleBackgroundWork();
    const holder = globalThis as { keywardenDashboardClient?: { dispose(): void } };
    holder.keywardenDashboardClient?.dispose();
    delete holder.keywardenDashboardClient;
  });

  it('is in the OpenAPI document under Incidents', () => {
    const paths = OPENAPI_DOCUMENT.paths as Record<string, Record<string, { operationId: string; tags: string[] }>>;
    expect(paths['/api/v1/incidents']?.get?.operationId).toBe('listIncidents');
    expect(paths['/api/v1/incidents']?.post?.operationId).toBe('createIncident');
    expect(paths['/api/v1/incidents/{id}']?.get?.operationId).toBe('getIncident');
    expect(paths['/api/v1/incidents/{id}/report']?.get?.operationId).toBe('getIncidentReport');
    expect(paths['/api/v1/incidents/{id}/dry-run']?.post?.operationId).toBe('dryRunIncident');
    expect(paths['/api/v1/incidents/{id}/execute']?.post?.tags).toEqual(['Incidents']);
    expect(paths['/api/v1/incidents/{id}/resume']?.post?.operationId).toBe('resumeIncident');
  });

  it('plans, lists, reads, dry-runs, executes with the typed confirmation and reports, as an admin’s key', async () => {
    const key = keys.admin!;
    const seeded = [];
    for (const projectId of ['api-inc-a', 'api-inc-b']) {
      seeded.push(await seedPushedToken(world.db, world.sim, { projectId, ownerId: world.admin.actor.id, environments: [ENVIRONMENTS[0]!, ENVIRONMENTS[2]!], purpose: 'ci_tests' }));
      seeded.push(await seedPushedToken(world.db, world.sim, { projectId, ownerId: world.admin.actor.id, environments: [ENVIRONMENTS[1]!], purpose: 'backups' }));
    }
    const seq = await lastAuditSeq(world.db);

    // Plan, with an Idempotency-Key: the retry gets the first answer and plans nothing more.
    const body = { name: 'CI provider breach', reason: 'vendor notice', filter: { purpose: 'ci_tests', recorded_before: '2999-01-01' } };
    const idempotencyKey = randomUUID();
    const created = await call('createIncident', { key, body, headers: { 'idempotency-key': idempotencyKey } });
    expect(created.status, created.text).toBe(201);
    const incident = created.json as IncidentBody;
    expect(created.headers.get('location')).toBe(`/api/v1/incidents/${incident.id}`);
    expect(incident).toMatchObject({ name: 'CI provider breach', state: 'planned', tokens: 2, variables: 4, selection: { purpose: 'ci_tests', recorded_before: '2999-01-01', all: false }, report: null });
    expect(incident.items.map((item) => item.token.id).sort()).toEqual([seeded[0]!.token.id, seeded[2]!.token.id].sort());
    const replay = await call('createIncident', { key, body, headers: { 'idempotency-key': idempotencyKey } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((replay.json as IncidentBody).id).toBe(incident.id);
    expect(await world.db.incident.count({ where: { name: 'CI provider breach' } })).toBe(1);

    // The list and the items, page by page with the cursor.
    const listed = await call('listIncidents', { key, query: { limit: '1' } });
    expect(listed.status).toBe(200);
    expect(listed.json).toMatchObject({ data: [{ id: incident.id, state: 'planned', tokens: 2 }] });
    const firstItems = await call('getIncident', { key, params: { id: incident.id }, query: { limit: '1' } });
    const first = firstItems.json as IncidentBody;
    expect(first.items).toHaveLength(1);
    expect(first.next_cursor).not.toBeNull();
    const second = (await call('getIncident', { key, params: { id: incident.id }, query: { cursor: first.next_cursor! } })).json as IncidentBody;
    expect(second.items).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    expect(new Set([first.items[0]!.token.id, second.items[0]!.token.id]).size).toBe(2);

    // No report yet; no execution before the dry run.
    expectProblem(await call('getIncidentReport', { key, params: { id: incident.id } }), 409, 'conflict');
    expectProblem(await call('executeIncident', { key, params: { id: incident.id }, body: { confirm_name: 'CI provider breach' } }), 409, 'conflict');

    const dryRun = await call('dryRunIncident', { key, params: { id: incident.id } });
    expect(dryRun.status, dryRun.text).toBe(200);
    expect(dryRun.json).toMatchObject({ summary: { present: 4, absent: 0, unreadable: 0 } });
    expect((dryRun.json as { incident: IncidentBody }).incident.items.every((item) => item.dry_run?.every((reading) => reading.state === 'present'))).toBe(true);
    for (const token of [seeded[0]!, seeded[2]!]) expect(holdsVariable(world.sim, token.machineUser.projectId, 'main')).toBe(true);

    // The typed confirmation, as a field: wrong, then right.
    const wrong = await call('executeIncident', { key, params: { id: incident.id }, body: { confirm_name: 'CI provider' } });
    expectProblem(wrong, 400, 'invalid_input');
    expect((wrong.json as { field_errors: Record<string, string[]> }).field_errors.confirm_name).toBeDefined();
    expect((await world.db.incident.findUniqueOrThrow({ where: { id: incident.id } })).status).toBe('planned');

    const executed = await call('executeIncident', { key, params: { id: incident.id }, body: { confirm_name: 'CI provider breach' } });
    expect(executed.status, executed.text).toBe(202);
    expect(executed.headers.get('location')).toBe(`/api/v1/incidents/${incident.id}`);
    await settleBackgroundWork();
    const finished = (await call('getIncident', { key, params: { id: incident.id } })).json as IncidentBody;
    expect(finished.state).toBe('finished');
    expectProblem(await call('executeIncident', { key, params: { id: incident.id }, body: { confirm_name: 'CI provider breach' } }), 409, 'conflict');
    expectProblem(await call('resumeIncident', { key, params: { id: incident.id } }), 409, 'conflict');

    const report = await call('getIncidentReport', { key, params: { id: incident.id } });
    expect(report.status).toBe(200);
    // Every variable gone; the two tokens still to delete on Platform.sh (no live token): open tasks.
    expect(report.json).toMatchObject({ tokens: 2, projects: 2, variables_planned: 4, variables_deleted: 4, variables_remaining: 0, tokens_to_delete_on_platform: 2 });
    expect((report.json as { open_tasks: { tasks: string[] }[] }).open_tasks).toHaveLength(2);
    for (const token of [seeded[0]!, seeded[2]!]) {
      expect(holdsVariable(world.sim, token.machineUser.projectId, 'main')).toBe(false);
      expect(holdsVariable(world.sim, token.machineUser.projectId, 'dev-a')).toBe(false);
    }
    // The backups tokens were not selected: untouched.
    for (const token of [seeded[1]!, seeded[3]!]) expect(holdsVariable(world.sim, token.machineUser.projectId, 'staging')).toBe(true);

    const actions = (await auditEventsSince(world.db, seq)).filter((event) => event.action.startsWith('incident.')).map((event) => [event.action, event.outcome]);
    expect(actions).toEqual([
      ['incident.create', 'succeeded'],
      ['incident.execute', 'refused'],
      ['incident.dry_run', 'succeeded'],
      ['incident.execute', 'invalid'],
      ['incident.execute', 'succeeded'],
      ['incident.report', 'failed'],
      ['incident.execute', 'refused'],
      ['incident.execute', 'refused'],
    ]);
  }, 120_000);

  it('lets a reviewer read and refuses every change; refuses an onboarder even the reading; audits each refusal and changes nothing', async () => {
    await seedPushedToken(world.db, world.sim, { projectId: 'api-inc-b', ownerId: world.admin.actor.id, environments: [ENVIRONMENTS[0]!], purpose: 'custom' });
    const created = await call('createIncident', { key: keys.admin!, body: { name: 'Roles', filter: { project_id: 'api-inc-b', purpose: 'custom' } } });
    expect(created.status, created.text).toBe(201);
    const id = (created.json as IncidentBody).id;
    const before = await snapshotTables(world.db, ['audit_events', 'audit_refusal_windows', 'audit_chain_checkpoints', 'api_keys', 'login_throttles', 'findings', 'finding_runs', 'idempotency_keys']);
    const seq = await lastAuditSeq(world.db);

    const reviewer = keys.reviewer!;
    expect((await call('listIncidents', { key: reviewer })).status).toBe(200);
    expect((await call('getIncident', { key: reviewer, params: { id } })).status).toBe(200);
    expectProblem(await call('getIncidentReport', { key: reviewer, params: { id } }), 409, 'conflict');
    expectProblem(await call('createIncident', { key: reviewer, body: { name: 'Nope', filter: { all: true } } }), 403, 'forbidden');
    expectProblem(await call('dryRunIncident', { key: reviewer, params: { id } }), 403, 'forbidden');
    expectProblem(await call('executeIncident', { key: reviewer, params: { id }, body: { confirm_name: 'Roles' } }), 403, 'forbidden');
    expectProblem(await call('resumeIncident', { key: reviewer, params: { id } }), 403, 'forbidden');

    const onboarder = keys.onboarder!;
    expectProblem(await call('listIncidents', { key: onboarder }), 403, 'forbidden');
    expectProblem(await call('getIncident', { key: onboarder, params: { id } }), 403, 'forbidden');
    expectProblem(await call('getIncidentReport', { key: onboarder, params: { id } }), 403, 'forbidden');
    expectProblem(await call('createIncident', { key: onboarder, body: { name: 'Nope', filter: { project_id: 'api-inc-a' } } }), 403, 'forbidden');
    expectProblem(await call('executeIncident', { key: onboarder, params: { id }, body: { confirm_name: 'Roles' } }), 403, 'forbidden');

    // No credential at all.
    expectProblem(await call('listIncidents'), 401, 'unauthenticated');
    expectProblem(await call('executeIncident', { params: { id }, body: { confirm_name: 'Roles' } }), 401, 'unauthenticated');

    const refusals = (await auditEventsSince(world.db, seq)).filter((event) => event.action.startsWith('incident.')).map((event) => [event.action, event.outcome]);
    expect(refusals).toEqual([
      ['incident.plan', 'refused'],
      ['incident.plan', 'refused'],
      ['incident.execute', 'refused'],
      ['incident.execute', 'refused'],
      ['incident.read', 'refused'],
      ['incident.read', 'refused'],
      ['incident.read', 'refused'],
      ['incident.plan', 'refused'],
      ['incident.execute', 'refused'],
    ]);
    expect(await snapshotTables(world.db, ['audit_events', 'audit_refusal_windows', 'audit_chain_checkpoints', 'api_keys', 'login_throttles', 'findings', 'finding_runs', 'idempotency_keys'])).toEqual(before);
    expect(holdsVariable(world.sim, 'api-inc-b', 'main')).toBe(true);
  }, 60_000);

  it('resumes an interrupted incident now (202), running only what is left', async () => {
    const key = keys.admin!;
    const seeded = await seedPushedToken(world.db, world.sim, { projectId: 'api-inc-a', ownerId: world.admin.actor.id, environments: [ENVIRONMENTS[1]!], purpose: 'source_operations' });
    const created = await call('createIncident', { key, body: { name: 'Interrupted', filter: { project_id: 'api-inc-a', purpose: 'source_operations' } } });
    expect(created.status, created.text).toBe(201);
    const id = (created.json as IncidentBody).id;
    expect((await call('dryRunIncident', { key, params: { id } })).status).toBe(200);
    // What a crash right after the execution was claimed leaves: running, nothing done, the heartbeat stale.
    const admin = await world.db.user.findUniqueOrThrow({ where: { id: world.admin.actor.id } });
    await world.db.incident.update({ where: { id }, data: { status: 'running', startedAt: new Date(), startedById: admin.id, heartbeatAt: new Date(Date.now() - 120_000) } });
    expect(((await call('getIncident', { key, params: { id } })).json as IncidentBody).state).toBe('interrupted');

    const seq = await lastAuditSeq(world.db);
    const resumed = await call('resumeIncident', { key, params: { id } });
    expect(resumed.status, resumed.text).toBe(202);
    expect(resumed.headers.get('location')).toBe(`/api/v1/incidents/${id}`);
    await settleBackgroundWork();
    expect(((await call('getIncident', { key, params: { id } })).json as IncidentBody).state).toBe('finished');
    expect(holdsVariable(world.sim, seeded.machineUser.projectId, 'staging')).toBe(false);
    const actions = (await auditEventsSince(world.db, seq)).filter((event) => event.action.startsWith('incident.')).map((event) => [event.action, event.outcome]);
    expect(actions).toEqual([
      ['incident.resume', 'succeeded'],
      ['incident.report', 'failed'],
    ]);
  }, 60_000);

  it('plans and executes a bulk rotation with a bootstrap per machine user (202, polled): fresh tokens in place, old tokens and bootstraps deleted; a wrong bootstrap refuses it all; no value answered', async () => {
    const key = keys.admin!;
    await ensureProject(world.db, world.sim, 'api-rot', ENVIRONMENTS);
    const fingerprintKey = getSecrets(getConfig()).fingerprint;
    const first = await seedRotatableMachineUser(world.db, world.sim, { projectId: 'api-rot', ownerId: world.admin.actor.id, purpose: 'ci_tests', tokens: [[ENVIRONMENTS[0]!], [ENVIRONMENTS[2]!]], fingerprintKey });
    const second = await seedRotatableMachineUser(world.db, world.sim, { projectId: 'api-rot', ownerId: world.admin.actor.id, purpose: 'ci_tests', tokens: [[ENVIRONMENTS[1]!]], fingerprintKey });
    const answers: string[] = [];
    const remembered = async (answer: Promise<ApiAnswer>) => {
      const settled = await answer;
      answers.push(settled.text);
      return settled;
    };

    const created = await remembered(call('createIncident', { key, body: { kind: 'rotation', name: 'Rotate CI', filter: { project_id: 'api-rot', purpose: 'ci_tests' } } }));
    expect(created.status, created.text).toBe(201);
    const id = (created.json as IncidentBody).id;
    expect(created.json).toMatchObject({ kind: 'rotation', state: 'planned', tokens: 3 });
    expect((await remembered(call('dryRunIncident', { key, params: { id } }))).status).toBe(200);

    const bootstraps = { [first.machineUser.id]: world.sim.store.issueApiToken(first.userId, 'bootstrap').token, [second.machineUser.id]: world.sim.store.issueApiToken(second.userId, 'bootstrap').token };
    // The first machine user's bootstrap offered for the second: refused, and nothing runs.
    const wrong = await remembered(call('executeIncident', { key, params: { id }, body: { confirm_name: 'Rotate CI', bootstraps: { ...bootstraps, [second.machineUser.id]: bootstraps[first.machineUser.id]! } } }));
    expectProblem(wrong, 400, 'invalid_input');
    expect(Object.keys((wrong.json as { field_errors: Record<string, string[]> }).field_errors)).toEqual([`bootstraps.${second.machineUser.id}`]);
    expect((await world.db.incident.findUniqueOrThrow({ where: { id } })).status).toBe('planned');

    const seq = await lastAuditSeq(world.db);
    const executed = await remembered(call('executeIncident', { key, params: { id }, body: { confirm_name: 'Rotate CI', bootstraps } }));
    expect(executed.status, executed.text).toBe(202);
    expect(executed.headers.get('location')).toBe(`/api/v1/incidents/${id}`);
    await settleBackgroundWork();
    const report = await remembered(call('getIncidentReport', { key, params: { id } }));
    expect(report.status, report.text).toBe(200);
    expect(report.json).toMatchObject({ kind: 'rotation', tokens: 3, rotated: 3, not_rotated: 0, variables_planned: 3, variables_verified: 3, old_tokens_deleted: 3, bootstraps_deleted: 2 });

    // On Platform.sh: each environment holds a fresh token of its own machine user; the old tokens and the bootstraps are gone.
    for (const [seeded, environments] of [[first, [ENVIRONMENTS[0]!, ENVIRONMENTS[2]!]], [second, [ENVIRONMENTS[1]!]]] as const) {
      for (const environment of environments) {
        const value = variableValue(world.sim, 'api-rot', environment.id);
        const remote = [...world.sim.store.apiTokens.values()].find((token) => token.token === value);
        expect(remote?.userId).toBe(seeded.userId);
        expect(seeded.tokens.some((token) => token.value === value)).toBe(false);
      }
      for (const token of seeded.tokens) expect(world.sim.store.apiTokens.has(token.platformshTokenId)).toBe(false);
    }
    for (const value of Object.values(bootstraps)) expect([...world.sim.store.apiTokens.values()].some((token) => token.token === value)).toBe(false);
    expect((await auditEventsSince(world.db, seq)).filter((event) => event.action === 'incident.execute').map((event) => event.outcome)).toEqual(['succeeded']);

    // No value, pasted or minted, in any answer.
    const values = [...Object.values(bootstraps), ...[first, second].flatMap((seeded) => seeded.tokens.map((token) => token.value)), ...ENVIRONMENTS.map((environment) => variableValue(world.sim, 'api-rot', environment.id)!)];
    for (const answer of answers) for (const value of values) expect(answer).not.toContain(value);
  }, 120_000);

  it('resumes an interrupted bulk rotation only with bootstrap tokens again; a revocation takes none', async () => {
    const key = keys.admin!;
    await ensureProject(world.db, world.sim, 'api-rot-resume', ENVIRONMENTS);
    const seeded = await seedRotatableMachineUser(world.db, world.sim, { projectId: 'api-rot-resume', ownerId: world.admin.actor.id, purpose: 'backups', tokens: [[ENVIRONMENTS[2]!]], fingerprintKey: getSecrets(getConfig()).fingerprint });
    const created = await call('createIncident', { key, body: { kind: 'rotation', name: 'Rotate again', filter: { project_id: 'api-rot-resume' } } });
    expect(created.status, created.text).toBe(201);
    const id = (created.json as IncidentBody).id;
    expect((await call('dryRunIncident', { key, params: { id } })).status).toBe(200);
    // What a stop right after the claim leaves: running, nothing done, the heartbeat stale.
    await world.db.incident.update({ where: { id }, data: { status: 'running', startedAt: new Date(), startedById: world.admin.actor.id, heartbeatAt: new Date(Date.now() - 120_000) } });

    const bare = await call('resumeIncident', { key, params: { id } });
    expectProblem(bare, 400, 'invalid_input');
    expect(Object.keys((bare.json as { field_errors: Record<string, string[]> }).field_errors)).toEqual(['bootstraps']);
    // A reviewer is refused by role first, as for any incident.
    expectProblem(await call('resumeIncident', { key: keys.reviewer!, params: { id }, body: { bootstraps: {} } }), 403, 'forbidden');

    const bootstrap = world.sim.store.issueApiToken(seeded.userId, 'bootstrap').token;
    const resumed = await call('resumeIncident', { key, params: { id }, body: { bootstraps: { [seeded.machineUser.id]: bootstrap } } });
    expect(resumed.status, resumed.text).toBe(202);
    await settleBackgroundWork();
    expect(((await call('getIncidentReport', { key, params: { id } })).json as { rotated: number }).rotated).toBe(1);
    expect(seeded.tokens[0]!.value).not.toBe(variableValue(world.sim, 'api-rot-resume', ENVIRONMENTS[2]!.id));

    // A revocation's execute and resume take no bootstraps.
    await seedPushedToken(world.db, world.sim, { projectId: 'api-rot-resume', ownerId: world.admin.actor.id, environments: [ENVIRONMENTS[0]!], purpose: 'custom' });
    const revocation = await call('createIncident', { key, body: { name: 'Revoke custom', filter: { project_id: 'api-rot-resume', purpose: 'custom' } } });
    const revocationId = (revocation.json as IncidentBody).id;
    expect((await call('dryRunIncident', { key, params: { id: revocationId } })).status).toBe(200);
    const given = { [seeded.machineUser.id]: world.sim.store.issueApiToken(seeded.userId, 'stray').token };
    for (const answer of [
      await call('executeIncident', { key, params: { id: revocationId }, body: { confirm_name: 'Revoke custom', bootstraps: given } }),
      await call('resumeIncident', { key, params: { id: revocationId }, body: { bootstraps: given } }),
    ]) {
      expectProblem(answer, 400, 'invalid_input');
      expect(Object.keys((answer.json as { field_errors: Record<string, string[]> }).field_errors)).toEqual(['bootstraps']);
    }
    expect((await world.db.incident.findUniqueOrThrow({ where: { id: revocationId } })).status).toBe('planned');
  }, 120_000);

  it('answers bad input with 400 problems and an unknown or malformed id with 404', async () => {
    const key = keys.admin!;
    const unbounded = await call('createIncident', { key, body: { name: 'Everything?', filter: {} } });
    expectProblem(unbounded, 400, 'invalid_input');
    expect(Object.keys((unbounded.json as { field_errors: Record<string, string[]> }).field_errors)).toEqual(['filter.all']);
    const nothing = await call('createIncident', { key, body: { name: 'Nothing', filter: { project_id: 'api-inc-a', recorded_before: '2000-01-01' } } });
    expectProblem(nothing, 400, 'invalid_input');
    expectProblem(await call('createIncident', { key, body: { name: 'Typo', filter: { purpose: 'mining' } } }), 400, 'invalid_input');
    expectProblem(await call('createIncident', { key, body: { name: 'Extra', filter: { all: true }, dry: true } }), 400, 'invalid_input');
    expectProblem(await call('createIncident', { key, body: { name: '', filter: { all: true } } }), 400, 'invalid_input');
    expectProblem(await call('createIncident', { key, rawBody: '{"name":' }), 400, 'invalid_input');
    expectProblem(await call('createIncident', { key, rawBody: '{}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
    expectProblem(await call('listIncidents', { key, query: { cursor: 'nonsense' } }), 400, 'invalid_input');
    expectProblem(await call('listIncidents', { key, query: { limit: '1000' } }), 400, 'invalid_input');
    expectProblem(await call('executeIncident', { key, params: { id: randomUUID() }, body: {} }), 400, 'invalid_input');

    expectProblem(await call('getIncident', { key, params: { id: randomUUID() } }), 404, 'not_found');
    expectProblem(await call('getIncident', { key, params: { id: 'not-a-uuid' } }), 404, 'not_found');
    expectProblem(await call('getIncidentReport', { key, params: { id: randomUUID() } }), 404, 'not_found');
    expectProblem(await call('dryRunIncident', { key, params: { id: randomUUID() } }), 404, 'not_found');
    expectProblem(await call('executeIncident', { key, params: { id: randomUUID() }, body: { confirm_name: 'x' } }), 404, 'not_found');
    expectProblem(await call('resumeIncident', { key, params: { id: randomUUID() } }), 404, 'not_found');
  }, 60_000);
});
