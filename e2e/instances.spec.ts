// Several instances (issue 19.2): three Keywarden production servers (`npm start`'s
// .next/keywarden/start.mjs) on one PostgreSQL, behind HAProxy running deploy/haproxy.cfg as an
// operator would, in live mode against one Platform.sh simulator that all of them share (this
// worker runs it, faults on). Each test proves one promise of README's "Several instances behind a
// load balancer"; they run in order on the same cluster:
//   1. a session made through the proxy works on every instance (two, then a third that joins);
//   2. sign-in throttling holds across instances: a burst spread over them meets one limit;
//   3. one active push per machine user: two pushes at once through two instances, one refused;
//   4. killing (SIGKILL) the instance running a push leaves it resumable from another;
//   5. a planned stop (SIGTERM) of the instance running a sync hands its job back to the queue;
//   6. a rolling restart (each instance stopped and started in turn) under steady GETs: no request
//      fails, HAProxy's retries and redispatches absorb the stops;
//   7. each scheduled job runs once per tick, not once per instance (pg-boss's rows, read last, when
//      the cluster has ticked for minutes with instances coming and going).
// It runs after every other spec (its own project, playwright.config.ts): it starts four servers.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { acceptInvitation, storeInvitations } from '@/lib/testing/machine-users';
import { cookiesOf, freePort, freshDatabase, Instance, json, query, send, sharedSettings, startProxy, type Answer, type Proxy } from './support/cluster';
import { e2eDir } from './support/paths';
import { inheritedEnvironment } from './support/server-process';

test.describe.configure({ mode: 'serial' });

const PROJECT = DEMO_PROJECTS.find((project) => project.title === 'Checkout API')!;
const ADMIN = { email: `instances-admin-${randomUUID().slice(0, 8)}@e2e.keywarden.test`, password: `instances-${randomUUID()}` };
const variablesPath = (environmentId: string) => `/projects/${PROJECT.id}/environments/${environmentId}/variables`;

interface Cluster {
  dir: string;
  sim: RunningSimulator;
  database: { url: string; drop: () => Promise<void> };
  proxy: Proxy;
  instances: Instance[];
  /** The public origin (the proxy), which every instance has as KEYWARDEN_URL. */
  origin: string;
  host: string;
  startedAt: Date;
}

let cluster: Cluster;
/** The admin's session cookie, made through the proxy in the first test. */
let session = '';
let machineUserId = '';
let platformshUserId = '';

/** A request through the proxy. */
function viaProxy(method: string, target: string, options: Parameters<typeof send>[4] = {}): Promise<Answer> {
  return send(cluster.proxy.port, cluster.host, method, target, options);
}

/** A request straight to one instance, with the public Host the proxy would pass on. */
function direct(instance: Instance, method: string, target: string, options: Parameters<typeof send>[4] = {}): Promise<Answer> {
  return send(instance.port, cluster.host, method, target, options);
}

const apiHeaders = () => ({ Cookie: session, Origin: cluster.origin, 'Content-Type': 'application/json' });

/** next-auth's credentials sign-in, as the form posts it: the error code (null on success) and the cookies. */
async function signIn(
  call: (method: string, target: string, options: Parameters<typeof send>[4]) => Promise<Answer>,
  credentials: { email: string; password: string },
  clientAddress?: string,
  csrf?: { token: string; cookies: string[] },
): Promise<{ error: string | null; cookies: string[] }> {
  const forwarded: Record<string, string> = clientAddress ? { 'X-Forwarded-For': clientAddress } : {};
  let pair = csrf;
  if (!pair) {
    const answer = await call('GET', '/api/auth/csrf', { headers: forwarded });
    pair = { token: json<{ csrfToken: string }>(answer).csrfToken, cookies: cookiesOf(answer) };
  }
  const answer = await call('POST', '/api/auth/callback/credentials', {
    headers: { ...forwarded, Origin: cluster.origin, Cookie: pair.cookies.join('; '), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken: pair.token, email: credentials.email, password: credentials.password, callbackUrl: `${cluster.origin}/`, json: 'true' }).toString(),
  });
  const url = json<{ url?: string }>(answer).url;
  return { error: url ? new URL(url, cluster.origin).searchParams.get('error') : `no url (${answer.status})`, cookies: cookiesOf(answer) };
}

