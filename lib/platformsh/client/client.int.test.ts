// The client against the simulator over real HTTP: every method once, every request body checked
// against the OpenAPI excerpt, and the faults that matter for retries and unknown outcomes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodingsOf } from '@/lib/security/redact';
import { validateAgainstOpenApi } from '../openapi/validate';
import { startSimulator, type RunningSimulator } from '../simulator';
import { createPlatformshClient, type PlatformshClient, type PlatformshClientOptions } from './client';
import { BreakerRegistry } from './http';
import { rejection } from './test-support';

const VALUE = 'kw_canary_int_value_0123456789abcdef';
let sim: RunningSimulator;

/** Every API response the clients received (the auth server's aside), for the contract check. */
const responses: { method: string; path: string; status: number; body: string }[] = [];
const recordingFetch: NonNullable<PlatformshClientOptions['fetch']> = async (url, init) => {
  const response = await fetch(url, init);
  const { pathname, search } = new URL(url);
  if (pathname !== '/oauth2/token') responses.push({ method: init.method ?? 'GET', path: pathname + search, status: response.status, body: await response.clone().text() });
  return response;
};
let client: PlatformshClient;
const clients: PlatformshClient[] = [];

function make(apiToken: string, options: Partial<PlatformshClientOptions> = {}): PlatformshClient {
  const made = createPlatformshClient({
    apiUrl: sim.url,
    authUrl: sim.authUrl,
    apiToken,
    breakers: new BreakerRegistry(),
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    fetch: recordingFetch,
    ...options,
  });
  clients.push(made);
  return made;
}

beforeAll(async () => {
  sim = await startSimulator({ faults: true, activityDurationMs: 50 });
  const demo = sim.demo;
  if (!demo) throw new Error('demo seed expected');
  client = make(demo.dashboardToken);
});

afterAll(async () => {
  for (const made of clients) made.dispose();
  await sim.stop();
});

function demo() {
  if (!sim.demo) throw new Error('demo seed expected');
  return sim.demo;
}

/** Demo projects with no `env:PLATFORMSH_CLI_TOKEN` of their own (not the storefront, not the hand-set one). */
function plainProject(index: number): string {
  const plain = demo().projectIds.slice(1).filter((id) => id !== demo().handSetTokenProjectId);
  const id = plain[index];
  if (!id) throw new Error(`no plain project #${index}`);
  return id;
}

