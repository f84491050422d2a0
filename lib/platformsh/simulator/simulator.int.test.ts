// The simulator over real HTTP: auth, pagination, variables, access, invitations, API tokens.
// Every response (and every deliberate-or-not request body) goes through the OpenAPI excerpt in
// simulatorClient, so a shape the real API would not produce fails the test.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { secretFrom } from './ids';
import { DEMO_DASHBOARD_API_TOKEN, DEMO_HAND_SET_TOKEN_PROJECT_ID, seedLargeOrganisation } from './seed';
import { startSimulator, type RunningSimulator } from './server';
import { simulatorClient } from './test-client';

type Json = Record<string, unknown>;
const STOREFRONT = 'k3v7rq2mhx4ta';

let simulator: RunningSimulator;
let clock: ManualClock;
let client: ReturnType<typeof simulatorClient>;
let token: string;

beforeEach(async () => {
  clock = new ManualClock();
  simulator = await startSimulator({ clock, activityDurationMs: 10_000 });
  client = simulatorClient(simulator);
  token = await client.accessTokenFor(DEMO_DASHBOARD_API_TOKEN);
});

afterEach(async () => {
  await simulator.stop();
});

function dashboardTokenRecord() {
  return [...simulator.store.apiTokens.values()].find((record) => record.token === DEMO_DASHBOARD_API_TOKEN);
}

describe('auth server', () => {
  it('exchanges a valid API token for a bearer access token and moves last_used_at', async () => {
    const before = dashboardTokenRecord()?.lastUsedAt;
    clock.advance(60_000);
    const response = await client.exchange(DEMO_DASHBOARD_API_TOKEN);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: 'bearer', expires_in: 900, access_token: expect.any(String) });
    const after = dashboardTokenRecord()?.lastUsedAt;
    expect(after).toBe(new Date(clock.now()).toISOString());
    expect(after).not.toBe(before);

    const listed = await client.call('GET', '/users/me/api-tokens', { token });
    const record = (listed.body as Json[]).find((entry) => entry.name === 'Keywarden dashboard');
    expect(record?.last_used_at).toBe(after);
  });

  it('refuses an unknown token and a wrong client with OAuth-style errors', async () => {
    const unknown = await client.exchange('not-a-real-token');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    const wrongClient = await client.exchange(DEMO_DASHBOARD_API_TOKEN, 'someone-else:secret');
    expect(wrongClient.status).toBe(401);
    expect(wrongClient.body).toMatchObject({ error: 'invalid_client' });
  });

  it('answers 401 without a bearer, with an unknown one, and once the access token expired', async () => {
    expect((await client.call('GET', '/users/me')).status).toBe(401);
    expect((await client.call('GET', '/users/me', { token: 'forged' })).status).toBe(401);
    expect((await client.call('GET', '/users/me', { token })).status).toBe(200);
    clock.advance(901_000);
    const expired = await client.call('GET', '/users/me', { token });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: 'invalid_token' });
  });

  it('identifies the caller at /users/me', async () => {
    const me = await client.call('GET', '/users/me', { token });
    expect(me.body).toMatchObject({ username: 'keywarden-dashboard', deactivated: false });
  });
});