async function pollPush(runId: string, until: (status: string) => boolean, timeoutMs: number): Promise<{ status: string; steps: { environment_id: string; status: string }[] }> {
  let last: { status: string; steps: { environment_id: string; status: string }[] } | undefined;
  await expect
    .poll(
      async () => {
        last = json(await viaProxy('GET', `/api/v1/pushes/${runId}`, { headers: { Cookie: session } }));
        return until(last!.status);
      },
      { timeout: timeoutMs, intervals: [500] },
    )
    .toBe(true);
  return last!;
}

function tokenVariables(environmentId: string): string[] {
  const environment = cluster.sim.store.projects.get(PROJECT.id)!.environments.get(environmentId)!;
  return [...environment.variables.values()].filter((variable) => variable.name === 'env:PLATFORMSH_CLI_TOKEN').map((variable) => String(variable.value));
}

test.beforeAll(async ({}, testInfo) => {
  testInfo.setTimeout(240_000);
  const root = path.dirname(testInfo.config.configFile ?? path.join(process.cwd(), 'playwright.config.ts'));
  const dir = fs.mkdtempSync(path.join(e2eDir(), 'instances-'));
  const startedAt = new Date();
  const database = await freshDatabase();
  const sim = await startSimulator({ faults: true, seed: 'demo', activityDurationMs: 500 });
  const [proxyPort, ...instancePorts] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const origin = `http://127.0.0.1:${proxyPort}`;
  const env: NodeJS.ProcessEnv = {
    ...inheritedEnvironment(),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    KEYWARDEN_HOST: '127.0.0.1',
    KEYWARDEN_URL: origin,
    // One proxy (HAProxy appends the client's address); the test claims addresses on direct requests.
    KEYWARDEN_TRUSTED_PROXY_HOPS: '1',
    DATABASE_URL: database.url,
    ...sharedSettings(),
    KEYWARDEN_ADMIN_EMAIL: ADMIN.email,
    KEYWARDEN_ADMIN_PASSWORD: ADMIN.password,
    // Second factors are mfa.spec's subject: this organisation does not require one.
    KEYWARDEN_ADMIN_SECOND_FACTOR: 'nobody',
    PLATFORMSH_API_URL: sim.url,
    PLATFORMSH_AUTH_URL: sim.authUrl,
    PLATFORMSH_API_TOKEN: sim.demo!.dashboardToken,
    // A scheduled sync tick every minute: test 6 counts the ticks.
    KEYWARDEN_SYNC_INTERVAL_MINUTES: '1',
  };
  const instances = instancePorts.map((port, index) => new Instance(`keywarden${index + 1}`, port, root, dir, env));
  const proxy = await startProxy(root, dir, proxyPort!, instancePorts);
  cluster = { dir, sim, database, proxy, instances, origin, host: `127.0.0.1:${proxyPort}`, startedAt };
  // Two instances start together on the empty database: one applies the migrations (advisory lock)
  // and provisions the admin, the other waits, then finds both done.
  await Promise.all(instances.slice(0, 2).map((instance) => instance.start()));
  await expect.poll(async () => Object.values(await proxy.stats()).filter((server) => server.status === 'UP').length, { timeout: 20_000 }).toBe(2);
});

test.afterAll(async ({}, testInfo) => {
  if (!cluster) return;
  for (const instance of cluster.instances) {
    await instance.stop();
    if (fs.existsSync(instance.logFile)) fs.copyFileSync(instance.logFile, testInfo.outputPath(`${instance.name}.log`));
  }
  await cluster.proxy.stop();
  const haproxyLog = path.join(cluster.dir, 'haproxy.log');
  if (fs.existsSync(haproxyLog)) fs.copyFileSync(haproxyLog, testInfo.outputPath('haproxy.log'));
  await cluster.sim.stop();
  await cluster.database.drop();
  fs.rmSync(cluster.dir, { recursive: true, force: true });
});

