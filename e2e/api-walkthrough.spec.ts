// The README's curl walkthrough (e2e/api-walkthrough.sh), run as a user would run it: bash, curl and
// an admin's API key created on Settings → API keys, against the running sandbox (issue 16). It
// invites a machine user, accepts its invitation, records and pushes its token, rotates it and exports
// the audit log; the API then shows the outcome the script claims.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from './support/test';
import { createKeyInUi, freeDevelopmentEnvironment, uniqueKeyName } from './support/api-keys';

const run = promisify(execFile);

test('the curl walkthrough onboards a project with an API key alone', async ({ pageAs, newApiClient, baseURL }) => {
  test.setTimeout(180_000);
  const page = await pageAs('admin');
  const key = await createKeyInUi(page, uniqueKeyName('E2E curl walkthrough'));
  const auth = { Authorization: `Bearer ${key}` };
  const api = await newApiClient();
  const { projectId, environmentId } = await freeDevelopmentEnvironment(api, auth, 1);
  const me = (await (await api.get('/api/v1/api-keys', { headers: auth })).json()) as { data: { owner: { email: string } }[] };

  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-walkthrough-'));
  const auditFile = path.join(directory, 'audit.ndjson');
  const email = `bots+walkthrough-${path.basename(directory).slice(-6).toLowerCase()}@example.com`;
  const { stdout } = await run('bash', ['e2e/api-walkthrough.sh'], {
    // Only what the script reads (and PATH): it must not lean on the test runner's environment.
    env: {
      NODE_ENV: 'production',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      KEYWARDEN_URL: baseURL!,
      KEYWARDEN_API_KEY: key,
      PROJECT_ID: projectId,
      ENVIRONMENT_ID: environmentId,
      OWNER_EMAIL: me.data[0]!.owner.email,
      MACHINE_USER_EMAIL: email,
      OVERRIDE_REASON: 'end-to-end test of the curl walkthrough',
      AUDIT_FILE: auditFile,
    },
    timeout: 150_000,
    encoding: 'utf8',
  });
  expect(stdout).toContain('✔ done');
  expect(stdout).not.toContain(key);

  // What the script says happened, read back through the API.
  const machineUsers = (await (await api.get(`/api/v1/machine-users?project=${projectId}&q=${encodeURIComponent(email)}`, { headers: auth })).json()) as { data: { id: string; state: string }[] };
  expect(machineUsers.data).toHaveLength(1);
  expect(machineUsers.data[0]!.state).toBe('active');
  const tokens = (await (await api.get(`/api/v1/tokens?status=all&project=${projectId}&q=${encodeURIComponent(email)}`, { headers: auth })).json()) as { data: { status: string; environments: unknown[] }[] };
  expect(tokens.data.map((token) => token.status).sort()).toEqual(['active', 'superseded']);

  // The export is the audit log as NDJSON, with the rotation of this machine user's token on it.
  const events = fs.readFileSync(auditFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { action: string; target_id: string | null });
  expect(events.length).toBeGreaterThan(10);
  expect(events.some((event) => event.action === 'token.rotate' && event.target_id === machineUsers.data[0]!.id)).toBe(true);
  fs.rmSync(directory, { recursive: true, force: true });
});