describe('organisations and projects', () => {
  it('seeds the demo organisation: ≥ 8 projects with 3–12 environments of every type', async () => {
    const organizations = await client.call('GET', '/organizations', { token });
    const organization = (organizations.body as { items: Json[] }).items[0];
    const projects = await client.call('GET', `/organizations/${String(organization?.id)}/projects`, { token });
    const items = (projects.body as { items: Json[]; count: number }).items;
    expect(items.length).toBeGreaterThanOrEqual(8);
    expect(items.map((item) => item.id)).toEqual(expect.arrayContaining([STOREFRONT, DEMO_HAND_SET_TOKEN_PROJECT_ID]));
    for (const item of items) {
      const environments = (await client.call('GET', `/projects/${String(item.id)}/environments`, { token })).body as Json[];
      expect(environments.length).toBeGreaterThanOrEqual(3);
      expect(environments.length).toBeLessThanOrEqual(12);
      expect(environments.find((environment) => environment.is_main)).toMatchObject({ id: 'main', type: 'production', parent: null });
      expect(environments.some((environment) => environment.type === 'staging')).toBe(true);
      expect(environments.some((environment) => environment.type === 'development')).toBe(true);
    }
    const storefrontEnvironments = (await client.call('GET', `/projects/${STOREFRONT}/environments`, { token })).body as Json[];
    expect(storefrontEnvironments.some((environment) => environment.status === 'inactive')).toBe(true);
  });

  it('shows the hand-set CLI token on production of one project, sensitive and valueless', async () => {
    const variable = await client.call('GET', `/projects/${DEMO_HAND_SET_TOKEN_PROJECT_ID}/environments/main/variables/env%3APLATFORMSH_CLI_TOKEN`, { token });
    expect(variable.status).toBe(200);
    expect(variable.body).toMatchObject({ name: 'env:PLATFORMSH_CLI_TOKEN', is_sensitive: true, created_at: '2021-11-17T15:42:00.000Z' });
    expect(variable.body).not.toHaveProperty('value');
  });

  it('walks every page through _links.next.href and filters by title', async () => {
    await simulator.stop();
    simulator = await startSimulator({ seed: (store) => void seedLargeOrganisation(store, { projects: 250, environmentsPerProject: 5 }) });
    client = simulatorClient(simulator);
    token = await client.accessTokenFor(DEMO_DASHBOARD_API_TOKEN);
    const organization = ((await client.call('GET', '/organizations', { token })).body as { items: Json[] }).items[0];
    const seen: string[] = [];
    let next: string | undefined = `/organizations/${String(organization?.id)}/projects?page[size]=100`;
    let pages = 0;
    while (next) {
      const page = (await client.call('GET', next, { token })).body as { items: Json[]; count: number; _links: { next?: { href: string } } };
      expect(page.count).toBe(250);
      seen.push(...page.items.map((item) => String(item.id)));
      next = page._links.next?.href;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(250);

    const tooBig = await client.call('GET', `/organizations/${String(organization?.id)}/projects?page[size]=101`, { token });
    expect(tooBig.status).toBe(400);
    const exact = await client.call('GET', `/organizations/${String(organization?.id)}/projects?filter[title]=Project%200042`, { token });
    expect((exact.body as { items: Json[] }).items.map((item) => item.title)).toEqual(['Project 0042']);
    const contains = await client.call('GET', `/organizations/${String(organization?.id)}/projects?filter[title][contains]=project%20001`, { token });
    expect((contains.body as { count: number }).count).toBe(10);
  });

  it('answers 404 for an unknown project and 403 for a project out of reach', async () => {
    const unknown = await client.call('GET', '/projects/doesnotexist0', { token });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: expect.any(String) });
    expect((await client.call('GET', '/projects/doesnotexist0/environments', { token })).status).toBe(404);
    const bob = simulator.demo?.humans.find((human) => human.user.username === 'bob');
    const bobToken = await client.accessTokenFor(bob?.apiToken ?? '');
    // Bob is a viewer on every other project only; the second demo project is not one of them.
    expect((await client.call('GET', `/projects/${STOREFRONT}`, { token: bobToken })).status).toBe(200);
    expect((await client.call('GET', '/projects/p9d2nw5lzc8ub', { token: bobToken })).status).toBe(403);
  });
});