test('1. a session made through the proxy works on every instance, one that joins later too', async () => {
  const [one, two, three] = cluster.instances as [Instance, Instance, Instance];
  const signedIn = await signIn(viaProxy, ADMIN);
  expect(signedIn.error).toBeNull();
  session = signedIn.cookies.find((cookie) => cookie.startsWith('keywarden.session='))!;
  expect(session).toBeDefined();

  // A signed-in read of the REST API: 200 with the session, 401 without it (the control).
  const projects = '/api/v1/projects?limit=1';
  for (const instance of [one, two]) {
    expect((await direct(instance, 'GET', projects, { headers: { Cookie: session } })).status, instance.name).toBe(200);
    expect((await direct(instance, 'GET', projects)).status, instance.name).toBe(401);
  }
  // Through the proxy, round robin: both instances answer, each with the session honoured.
  const served = new Map<string, number>();
  for (let index = 0; index < 6; index += 1) {
    const answer = await viaProxy('GET', projects, { headers: { Cookie: session } });
    expect(answer.status).toBe(200);
    const name = String(answer.headers['x-keywarden-instance']);
    served.set(name, (served.get(name) ?? 0) + 1);
  }
  expect([...served.keys()].sort()).toEqual(['keywarden1', 'keywarden2']);

  // A third instance joins the running cluster: the session made before it started works there.
  await three.start();
  expect((await direct(three, 'GET', projects, { headers: { Cookie: session } })).status).toBe(200);
  await expect.poll(async () => (await cluster.proxy.stats()).keywarden3?.status, { timeout: 20_000 }).toBe('UP');
  const names = new Set<string>();
  for (let index = 0; index < 6; index += 1) {
    const answer = await viaProxy('GET', projects, { headers: { Cookie: session } });
    expect(answer.status).toBe(200);
    names.add(String(answer.headers['x-keywarden-instance']));
  }
  expect([...names].sort()).toEqual(['keywarden1', 'keywarden2', 'keywarden3']);
});

test('2. sign-in throttling holds across instances: a burst spread over them meets one limit', async () => {
  const instances = cluster.instances;
  const csrfAnswer = await viaProxy('GET', '/api/auth/csrf');
  const csrf = { token: json<{ csrfToken: string }>(csrfAnswer).csrfToken, cookies: cookiesOf(csrfAnswer) };
  const outcomes = (results: { error: string | null }[]) => results.reduce<Record<string, number>>((counts, { error }) => ({ ...counts, [String(error)]: (counts[String(error)] ?? 0) + 1 }), {});

  // Waves of three attempts at once, one to each instance: within a wave no instance verifies two
  // for the same key, so its own cap on verifications in flight (a second guard, per process)
  // refuses none, and what is refused is refused by the shared counters alone. Were they per
  // instance, each would let its own limit through.
  const waves = async (count: number, attempt: (index: number, instance: Instance) => Promise<{ error: string | null }>) => {
    const results: { error: string | null }[] = [];
    for (let wave = 0; wave < count / instances.length; wave += 1) {
      results.push(...(await Promise.all(instances.map((instance, index) => attempt(wave * instances.length + index, instance)))));
    }
    return results;
  };
  const at = (instance: Instance) => (method: string, target: string, options: Parameters<typeof send>[4]) => direct(instance, method, target, options);

  // One account, 12 wrong passwords, each from an address of its own: the account's limit (5 in 15
  // minutes) is counted once for all the instances.
  const account = { email: `nobody-${randomUUID().slice(0, 8)}@e2e.keywarden.test`, password: 'not-the-password-1' };
  const accountBurst = await waves(12, (index, instance) => signIn(at(instance), account, `198.51.100.${index + 1}`, csrf));
  expect(outcomes(accountBurst)).toEqual({ CredentialsSignin: 5, Throttled: 7 });

  // One client address, 30 attempts on different accounts: the address's limit (25) holds across them.
  const address = '203.0.113.77';
  const addressBurst = await waves(30, (index, instance) =>
    signIn(at(instance), { email: `burst-${index}-${randomUUID().slice(0, 6)}@e2e.keywarden.test`, password: 'not-the-password-1' }, address, csrf),
  );
  expect(outcomes(addressBurst)).toEqual({ CredentialsSignin: 25, Throttled: 5 });
  // Blocked everywhere afterwards, the right password included.
  for (const instance of instances) {
    expect((await signIn(at(instance), ADMIN, address, csrf)).error, instance.name).toBe('Throttled');
  }
  const rows = await query<{ key: string; failures: number; blocked: boolean }>(cluster.database.url, 'SELECT key, failures, blocked_until > now() AS blocked FROM login_throttles WHERE key = ANY($1)', [[`account:${account.email}`, `address:${address}`]]);
  expect(rows.map((row) => ({ ...row })).sort((a, b) => a.key.localeCompare(b.key))).toEqual([
    { key: `account:${account.email}`, failures: 5, blocked: true },
    { key: `address:${address}`, failures: 25, blocked: true },
  ]);
});

