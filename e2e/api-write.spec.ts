// REST API v1's write operations against the running server, with an admin's API key and nothing
// else (issue 16): invite a machine user, accept its invitation in sandbox mode, create its token on
// the simulator's Console page, record + push it (202, polled), retry with the same Idempotency-Key,
// rotate it, change its roles, offboard it without a body, and read the audit log — the steps a
// curl-only script takes. The token values never come back in an answer.
import { randomBytes, randomUUID } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './support/test';
import { createKeyInUi, freeDevelopmentEnvironment, uniqueKeyName } from './support/api-keys';

async function tokenFromConsole(consoleUrl: string): Promise<string> {
  const response = await fetch(consoleUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=e2e' });
  expect(response.status).toBe(201);
  const token = /<output id="api-token"[^>]*>([^<]+)<\/output>/.exec(await response.text())?.[1];
  expect(token).toBeTruthy();
  return token!;
}

async function pollPush(api: APIRequestContext, headers: Record<string, string>, location: string): Promise<{ status: string }> {
  let push = { status: 'running' };
  await expect
    .poll(
      async () => {
        push = (await (await api.get(location, { headers })).json()) as { status: string };
        return push.status;
      },
      { timeout: 30_000 },
    )
    .not.toBe('running');
  return push;
}

test('a script onboards a machine user with an API key alone', async ({ pageAs, newApiClient }) => {
  const page = await pageAs('admin');
  const key = await createKeyInUi(page, uniqueKeyName('E2E onboarding script'));
  const auth = { Authorization: `Bearer ${key}` };
  const api = await newApiClient();
  const sent: string[] = [];
  const answers: string[] = [];
  const remember = async (response: Awaited<ReturnType<APIRequestContext['get']>>) => {
    answers.push(await response.text());
    return response;
  };

  const { projectId, environmentId } = await freeDevelopmentEnvironment(api, auth, 0);
  const me = (await (await api.get('/api/v1/api-keys', { headers: auth })).json()) as { data: { owner: { email: string } }[] };

  // Invite (idempotent), then accept in sandbox mode.
  const email = `bots+e2e-api-${randomBytes(4).toString('hex')}@example.com`;
  const invite = { project_id: projectId, email, purpose: 'custom', owner_email: me.data[0]!.owner.email, environment_type_roles: { development: 'viewer' }, override_reason: 'end-to-end test of the REST API' };
  const invited = await remember(await api.post('/api/v1/machine-users', { headers: { ...auth, 'Idempotency-Key': randomUUID() }, data: invite }));
  expect(invited.status(), await invited.text()).toBe(201);
  const machineUserId = ((await invited.json()) as { machine_user: { id: string } }).machine_user.id;
  expect(invited.headers().location).toBe(`/api/v1/machine-users/${machineUserId}`);
  const accepted = await remember(await api.post(`/api/v1/machine-users/${machineUserId}/sandbox/accept`, { headers: auth }));
  expect(accepted.status(), await accepted.text()).toBe(200);
  const consoleUrl = ((await accepted.json()) as { token_console_url: string }).token_console_url;

  // Record + push: 202, Location, polled; the retry with the same key replays the answer.
  const token = await tokenFromConsole(consoleUrl);
  sent.push(token);
  const idempotencyKey = randomUUID();
  const record = { token, name: 'e2e cron', environments: [environmentId], replace_foreign: true };
  const recorded = await remember(await api.post(`/api/v1/machine-users/${machineUserId}/tokens`, { headers: { ...auth, 'Idempotency-Key': idempotencyKey }, data: record }));
  expect(recorded.status(), await recorded.text()).toBe(202);
  const location = recorded.headers().location!;
  expect(location).toMatch(/^\/api\/v1\/pushes\/[0-9a-f-]{36}$/);
  expect((await pollPush(api, auth, location)).status).toBe('succeeded');
  const replay = await remember(await api.post(`/api/v1/machine-users/${machineUserId}/tokens`, { headers: { ...auth, 'Idempotency-Key': idempotencyKey }, data: record }));
  expect(replay.status()).toBe(202);
  expect(replay.headers()['idempotent-replayed']).toBe('true');
  expect(replay.headers().location).toBe(location);
  const tokenId = ((await recorded.json()) as { token: { id: string } }).token.id;

  // Rotate.
  const fresh = await tokenFromConsole(consoleUrl);
  sent.push(fresh);
  const rotated = await remember(await api.post(`/api/v1/tokens/${tokenId}/rotate`, { headers: auth, data: { token: fresh } }));
  expect(rotated.status(), await rotated.text()).toBe(202);
  expect((await pollPush(api, auth, rotated.headers().location!)).status).toBe('succeeded');
  expect(((await (await api.get(`/api/v1/tokens/${tokenId}`, { headers: auth })).json()) as { status: string }).status).toBe('superseded');

  // Roles, then offboarding with no body at all.
  const patched = await remember(await api.patch(`/api/v1/machine-users/${machineUserId}`, { headers: auth, data: { environment_type_roles: { staging: 'viewer' } } }));
  expect(patched.status(), await patched.text()).toBe(200);
  const removed = await remember(await api.delete(`/api/v1/machine-users/${machineUserId}`, { headers: auth }));
  expect(removed.status(), await removed.text()).toBe(200);
  expect(((await removed.json()) as { machine_user: { state: string } }).machine_user.state).toBe('removed');

  // The audit log names what was done.
  const audit = await remember(await api.get('/api/v1/audit?limit=1000&action=token.rotate', { headers: auth }));
  expect(audit.status()).toBe(200);
  expect(((await audit.json()) as { data: { target_id: string | null }[] }).data.some((event) => event.target_id === machineUserId)).toBe(true);

  for (const value of sent) for (const answer of answers) expect(answer).not.toContain(value);
});