describe('every method against the simulator', () => {
  it('reads the organisation, its projects and environments', async () => {
    const me = await client.getCurrentUser();
    expect(me.username).toBe('keywarden-dashboard');
    const orgs = await client.listOrganizations();
    expect(orgs.map((o) => o.id)).toContain(demo().organizationId);

    const projects = await client.listOrganizationProjects(demo().organizationId);
    expect(projects.map((p) => p.id).sort()).toEqual([...demo().projectIds].sort());
    const first = projects[0];
    if (!first) throw new Error('no project');
    const titled = await client.listOrganizationProjects(demo().organizationId, { title: first.title });
    expect(titled.map((p) => p.id)).toContain(first.id);

    const project = await client.getProject(first.id);
    expect(project.title).toBe(first.title);
    const environments = await client.listEnvironments(first.id);
    expect(environments.length).toBeGreaterThanOrEqual(3);
    expect(environments.find((e) => e.isMain)?.type).toBe('production');
    expect((await client.getEnvironment(first.id, 'main')).id).toBe('main');
  });

  it('follows pagination across small pages', async () => {
    const paged = make(demo().dashboardToken, { pageSize: 2 });
    const projects = await paged.listOrganizationProjects(demo().organizationId);
    expect(projects).toHaveLength(demo().projectIds.length);
    expect(new Set(projects.map((p) => p.id)).size).toBe(projects.length);
  });

  it('lists, creates, reads, updates and deletes environment and project variables; follows the activity', async () => {
    const projectId = plainProject(0);
    const name = 'env:PLATFORMSH_CLI_TOKEN';
    expect((await client.listEnvironmentVariables(projectId, 'main')).map((v) => v.name)).toContain('env:APP_ENV');
    const created = await client.createEnvironmentVariable(projectId, 'main', { name, value: VALUE, isSensitive: true, isInheritable: false, isEnabled: true });
    const variable = await client.getEnvironmentVariable(projectId, 'main', name);
    expect(variable).toMatchObject({ name, level: 'environment', isSensitive: true, isInheritable: false, isEnabled: true });
    expect(JSON.stringify(variable)).not.toContain(VALUE);

    const activityId = created.activityIds[0];
    expect(activityId).toBeDefined();
    if (activityId) {
      expect((await client.getActivity(projectId, activityId)).id).toBe(activityId);
      expect((await client.getActivity(projectId, activityId, 'main')).environments).toContain('main');
    }
    const duplicate = await rejection(client.createEnvironmentVariable(projectId, 'main', { name, value: VALUE, isSensitive: true }));
    expect(duplicate.kind).toBe('conflict');
    await client.updateEnvironmentVariable(projectId, 'main', name, { value: VALUE, isEnabled: false });
    expect((await client.getEnvironmentVariable(projectId, 'main', name)).isEnabled).toBe(false);
    await client.deleteEnvironmentVariable(projectId, 'main', name);
    expect((await rejection(client.getEnvironmentVariable(projectId, 'main', name))).kind).toBe('not_found');

    expect((await client.listProjectVariables(projectId)).map((v) => v.name)).toContain('php:memory_limit');
    await client.createProjectVariable(projectId, { name: 'env:KW_TEST', value: VALUE, isSensitive: true });
    expect((await client.getProjectVariable(projectId, 'env:KW_TEST')).level).toBe('project');
    await client.updateProjectVariable(projectId, 'env:KW_TEST', { visibleBuild: false });
    expect((await client.getProjectVariable(projectId, 'env:KW_TEST')).visibleBuild).toBe(false);
    await client.deleteProjectVariable(projectId, 'env:KW_TEST');
  });

  it('manages project user access and reads a user’s project access', async () => {
    const projectId = plainProject(1);
    const bot = [...sim.store.users.values()].find((u) => u.username === 'storefront-deploy');
    if (!bot) throw new Error('seeded machine user missing');
    await client.grantUserAccess(projectId, bot.id, ['viewer']);
    expect((await rejection(client.grantUserAccess(projectId, bot.id, ['viewer']))).kind).toBe('conflict');
    expect((await client.getUserAccess(projectId, bot.id)).permissions).toEqual(['viewer']);
    await client.updateUserAccess(projectId, bot.id, ['viewer', 'production:admin']);
    expect((await client.listUserAccess(projectId)).find((a) => a.userId === bot.id)?.permissions.sort()).toEqual(['production:admin', 'viewer']);
    expect((await client.listUserProjectAccess(bot.id)).map((a) => a.projectId)).toContain(projectId);
    await client.removeUserAccess(projectId, bot.id);
    expect((await rejection(client.getUserAccess(projectId, bot.id))).kind).toBe('not_found');
  });

  it('creates, lists and cancels an invitation', async () => {
    const projectId = plainProject(2);
    const invitation = await client.createInvitation(projectId, { email: 'bots+new@example.com', role: 'viewer', permissions: [{ type: 'production', role: 'admin' }] });
    expect(invitation).toMatchObject({ email: 'bots+new@example.com', state: 'pending' });
    expect((await client.listInvitations(projectId)).map((i) => i.id)).toContain(invitation.id);
    await client.cancelInvitation(projectId, invitation.id);
  });

  it('lists, reads and deletes API tokens with a pasted machine-user token, and manages SSH keys', async () => {
    const bot = [...sim.store.users.values()].find((u) => u.username === 'storefront-deploy');
    if (!bot) throw new Error('seeded machine user missing');
    const pasted = 'kw_canary_pasted_machine_token_00112233';
    sim.store.issueApiToken(bot.id, 'Keywarden test', { value: pasted });
    const spare = sim.store.issueApiToken(bot.id, 'To delete');
    const asBot = make(pasted);
    const me = await asBot.getCurrentUser();
    expect(me.id).toBe(bot.id);
    const tokens = await asBot.listApiTokens(me.id);
    expect(tokens.map((t) => t.name)).toEqual(expect.arrayContaining(['Keywarden test', 'To delete']));
    expect(JSON.stringify(tokens)).not.toContain(pasted);
    const spareInfo = tokens.find((t) => t.name === 'To delete');
    if (!spareInfo) throw new Error('spare token not listed');
    expect((await asBot.getApiToken(me.id, spareInfo.id)).name).toBe('To delete');
    await asBot.deleteApiToken(me.id, spareInfo.id);
    expect((await asBot.listApiTokens(me.id)).map((t) => t.id)).not.toContain(spareInfo.id);
    expect(spare).toBeDefined();

    const key = await asBot.createSshKey({ value: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeywardenTestKeyOnly keywarden@test', title: 'ci' });
    expect(key.keyId).toEqual(expect.any(Number));
    await asBot.deleteSshKey(key.keyId);
  });

  it('sends only request bodies the OpenAPI excerpt accepts (and the log holds the canary: positive control)', () => {
    const bodies = sim.requestLog.entries.filter((e) => e.body !== '' && e.path !== '/oauth2/token');
    expect(bodies.length).toBeGreaterThan(5);
    for (const entry of bodies) {
      const result = validateAgainstOpenApi({ method: entry.method, path: entry.path, body: JSON.parse(entry.body), kind: 'request' });
      expect(result.errors, `${entry.method} ${entry.path}`).toEqual([]);
    }
    expect(sim.requestLog.entries.some((e) => e.body.includes(VALUE))).toBe(true);
  });

  it('receives only response bodies the OpenAPI excerpt describes, successes and errors alike', () => {
    const withBodies = responses.filter((response) => response.body !== '');
    let checked = 0;
    for (const response of withBodies) {
      const result = validateAgainstOpenApi({ method: response.method, path: response.path, status: response.status, body: JSON.parse(response.body), kind: 'response' });
      expect(result.errors, `${response.status} ${response.method} ${response.path}`).toEqual([]);
      if (result.checked) checked += 1;
    }
    // Most bodies have a schema in the excerpt (legacy endpoints declare only `default`).
    expect(checked).toBeGreaterThan(withBodies.length / 2);
    expect(new Set(withBodies.filter((response) => response.status < 300).map((response) => response.method + response.path.split('?')[0]!.split('/')[1])).size).toBeGreaterThan(3);
  });
});

describe('faults', () => {
  it('retries a 429 with Retry-After and a reset GET, then succeeds', async () => {
    sim.faults.add({ method: 'GET', path: '/users/me', kind: 'too-many-requests', retryAfter: 1, count: 1 });
    sim.faults.add({ method: 'GET', path: '/users/me', kind: 'reset', count: 1 });
    const started = Date.now();
    expect((await client.getCurrentUser()).username).toBe('keywarden-dashboard');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('fails fast on an absurd Retry-After', async () => {
    sim.faults.add({ method: 'GET', path: '/users/me', kind: 'too-many-requests', retryAfter: 86_400, count: 1 });
    expect((await rejection(client.getCurrentUser())).kind).toBe('rate_limited');
  });

  it('turns a hang into a timeout at the deadline', async () => {
    const quick = make(demo().dashboardToken, { timeoutMs: 300 });
    await quick.getCurrentUser();
    sim.faults.add({ method: 'GET', path: '/users/me', kind: 'hang', count: 1 });
    expect((await rejection(quick.getCurrentUser())).kind).toBe('timeout');
  });

  it('reports apply-then-drop on a create as unknown_outcome; a read shows it was applied', async () => {
    const projectId = plainProject(3);
    sim.faults.add({ method: 'POST', path: '/projects/{projectId}/environments/{environmentId}/variables', kind: 'apply-then-drop', count: 1 });
    const error = await rejection(client.createEnvironmentVariable(projectId, 'main', { name: 'env:KW_DROP', value: VALUE, isSensitive: true }));
    expect(error.kind).toBe('unknown_outcome');
    expect((await client.getEnvironmentVariable(projectId, 'main', 'env:KW_DROP')).isSensitive).toBe(true);
  });

  it('never lets an echoed request body reach the error text', async () => {
    const projectId = plainProject(4);
    sim.faults.add({ method: 'POST', path: '/projects/{projectId}/environments/{environmentId}/variables', kind: 'echo-body', status: 400, count: 1 });
    const error = await rejection(client.createEnvironmentVariable(projectId, 'main', { name: 'env:KW_ECHO', value: VALUE, isSensitive: true }));
    expect(error.kind).toBe('invalid');
    const texts = [error.message, String(error), JSON.stringify(error), error.userMessage];
    for (const secret of [VALUE, demo().dashboardToken]) for (const form of encodingsOf(secret)) for (const text of texts) expect(text).not.toContain(form);
  });

  it('opens the breaker after repeated 5xx and fails fast', async () => {
    const fragile = make(demo().dashboardToken, { retry: { maxAttempts: 1 }, breaker: { failureThreshold: 2, cooldownMs: 60_000 } });
    await fragile.getCurrentUser();
    sim.faults.add({ method: 'GET', path: '/users/me', kind: 'status', status: 502, count: 2 });
    await rejection(fragile.getCurrentUser());
    await rejection(fragile.getCurrentUser());
    expect(fragile.circuitState()).toBe('open');
    const before = sim.requestLog.entries.length;
    expect((await rejection(fragile.getCurrentUser())).kind).toBe('circuit_open');
    expect(sim.requestLog.entries.length).toBe(before);
  });
});