test('3. one active push per machine user holds across instances: of two at once, one is refused', async () => {
  const [one, two] = cluster.instances as [Instance, Instance, Instance];
  // A machine user through the REST API (the admin's session), accepted on Platform.sh by the
  // invitee, then followed by Keywarden.
  await expect.poll(async () => (await viaProxy('GET', `/api/v1/projects/${PROJECT.id}`, { headers: { Cookie: session } })).status, { timeout: 60_000 }).toBe(200);
  const email = `bots+instances-${randomUUID().slice(0, 8)}@example.com`;
  const invited = await viaProxy('POST', '/api/v1/machine-users', {
    headers: apiHeaders(),
    body: JSON.stringify({ project_id: PROJECT.id, email, purpose: 'custom', owner_email: ADMIN.email, environment_type_roles: { staging: 'viewer', development: 'viewer' }, override_reason: 'multi-instance test' }),
  });
  expect(invited.status, invited.body).toBe(201);
  machineUserId = json<{ machine_user: { id: string } }>(invited).machine_user.id;
  const accepted = await acceptInvitation(cluster.sim, storeInvitations(cluster.sim, PROJECT.id, email)[0]!.id);
  platformshUserId = accepted.user_id;
  // The machine user's page asks Platform.sh while the invitation is pending (as it polls).
  await expect
    .poll(async () => json<{ state: string }>(await viaProxy('GET', `/api/machine-users/${machineUserId}/status`, { headers: { Cookie: session } })).state, { timeout: 30_000, intervals: [1_000] })
    .toBe('active');

  // Two tokens of the machine user, pushed at the same moment through two instances. Platform.sh
  // takes 5 s over the write, so whichever wins still holds the machine user's slot when the other
  // asks for it.
  const tokens = [cluster.sim.store.issueApiToken(platformshUserId, 'one').token, cluster.sim.store.issueApiToken(platformshUserId, 'two').token];
  const slow = cluster.sim.faults.add({ method: 'POST', path: variablesPath('staging'), kind: 'latency', ms: 5_000, count: 1 });
  const answers = await Promise.all(
    ([one, two] as const).map((instance, index) =>
      direct(instance, 'POST', `/api/v1/machine-users/${machineUserId}/tokens`, { headers: apiHeaders(), body: JSON.stringify({ token: tokens[index], name: `race ${index}`, environments: ['staging'] }) }),
    ),
  );
  expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409]);
  const winner = answers.findIndex((answer) => answer.status === 202);
  const refused = answers[1 - winner]!;
  expect(json<{ code: string; detail?: string; message?: string }>(refused)).toMatchObject({ code: 'conflict' });
  expect(refused.body).toMatch(/Another push for this machine user is running/);

  const runId = json<{ push: { id: string } }>(answers[winner]!).push.id;
  expect((await pollPush(runId, (state) => state !== 'running', 30_000)).status).toBe('succeeded');
  expect(slow.fired).toBe(1);
  // Refused cleanly: nothing of the loser was recorded, and Platform.sh holds the winner's token.
  const runs = await query<{ runs: number; tokens: number }>(
    cluster.database.url,
    'SELECT (SELECT count(*)::int FROM push_runs WHERE machine_user_id = $1) AS runs, (SELECT count(*)::int FROM api_tokens WHERE machine_user_id = $1) AS tokens',
    [machineUserId],
  );
  expect(runs).toEqual([{ runs: 1, tokens: 1 }]);
  expect(tokenVariables('staging')).toEqual([tokens[winner]]);
});

