import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodingsOf, knownSecrets } from '@/lib/security/redact';
import { createPlatformshClient, type PlatformshClient } from './client';
import type { Vendor } from '@/lib/vendor';
import { BreakerRegistry } from './http';
import { json, ManualClock, rejection, scriptedFetch, type RecordedRequest, type Step } from './test-support';

const API_TOKEN = 'kw_canary_apitoken_9f8e7d6c5b4a39281706';
const ACCESS = ['canary-access-token-one-0123456789', 'canary-access-token-two-9876543210'];
const VALUE = 'kw_canary_pushed_value_aabbccddeeff0011';

const clients: PlatformshClient[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const client of clients.splice(0)) client.dispose();
});

function tokenResponse(index: number, expiresIn = 900): Step {
  return (request: RecordedRequest) => {
    if (request.url.pathname !== '/oauth2/token') throw new Error(`expected a token exchange, got ${request.url.pathname}`);
    return json(200, { access_token: ACCESS[index], expires_in: expiresIn, token_type: 'bearer' });
  };
}

function setup(steps: Step[], vendor?: Vendor) {
  const clock = new ManualClock();
  const fetch = scriptedFetch(steps);
  const client = createPlatformshClient({
    apiUrl: 'https://api.example.test',
    authUrl: 'https://auth.example.test/',
    apiToken: API_TOKEN,
    fetch,
    random: () => 0,
    breakers: new BreakerRegistry(),
    vendor,
  });
  clients.push(client);
  return { clock, fetch, client, run: <T>(promise: Promise<T>) => clock.run(promise) };
}

const user = {
  id: 'b3c4d5e6-0000-4000-8000-000000000001', deactivated: false, namespace: 'platformsh', username: 'bot-backups',
  email: 'bots+backups@example.com', email_verified: true, first_name: 'Backups', last_name: 'Bot', picture: '', company: '',
  website: '', country: 'FR', created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-02T00:00:00Z',
};

describe('authentication', () => {
  it('exchanges the API token with Basic platform-api-user: and a form body', async () => {
    const { fetch, client, run } = setup([tokenResponse(0), json(200, user)]);
    await run(client.getCurrentUser());
    const [exchange, call] = fetch.requests;
    expect(exchange?.url.toString()).toBe('https://auth.example.test/oauth2/token');
    expect(exchange?.method).toBe('POST');
    expect(exchange?.headers.get('authorization')).toBe(`Basic ${Buffer.from('platform-api-user:').toString('base64')}`);
    expect(exchange?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(exchange?.body))).toEqual({ grant_type: 'api_token', api_token: API_TOKEN });
    expect(call?.headers.get('authorization')).toBe(`Bearer ${ACCESS[0]}`);
  });

  it('reuses the cached access token until shortly before it expires', async () => {
    const { clock, fetch, client, run } = setup([tokenResponse(0, 900), json(200, user), json(200, user), tokenResponse(1, 900), json(200, user)]);
    await run(client.getCurrentUser());
    await clock.advance(800_000); // 100 s left: more than the 60 s margin.
    await run(client.getCurrentUser());
    await clock.advance(50_000); // 50 s left: inside the margin.
    await run(client.getCurrentUser());
    const exchanges = fetch.requests.filter((r) => r.url.pathname === '/oauth2/token');
    expect(exchanges).toHaveLength(2);
    expect(fetch.requests.at(-1)?.headers.get('authorization')).toBe(`Bearer ${ACCESS[1]}`);
  });

  it('on a 401 exchanges once more and retries the call once', async () => {
    const { fetch, client, run } = setup([tokenResponse(0), json(401, { error: 'expired' }), tokenResponse(1), json(200, user)]);
    expect((await run(client.getCurrentUser())).username).toBe('bot-backups');
    expect(fetch.requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual(['POST /oauth2/token', 'GET /users/me', 'POST /oauth2/token', 'GET /users/me']);
  });

  it('does not loop when the API keeps answering 401', async () => {
    const { fetch, client, run } = setup([tokenResponse(0), json(401, {}), tokenResponse(1), json(401, {})]);
    expect((await rejection(run(client.getCurrentUser()))).kind).toBe('unauthorized');
    expect(fetch.requests).toHaveLength(4);
  });

  it('reports a rejected API token as unauthorized without the token in the text', async () => {
    const { client, run } = setup([json(400, { error: 'invalid_grant', error_description: `Token ${API_TOKEN} is invalid` })]);
    const error = await rejection(run(client.getCurrentUser()));
    expect(error.kind).toBe('unauthorized');
    expect(error.path).toBe('/oauth2/token');
    expect(error.message).not.toContain(API_TOKEN);
  });

  it('registers the tokens for redaction while held and forgets them on dispose', async () => {
    const { client, run } = setup([tokenResponse(0), json(200, user)]);
    await run(client.getCurrentUser());
    expect(knownSecrets()).toEqual(expect.arrayContaining([API_TOKEN, ACCESS[0]]));
    client.dispose();
    expect(knownSecrets()).not.toContain(API_TOKEN);
    expect(knownSecrets()).not.toContain(ACCESS[0]);
  });
});