describe('variables', () => {
  const collection = `/projects/${STOREFRONT}/environments/staging/variables`;
  const secret = 'canary-secret-value-0123456789';

  it('creates a sensitive variable, never returns its value, refuses duplicates and bad names', async () => {
    const created = await client.call('POST', collection, { token, body: { name: 'env:DEPLOY_KEY', value: secret, is_sensitive: true, is_inheritable: false } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'created', code: 201 });
    expect(JSON.stringify(created.body)).not.toContain(secret);

    const read = await client.call('GET', `${collection}/env%3ADEPLOY_KEY`, { token });
    expect(read.body).toMatchObject({ name: 'env:DEPLOY_KEY', is_sensitive: true, inherited: false });
    expect(read.body).not.toHaveProperty('value');
    const listed = await client.call('GET', collection, { token });
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const duplicate = await client.call('POST', collection, { token, body: { name: 'env:DEPLOY_KEY', value: 'x' } });
    expect(duplicate.status).toBe(409);
    for (const badName of ['env:BAD-NAME', 'has space', '1starts_with_digit', 'env:']) {
      const refused = await client.call('POST', collection, { token, body: { name: badName, value: 'x' } });
      expect(refused.status, badName).toBe(400);
    }
    const cannotUnseal = await client.call('PATCH', `${collection}/env%3ADEPLOY_KEY`, { token, body: { is_sensitive: false } });
    expect(cannotUnseal.status).toBe(400);
  });

  it('returns a redeploy activity that moves pending → in_progress → complete with the clock', async () => {
    const created = await client.call('POST', collection, { token, body: { name: 'env:FEATURE_FLAG', value: 'on' } });
    const activities = (created.body as { _embedded: { activities: Json[] } })._embedded.activities;
    expect(activities).toHaveLength(1);
    const activity = activities[0] as Json;
    expect(activity).toMatchObject({ state: 'pending', environments: ['staging'], completion_percent: 0 });
    const path = `/projects/${STOREFRONT}/environments/staging/activities/${String(activity.id)}`;
    clock.advance(5_000);
    expect((await client.call('GET', path, { token })).body).toMatchObject({ state: 'in_progress', result: null });
    clock.advance(5_000);
    expect((await client.call('GET', `/projects/${STOREFRONT}/activities/${String(activity.id)}`, { token })).body).toMatchObject({
      state: 'complete',
      result: 'success',
      completion_percent: 100,
    });
    // Only the changed environment redeploys, and an inactive one not at all.
    const inactive = await client.call('POST', `/projects/${STOREFRONT}/environments/fix-login/variables`, { token, body: { name: 'env:X', value: '1' } });
    expect((inactive.body as { _embedded: { activities: Json[] } })._embedded.activities).toEqual([]);
  });

  it('updates and deletes, and shows inheritable parent variables as inherited', async () => {
    await client.call('POST', `/projects/${STOREFRONT}/environments/main/variables`, { token, body: { name: 'env:SHARED', value: 'from-main', is_inheritable: true } });
    const inherited = await client.call('GET', `${collection}/env%3ASHARED`, { token });
    expect(inherited.body).toMatchObject({ inherited: true, value: 'from-main' });

    await client.call('POST', collection, { token, body: { name: 'env:LOCAL', value: 'one' } });
    const updated = await client.call('PATCH', `${collection}/env%3ALOCAL`, { token, body: { value: 'two', visible_build: false } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ status: 'updated' });
    expect((await client.call('GET', `${collection}/env%3ALOCAL`, { token })).body).toMatchObject({ value: 'two', visible_build: false });
    const deleted = await client.call('DELETE', `${collection}/env%3ALOCAL`, { token });
    expect(deleted.status).toBe(200);
    expect((await client.call('GET', `${collection}/env%3ALOCAL`, { token })).status).toBe(404);
    expect((await client.call('DELETE', `${collection}/env%3ALOCAL`, { token })).status).toBe(404);
  });

  it('manages project-level variables the same way', async () => {
    const path = `/projects/${STOREFRONT}/variables`;
    expect((await client.call('POST', path, { token, body: { name: 'env:PLATFORMSH_CLI_TOKEN', value: secret, is_sensitive: true } })).status).toBe(201);
    expect((await client.call('POST', path, { token, body: { name: 'env:PLATFORMSH_CLI_TOKEN', value: secret } })).status).toBe(409);
    const listed = await client.call('GET', path, { token });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect((listed.body as Json[]).map((variable) => variable.name)).toContain('env:PLATFORMSH_CLI_TOKEN');
    expect((await client.call('PATCH', `${path}/env%3APLATFORMSH_CLI_TOKEN`, { token, body: { value: 'rotated' } })).status).toBe(200);
    expect((await client.call('DELETE', `${path}/env%3APLATFORMSH_CLI_TOKEN`, { token })).status).toBe(200);
    expect((await client.call('GET', `${path}/env%3APLATFORMSH_CLI_TOKEN`, { token })).status).toBe(404);
  });

  it('sees out-of-band changes (drift) made behind its back', async () => {
    await client.call('POST', collection, { token, body: { name: 'env:DRIFTING', value: 'a' } });
    simulator.store.driftUpdateVariable(STOREFRONT, 'staging', 'env:DRIFTING', { value: 'b', is_enabled: false });
    expect((await client.call('GET', `${collection}/env%3ADRIFTING`, { token })).body).toMatchObject({ value: 'b', is_enabled: false });
    simulator.store.driftDeleteVariable(STOREFRONT, 'staging', 'env:DRIFTING');
    expect((await client.call('GET', `${collection}/env%3ADRIFTING`, { token })).status).toBe(404);
  });
});