test('4. killing the instance that runs a push leaves it resumable from another', async () => {
  test.setTimeout(120_000);
  const two = cluster.instances[1]!;
  const token = cluster.sim.store.issueApiToken(platformshUserId, 'crash').token;
  // Platform.sh never answers the write to feature-cart: the push is half done when its instance dies.
  const hang = cluster.sim.faults.add({ method: 'POST', path: variablesPath('feature-cart'), kind: 'hang', count: 1 });
  const started = await direct(two, 'POST', `/api/v1/machine-users/${machineUserId}/tokens`, {
    headers: apiHeaders(),
    body: JSON.stringify({ token, name: 'crash', environments: ['feature-search', 'feature-cart'] }),
  });
  expect(started.status, started.body).toBe(202);
  const runId = json<{ push: { id: string } }>(started).push.id;
  await expect.poll(() => hang.fired, { timeout: 20_000 }).toBe(1);
  // Another instance follows it: feature-search done (its write and redeploy), feature-cart hung.
  await expect
    .poll(async () => json<{ steps: { environment_id: string; status: string }[] }>(await viaProxy('GET', `/api/v1/pushes/${runId}`, { headers: { Cookie: session } })).steps.find((step) => step.environment_id === 'feature-search')?.status, { timeout: 20_000, intervals: [250] })
    .toBe('succeeded');
  expect(tokenVariables('feature-search')).toEqual([token]);
  await two.stop({ crash: true });

  // Another instance reports it running until its heartbeat is old enough, then interrupted:
  // partial, the hung step unknown (a resume reads before it writes).
  const interrupted = await pollPush(runId, (state) => state !== 'running', 60_000);
  expect(interrupted.status).toBe('partial');
  expect(Object.fromEntries(interrupted.steps.map((step) => [step.environment_id, step.status]))).toEqual({ 'feature-search': 'succeeded', 'feature-cart': 'unknown' });
  const resumed = await viaProxy('POST', `/api/v1/pushes/${runId}/resume`, { headers: apiHeaders(), body: JSON.stringify({ token }) });
  expect(resumed.status, resumed.body).toBe(202);
  expect(['keywarden1', 'keywarden3']).toContain(resumed.headers['x-keywarden-instance']);
  expect((await pollPush(runId, (state) => state !== 'running', 30_000)).status).toBe('succeeded');
  expect(tokenVariables('feature-cart')).toEqual([token]);
  expect(tokenVariables('feature-search')).toEqual([token]);

  await two.start();
  await expect.poll(async () => (await cluster.proxy.stats()).keywarden2?.status, { timeout: 20_000 }).toBe('UP');
});

test('5. a planned stop of the instance running a sync hands the job back, not left active until its lease expires', async () => {
  test.setTimeout(150_000);
  const [one, two, three] = cluster.instances as [Instance, Instance, Instance];
  // Only the first instance runs: the sync's job is certainly its.
  await Promise.all([two.stop(), three.stop()]);
  await expect.poll(async () => Object.values(await cluster.proxy.stats()).map((server) => server.status), { timeout: 20_000 }).toEqual(['UP', 'DOWN', 'DOWN']);
  // Platform.sh never answers the project listing: the sync waits on it (the client's deadline is 15 s).
  const hang = cluster.sim.faults.add({ method: 'GET', path: `/organizations/${cluster.sim.demo!.organizationId}/projects`, kind: 'hang', count: 1 });
  const begun = await viaProxy('POST', '/api/v1/projects/sync', { headers: apiHeaders(), body: '{}' });
  expect(begun.status, begun.body).toBe(202);
  const runId = json<{ id: string }>(begun).id;
  await expect.poll(() => hang.fired, { timeout: 20_000 }).toBe(1);
  const jobState = async () =>
    (await query<{ state: string }>(cluster.database.url, 'SELECT j.state FROM pgboss.job j JOIN sync_runs r ON r.job_id = j.id WHERE r.id = $1', [runId]))[0]?.state;
  expect(await jobState()).toBe('active');

  // A planned stop (SIGTERM), as a deploy does. The job must not stay active until pg-boss expires it
  // an hour later (until then no sync could run, the stately queue holding its place): the stopping
  // instance fails it, and the queue retries it on another instance.
  await one.stop();
  expect(await jobState()).toBe('retry');
  await Promise.all([one.start(), two.start(), three.start()]);
  await expect.poll(async () => Object.values(await cluster.proxy.stats()).map((server) => server.status), { timeout: 20_000 }).toEqual(['UP', 'UP', 'UP']);
});