describe('credentials never reach an error', () => {
  it('redacts the API token, access token and variable value echoed by a 500, in every encoding', async () => {
    const echo: Step = (request) => {
      const body = request.body ?? '';
      const echoed = [body, request.headers.get('authorization'), encodeURIComponent(body), Buffer.from(body).toString('base64'), Buffer.from(body).toString('hex'), API_TOKEN, Buffer.from(API_TOKEN).toString('base64')].join(' | ');
      return json(500, { error: `Internal error while handling ${echoed}` });
    };
    const { client, run } = setup([tokenResponse(0), echo]);
    const error = await rejection(
      run(client.createEnvironmentVariable('proj1', 'main', { name: 'env:PLATFORMSH_CLI_TOKEN', value: VALUE, isSensitive: true })),
    );
    expect(error.kind).toBe('unavailable');
    // Dispose first: the assertion must not rely on the process-wide registry.
    client.dispose();
    const texts = [error.message, String(error), JSON.stringify(error), error.vendorMessage ?? '', error.userMessage, error.toAppError().message];
    for (const secret of [API_TOKEN, ...ACCESS, VALUE]) for (const form of encodingsOf(secret)) for (const text of texts) expect(text).not.toContain(form);
  });
});

describe('the service an error names to a person', () => {
  const refusedExchange: Step = () => json(400, { error: 'invalid_grant' });
  const notAUser: Step = () => json(200, { id: 42 });
  // Each run gets its own script: a scripted fetch consumes its steps.
  const failures: Array<[string, () => Step[]]> = [
    ['a refused call', () => [tokenResponse(0), json(403, { error: 'forbidden' })]],
    ['a refused token exchange', () => [refusedExchange]],
    ['an answer it cannot read', () => [tokenResponse(0), notAUser]],
  ];

  it.each(failures)('is the connection’s vendor: %s', async (_, script) => {
    const asUpsun = setup(script(), 'upsun');
    const upsun = await rejection(asUpsun.run(asUpsun.client.getCurrentUser()));
    expect(upsun.userMessage).toMatch(/^Upsun /);
    expect(upsun.toAppError().message).not.toContain('Platform.sh');

    const asDefault = setup(script());
    const platformsh = await rejection(asDefault.run(asDefault.client.getCurrentUser()));
    expect(platformsh.userMessage).toMatch(/^Platform\.sh /);
    expect(platformsh.kind).toBe(upsun.kind);
  });
});