describe('user access and invitations', () => {
  const access = `/projects/${STOREFRONT}/user-access`;

  it('grants, refuses a second grant, validates permissions, changes and removes access', async () => {
    const user = simulator.store.addUser({ username: 'bot-backups', email: 'bots+backups@example.com' });
    const grant = await client.call('POST', access, { token, body: [{ user_id: user.id, permissions: ['viewer', 'production:admin'] }] });
    expect(grant.status).toBe(204);
    expect((await client.call('POST', access, { token, body: [{ user_id: user.id, permissions: ['viewer'] }] })).status).toBe(409);
    for (const wrong of [['owner'], ['production:owner'], ['preview:admin'], []]) {
      const other = simulator.store.addUser({ username: `other-${wrong.join()}`, email: `other-${wrong.length}-${Math.random()}@example.com` });
      const refused = await client.call('POST', access, { token, body: [{ user_id: other.id, permissions: wrong }], isInvalidRequestOnPurpose: true });
      expect(refused.status, JSON.stringify(wrong)).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    const one = await client.call('GET', `${access}/${user.id}`, { token });
    expect(one.body).toMatchObject({ user_id: user.id, project_id: STOREFRONT, permissions: ['viewer', 'production:admin'] });
    expect((await client.call('PATCH', `${access}/${user.id}`, { token, body: { permissions: ['viewer', 'staging:contributor'] } })).status).toBe(204);
    const projectAccess = await client.call('GET', `/users/${user.id}/project-access`, { token });
    expect((projectAccess.body as { items: Json[] }).items).toEqual([expect.objectContaining({ project_id: STOREFRONT, permissions: ['viewer', 'staging:contributor'] })]);
    const badPatch = await client.call('PATCH', `${access}/${user.id}`, { token, body: { permissions: ['root'] }, isInvalidRequestOnPurpose: true });
    expect(badPatch.status).toBe(400);
    expect((await client.call('DELETE', `${access}/${user.id}`, { token })).status).toBe(204);
    expect((await client.call('GET', `${access}/${user.id}`, { token })).status).toBe(404);
    const listed = await client.call('GET', access, { token });
    expect((listed.body as { items: Json[] }).items.map((item) => item.user_id)).not.toContain(user.id);
  });

  it('reflects a change of access made out of band', async () => {
    const user = simulator.store.addUser({ username: 'drift-bot', email: 'drift-bot@example.com' });
    await client.call('POST', access, { token, body: [{ user_id: user.id, permissions: ['viewer'] }] });
    simulator.store.driftSetUserAccess(STOREFRONT, user.id, ['admin']);
    expect((await client.call('GET', `${access}/${user.id}`, { token })).body).toMatchObject({ permissions: ['admin'] });
    simulator.store.driftSetUserAccess(STOREFRONT, user.id, null);
    expect((await client.call('GET', `${access}/${user.id}`, { token })).status).toBe(404);
  });

  it('invites, refuses a second pending invitation unless forced, accepts and cancels', async () => {
    const path = `/projects/${STOREFRONT}/invitations`;
    const body = { email: 'bots+shop-backups@example.com', role: 'viewer', permissions: [{ type: 'production', role: 'admin' }], force: false };
    const first = await client.call('POST', path, { token, body });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ state: 'pending', role: 'viewer', email: body.email, project_id: STOREFRONT });
    expect((await client.call('POST', path, { token, body })).status).toBe(409);
    const forced = await client.call('POST', path, { token, body: { ...body, force: true } });
    expect(forced.status).toBe(201);
    const cancelled = await client.call('GET', `${path}?filter[state]=cancelled`, { token });
    expect((cancelled.body as Json[]).map((invitation) => invitation.id)).toEqual([(first.body as Json).id]);
    const badRole = await client.call('POST', path, { token, body: { ...body, email: 'x@example.com', permissions: [{ type: 'production', role: 'owner' }] }, isInvalidRequestOnPurpose: true });
    expect(badRole.status).toBe(400);

    const { user } = simulator.store.acceptInvitation(String((forced.body as Json).id));
    const granted = await client.call('GET', `/projects/${STOREFRONT}/user-access/${user.id}`, { token });
    expect(granted.body).toMatchObject({ permissions: ['viewer', 'production:admin'] });
    expect((await client.call('GET', path, { token })).body).toEqual([]);
    const accepted = await client.call('GET', `${path}?filter[state]=accepted`, { token });
    expect((accepted.body as Json[])[0]).toMatchObject({ state: 'accepted', finished_at: expect.any(String) });
    // Already a member now: a new invitation is a conflict.
    expect((await client.call('POST', path, { token, body: { ...body, force: true } })).status).toBe(409);

    const another = await client.call('POST', path, { token, body: { email: 'someone@example.com', role: 'admin' } });
    const id = String((another.body as Json).id);
    expect((await client.call('DELETE', `${path}/${id}`, { token })).status).toBe(204);
    expect((await client.call('GET', `${path}?filter[state]=cancelled`, { token })).body).toEqual(expect.arrayContaining([expect.objectContaining({ id, state: 'cancelled' })]));
    expect((await client.call('DELETE', `${path}/${id}`, { token })).status).toBe(400);
  });
});