test('6. a rolling restart under steady GETs: HAProxy retries what a stopping instance drops, no request fails', async () => {
  test.setTimeout(180_000);
  const before = await cluster.proxy.stats();
  const agent = new http.Agent({ keepAlive: true });
  const failures: string[] = [];
  const servedBy = new Map<string, number>();
  let requests = 0;
  let running = true;
  // Four clients, each a GET after the other: a signed-in API read and a page.
  const client = async (index: number) => {
    const targets = ['/api/v1/projects?limit=5', '/machine-users'];
    while (running) {
      const target = targets[(requests + index) % targets.length]!;
      try {
        const answer = await viaProxy('GET', target, { headers: { Cookie: session }, agent });
        requests += 1;
        const name = String(answer.headers['x-keywarden-instance']);
        servedBy.set(name, (servedBy.get(name) ?? 0) + 1);
        if (answer.status !== 200) failures.push(`${target}: ${answer.status} from ${name} ${answer.body.slice(0, 200)}`);
      } catch (error) {
        failures.push(`${target}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  const clients = Promise.all([0, 1, 2, 3].map(client));
  try {
    for (const instance of cluster.instances) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await instance.stop();
      await instance.start();
      await expect.poll(async () => (await cluster.proxy.stats())[instance.name]?.status, { timeout: 20_000 }).toBe('UP');
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    running = false;
    await clients;
    agent.destroy();
  }
  const after = await cluster.proxy.stats();
  const retried = Object.keys(after).reduce((sum, name) => sum + after[name]!.retries + after[name]!.redispatches - before[name]!.retries - before[name]!.redispatches, 0);
  console.log(`rolling restart: ${requests} GETs, ${failures.length} failed, ${retried} retried or redispatched by HAProxy, served by ${JSON.stringify(Object.fromEntries(servedBy))}`);
  expect(failures).toEqual([]);
  expect(requests).toBeGreaterThan(50);
  // The stops were seen by the proxy (it retried), and every instance served again after its restart.
  expect(retried).toBeGreaterThan(0);
  expect([...servedBy.keys()].sort()).toEqual(['keywarden1', 'keywarden2', 'keywarden3']);
});

test('7. each scheduled job runs once per tick, not once per instance', async () => {
  test.setTimeout(120_000);
  // The cron ticks of the sync (every minute here): pg-boss turns each into one job through its
  // send-it queue. Wait for two ticks since the cluster started, if the earlier tests were quick.
  const ticksSql = `SELECT singleton_on, count(*)::int AS sent FROM (SELECT singleton_on, data FROM pgboss.job WHERE name = '__pgboss__send-it' UNION ALL SELECT singleton_on, data FROM pgboss.archive WHERE name = '__pgboss__send-it') AS sends WHERE data->>'name' = 'inventory-sync' GROUP BY singleton_on ORDER BY singleton_on`;
  const jobsSql = `SELECT id, state FROM pgboss.job WHERE name = 'inventory-sync' AND singleton_key IS NULL UNION ALL SELECT id, state FROM pgboss.archive WHERE name = 'inventory-sync' AND singleton_key IS NULL`;
  let ticks: { singleton_on: Date; sent: number }[] = [];
  let jobs: { id: string; state: string }[] = [];
  // Each tick makes one job (three instances each noticing it would make three), and each job runs
  // once. Read until the latest tick's job has been made and has run, after at least two ticks.
  await expect
    .poll(
      async () => {
        ticks = await query(cluster.database.url, ticksSql);
        jobs = await query(cluster.database.url, jobsSql);
        return { enoughTicks: ticks.length >= 2, jobsPerTick: jobs.length / Math.max(ticks.length, 1), unfinished: jobs.filter((job) => job.state !== 'completed').length };
      },
      { timeout: 100_000, intervals: [2_000] },
    )
    .toEqual({ enoughTicks: true, jobsPerTick: 1, unfinished: 0 });
  expect(ticks.filter((tick) => tick.sent !== 1)).toEqual([]);

  const syncs = await query<{ job_id: string; runs: number }>(cluster.database.url, `SELECT job_id::text, count(*)::int AS runs FROM sync_runs WHERE job_id IS NOT NULL GROUP BY job_id`);
  expect(syncs.filter((sync) => sync.runs > 1)).toEqual([]);
  const tickJobs = new Set(jobs.map((job) => job.id));
  expect(syncs.filter((sync) => tickJobs.has(sync.job_id)).length).toBeLessThanOrEqual(ticks.length);
  // The schedules themselves: one row per queue, whatever the number of instances that set them.
  const schedules = await query<{ name: string }>(cluster.database.url, 'SELECT name FROM pgboss.schedule ORDER BY name');
  expect(schedules.map((schedule) => schedule.name)).toEqual(['findings-recompute', 'incident-resume', 'inventory-sync', 'notifications']);
  console.log(`scheduled sync: ${ticks.length} ticks since ${cluster.startedAt.toISOString()}, ${jobs.length} jobs, ${syncs.filter((sync) => tickJobs.has(sync.job_id)).length} syncs from them`);
});