describe('requests', () => {
  it('URL-encodes variable names and sends the create body in vendor field names', async () => {
    const accepted = { status: 'success', code: 200, _embedded: { activities: [{ id: 'act1' }] } };
    const variable = {
      id: 'env:PLATFORMSH_CLI_TOKEN', name: 'env:PLATFORMSH_CLI_TOKEN', attributes: {}, is_json: false, is_sensitive: true,
      visible_build: true, visible_runtime: true, application_scope: [], project: 'proj1', environment: 'main', inherited: false,
      is_enabled: true, is_inheritable: false, created_at: '2025-01-01T00:00:00Z', updated_at: null,
    };
    const { fetch, client, run } = setup([tokenResponse(0), json(201, accepted), json(200, variable), json(200, accepted)]);
    const created = await run(
      client.createEnvironmentVariable('proj1', 'main', { name: 'env:PLATFORMSH_CLI_TOKEN', value: VALUE, isSensitive: true, isInheritable: false, isEnabled: true, visibleBuild: true, visibleRuntime: true, isJson: false }),
    );
    expect(created).toEqual({ status: 'success', activityIds: ['act1'] });
    expect(JSON.parse(fetch.requests[1]?.body ?? '')).toEqual({
      name: 'env:PLATFORMSH_CLI_TOKEN', value: VALUE, is_json: false, is_sensitive: true, is_inheritable: false, is_enabled: true, visible_build: true, visible_runtime: true,
    });
    const read = await run(client.getEnvironmentVariable('proj1', 'main', 'env:PLATFORMSH_CLI_TOKEN'));
    expect(fetch.requests[2]?.url.pathname).toBe('/projects/proj1/environments/main/variables/env%3APLATFORMSH_CLI_TOKEN');
    expect(read).toEqual({
      name: 'env:PLATFORMSH_CLI_TOKEN', level: 'environment', isSensitive: true, isInheritable: false, isEnabled: true, visibleBuild: true,
      visibleRuntime: true, isJson: false, inherited: false, createdAt: '2025-01-01T00:00:00Z', updatedAt: null,
    });
    await run(client.updateProjectVariable('proj1', 'env:PLATFORMSH_CLI_TOKEN', { value: VALUE, isEnabled: false }));
    expect(fetch.requests[3]?.url.pathname).toBe('/projects/proj1/variables/env%3APLATFORMSH_CLI_TOKEN');
    // ProjectVariablePatch has no is_enabled: it is not sent.
    expect(JSON.parse(fetch.requests[3]?.body ?? '')).toEqual({ value: VALUE });
  });

  it('follows cursor pagination on the configured API base, not the HAL host', async () => {
    const org = (id: string) => ({ id, name: `org-${id}`, label: `Org ${id}`, type: 'flexible', owner_id: 'u1', status: 'active', capabilities: [] });
    const { fetch, client, run } = setup([
      tokenResponse(0),
      json(200, { count: 3, items: [org('a'), org('b')], _links: { self: { href: 'https://eu-2.platform.sh/organizations' }, next: { href: 'https://eu-2.platform.sh/organizations?page%5Bafter%5D=cur1&page%5Bsize%5D=2' } } }),
      json(200, { count: 3, items: [org('c')], _links: { self: { href: 'https://eu-2.platform.sh/organizations?page%5Bafter%5D=cur1' } } }),
    ]);
    const orgs = await run(client.listOrganizations());
    expect(orgs.map((o) => o.id)).toEqual(['a', 'b', 'c']);
    expect(orgs[0]).toEqual({ id: 'a', name: 'org-a', label: 'Org a', type: 'flexible', ownerId: 'u1', status: 'active' });
    const second = fetch.requests[2];
    expect(second?.url.host).toBe('api.example.test');
    expect(second?.url.searchParams.get('page[after]')).toBe('cur1');
  });

  it('passes the title filter and maps organisation projects', async () => {
    const project = { id: 'proj1', organization_id: 'org1', subscription_id: 's1', vendor: 'platformsh', region: 'eu-3.platform.sh', title: 'Shop', type: 'grid', plan: 'standard', timezone: 'UTC', default_branch: 'main', status: 'active', created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-02T00:00:00Z', _links: {} };
    const { fetch, client, run } = setup([tokenResponse(0), json(200, { count: 1, items: [project], facets: {}, _links: {} })]);
    const projects = await run(client.listOrganizationProjects('org1', { title: 'Shop' }));
    expect(fetch.requests[1]?.url.searchParams.get('filter[title]')).toBe('Shop');
    expect(projects).toEqual([{ id: 'proj1', title: 'Shop', region: 'eu-3.platform.sh', organizationId: 'org1', status: 'active', defaultBranch: 'main', createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-02T00:00:00Z' }]);
  });

  it('turns a malformed response into a protocol error naming only the field', async () => {
    const { client, run } = setup([tokenResponse(0), json(200, [{ id: 'main', project: 'p', name: 'main', type: 'preview', status: 'active' }])]);
    const error = await rejection(run(client.listEnvironments('p')));
    expect(error.kind).toBe('protocol');
    expect(error.message).toContain('0.type');
    expect(error.message).not.toContain('preview');
  });

  it('sends the user-access grant as an array and accepts a 204', async () => {
    const { fetch, client, run } = setup([tokenResponse(0), new Response(null, { status: 204 })]);
    await run(client.grantUserAccess('proj1', 'user1', ['viewer', 'production:admin']));
    expect(JSON.parse(fetch.requests[1]?.body ?? '')).toEqual([{ user_id: 'user1', permissions: ['viewer', 'production:admin'] }]);
  });
});