describe('API tokens and SSH keys', () => {
  it('returns the plaintext token only at creation; it authenticates until deleted', async () => {
    const me = (await client.call('GET', '/users/me', { token })).body as Json;
    const created = await client.call('POST', `/users/${String(me.id)}/api-tokens`, { token, body: { name: 'rotation-1' } });
    expect(created.status).toBe(201);
    const createdBody = created.body as Json;
    expect(createdBody.token).toEqual(expect.any(String));
    expect(createdBody.last_used_at).toBeNull();
    const plaintext = String(createdBody.token);

    const listed = await client.call('GET', `/users/${String(me.id)}/api-tokens`, { token });
    expect(JSON.stringify(listed.body)).not.toContain(plaintext);
    expect((listed.body as Json[]).every((entry) => !('token' in entry))).toBe(true);
    const one = await client.call('GET', `/users/${String(me.id)}/api-tokens/${String(createdBody.id)}`, { token });
    expect(one.body).not.toHaveProperty('token');
    expect((await client.call('POST', `/users/${String(me.id)}/api-tokens`, { token, body: { name: 'rotation-1' } })).status).toBe(409);

    expect((await client.exchange(plaintext)).status).toBe(200);
    expect((await client.call('DELETE', `/users/${String(me.id)}/api-tokens/${String(createdBody.id)}`, { token })).status).toBe(204);
    expect((await client.exchange(plaintext)).status).toBe(400);
    expect((await client.call('GET', `/users/${String(me.id)}/api-tokens/${String(createdBody.id)}`, { token })).status).toBe(404);
  });

  it('plays a Platform.sh that refuses token creation to an API-token session (403, nothing made), and hands out set values (issue 18.2)', async () => {
    const me = (await client.call('GET', '/users/me', { token })).body as Json;
    const count = () => [...simulator.store.apiTokens.values()].filter((record) => record.userId === me.id).length;
    const before = count();
    simulator.store.tokenCreation = 'refused';
    expect((await client.call('POST', `/users/${String(me.id)}/api-tokens`, { token, body: { name: 'minted' } })).status).toBe(403);
    expect(count()).toBe(before);
    simulator.store.tokenCreation = 'allowed';
    const chosen = `chosen-${secretFrom()}`;
    simulator.store.nextCreatedTokenValues.push(chosen);
    const created = await client.call('POST', `/users/${String(me.id)}/api-tokens`, { token, body: { name: 'minted' } });
    expect(created.status).toBe(201);
    expect((created.body as Json).token).toBe(chosen);
    expect(simulator.store.nextCreatedTokenValues).toEqual([]);
    expect((await client.exchange(chosen)).status).toBe(200);
  });

  it("refuses 403 on another user's tokens", async () => {
    const alice = simulator.demo?.humans.find((human) => human.user.username === 'alice')?.user;
    expect((await client.call('GET', `/users/${String(alice?.id)}/api-tokens`, { token })).status).toBe(403);
    expect((await client.call('POST', `/users/${String(alice?.id)}/api-tokens`, { token, body: { name: 'sneaky' } })).status).toBe(403);
    const aliceToken = [...simulator.store.apiTokens.values()].find((record) => record.userId === alice?.id);
    expect((await client.call('DELETE', `/users/${String(alice?.id)}/api-tokens/${String(aliceToken?.id)}`, { token })).status).toBe(403);
  });

  it('adds and deletes SSH keys', async () => {
    const created = await client.call('POST', '/ssh_keys', { token, body: { value: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeywardenTestKey ci@example.com', title: 'CI' } });
    expect(created.status).toBe(201);
    const keyId = (created.body as Json).key_id;
    expect((await client.call('POST', '/ssh_keys', { token, body: { value: 'not a key' } })).status).toBe(400);
    expect((await client.call('DELETE', `/ssh_keys/${String(keyId)}`, { token })).status).toBe(204);
    expect((await client.call('DELETE', `/ssh_keys/${String(keyId)}`, { token })).status).toBe(404);
  });
});

describe('the Console: a cron run', () => {
  const runCron = (projectId: string, environmentId: string) =>
    fetch(`${simulator.url}/_console/projects/${projectId}/environments/${environmentId}/run-cron`, { method: 'POST' }).then(async (response) => ({ status: response.status, body: (await response.json()) as Json }));

  it("exchanges the environment's env:PLATFORMSH_CLI_TOKEN, moving its last_used_at, and never answers with the value", async () => {
    const deployToken = [...simulator.store.apiTokens.values()].find((record) => record.name === 'GitHub Actions')!;
    expect(deployToken.lastUsedAt).toBeNull();
    clock.advance(120_000);
    const result = await runCron(STOREFRONT, 'main');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ project_id: STOREFRONT, environment_id: 'main', user_id: deployToken.userId, api_token: { id: deployToken.id, last_used_at: new Date(clock.now()).toISOString() } });
    expect(JSON.stringify(result.body)).not.toContain(deployToken.token);
    expect(deployToken.lastUsedAt).toBe(new Date(clock.now()).toISOString());
  });

  it('refuses an environment without the variable, and a revoked token', async () => {
    expect((await runCron(STOREFRONT, 'staging')).status).toBe(409);
    // Storefront's main token is not inheritable: staging has none. A deleted token fails the exchange.
    const deployToken = [...simulator.store.apiTokens.values()].find((record) => record.name === 'GitHub Actions')!;
    simulator.store.apiTokens.delete(deployToken.id);
    const revoked = await runCron(STOREFRONT, 'main');
    expect(revoked.status).toBe(409);
    expect(JSON.stringify(revoked.body)).toContain('invalid or revoked');
    expect((await runCron('nosuchproject', 'main')).status).toBe(404);
  });
});

describe('the Console: creating an API token', () => {
  const consoleUrl = (userId: string) => `${simulator.url}/_console/users/${encodeURIComponent(userId)}/api-tokens/new?name=console`;
  const asPage = async (response: Response) => ({ status: response.status, contentType: response.headers.get('content-type'), html: await response.text() });
  const openTokenPage = (userId: string) => fetch(consoleUrl(userId)).then(asPage);
  const createToken = (userId: string) =>
    fetch(consoleUrl(userId), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=console' }).then(asPage);
  const tokensOf = (userId: string) => [...simulator.store.apiTokens.values()].filter((record) => record.userId === userId).length;

  it('opening the page mints nothing: it offers a Create token button', async () => {
    const machineUser = [...simulator.store.users.values()].find((user) => user.username === 'storefront-deploy')!;
    const before = tokensOf(machineUser.id);
    const page = await openTokenPage(machineUser.id);
    await openTokenPage(machineUser.id);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<button type="submit">Create token</button>');
    expect(page.html).toContain(`API tokens of this account: ${before}`);
    expect(page.html).not.toContain('api-token');
    expect(tokensOf(machineUser.id)).toBe(before);
  });

  it('shows a machine user its new token once, on Create token, and the token authenticates', async () => {
    const machineUser = [...simulator.store.users.values()].find((user) => user.username === 'storefront-deploy')!;
    const before = tokensOf(machineUser.id);
    const page = await createToken(machineUser.id);
    expect(page.status).toBe(201);
    expect(tokensOf(machineUser.id)).toBe(before + 1);
    const created = /<output id="api-token"[^>]*>([^<]+)<\/output>/.exec(page.html)?.[1] ?? '';
    expect((await client.exchange(created)).status).toBe(200);
  });

  it('refuses the dashboard account with a 403 page, and creates no token for it', async () => {
    const dashboard = simulator.demo!.dashboardUser;
    const before = tokensOf(dashboard.id);
    const page = await openTokenPage(dashboard.id);
    expect(page.status).toBe(403);
    expect(page.contentType).toMatch(/^text\/html/);
    expect(page.html).toContain('<h1>Not for this account</h1>');
    expect(page.html).toContain('dashboard account');
    expect(page.html).not.toContain('api-token');
    expect((await createToken(dashboard.id)).status).toBe(403);
    expect(tokensOf(dashboard.id)).toBe(before);
  });

  it("refuses an organisation owner too: a token of theirs controls the organisation just as well", async () => {
    const alice = simulator.demo!.humans.find((human) => human.user.username === 'alice')!.user;
    const before = tokensOf(alice.id);
    expect((await openTokenPage(alice.id)).status).toBe(403);
    expect((await createToken(alice.id)).status).toBe(403);
    expect(tokensOf(alice.id)).toBe(before);
  });
});

describe('a credential key (sandbox mode)', () => {
  it('seeds credentials no one can derive from the source: the public ones are refused', async () => {
    const keyed = await startSimulator({ credentialKey: 'k'.repeat(64) });
    try {
      const keyedClient = simulatorClient(keyed);
      const demo = keyed.demo!;
      expect(demo.dashboardToken).not.toBe(DEMO_DASHBOARD_API_TOKEN);
      expect((await keyedClient.exchange(demo.dashboardToken)).status).toBe(200);
      // What anyone reading seed.ts computes: the fixed dashboard token and a human owner's token.
      const publicTokens = [DEMO_DASHBOARD_API_TOKEN, secretFrom('human-token:alice'), secretFrom('machine-token:storefront-deploy')];
      for (const publicToken of publicTokens) expect((await keyedClient.exchange(publicToken)).status).toBe(400);
      // The same key gives the same credentials on every start (a restart keeps the sandbox's data consistent).
      const again = await startSimulator({ credentialKey: 'k'.repeat(64) });
      expect(again.demo!.dashboardToken).toBe(demo.dashboardToken);
      await again.stop();
    } finally {
      await keyed.stop();
    }
  });
});

describe('request log', () => {
  it('records method, path, query and the body as received, token values included', async () => {
    simulator.requestLog.clear();
    await client.exchange(DEMO_DASHBOARD_API_TOKEN);
    await client.call('GET', `/organizations?page[size]=5`, { token });
    await client.call('POST', `/projects/${STOREFRONT}/environments/main/variables`, { token, body: { name: 'env:LOGGED', value: 'canary-in-log', is_sensitive: true } });

    const [exchange] = simulator.requestLog.find('POST', '/oauth2/token');
    // The positive control of the canary scan: the vendor side does see the token.
    expect(exchange?.body).toContain(encodeURIComponent(DEMO_DASHBOARD_API_TOKEN));
    const [listing] = simulator.requestLog.find('GET', '/organizations');
    expect(listing?.query).toEqual({ 'page[size]': '5' });
    const [creation] = simulator.requestLog.find('POST', /\/variables$/);
    expect(JSON.parse(creation?.body ?? '{}')).toMatchObject({ name: 'env:LOGGED', value: 'canary-in-log' });
    expect(creation?.headers.authorization).toBe(`Bearer ${token}`);
    expect(simulator.requestLog.entries).toHaveLength(3);
  });
});
