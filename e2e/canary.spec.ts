// SECURITY.md T1, the canary scan: a machine-user token is never stored after its first view.
//
// This spec runs a Keywarden server of its own, in live mode, against a Platform.sh simulator it
// controls (faults on), with its own data directory and temp directory. It drives the token flows
// with a checksummed canary token — a validation error, a push where Platform.sh answers 500 with
// the request echoed back and another where it never answers (the deadline), a crash (SIGKILL) in
// the middle of a resumed push, a restart and the resume, the leaked-token lookup, the REST API
// (the lookup, the token recorded again and refusals; then lib/testing/api-canary.ts: bodies, queries,
// paths, Authorization; allowed and refused), sign-out — then
// searches every sink for the canary in raw, JSON-escaped, URL-encoded, hex and base64 forms:
// the server's stdout and stderr, the database files and a dump of every table, the temp
// directory, `.next/`, every response body and URL the browser saw, and the browser's storage.
// Positive controls: the simulator's request log (Platform.sh did receive the token) and a file
// planted with the canary, so that a scan that finds nothing is known to be able to find something.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { openDatabase } from '@/lib/db/client';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { apiCanaryRequests, type CanaryCaller } from '@/lib/testing/api-canary';
import { canaryToken, findIn, formsOf } from '@/lib/testing/canary';
import { databaseText } from '@/lib/testing/inspect';
import { acceptInvitation } from '@/lib/testing/machine-users';
import { signInOrThrow } from './support/auth';
import { demoProject, expectState, openMachineUserInteractive, openWizard, pageSection, sendInvitationButton, walkWizardToReview } from './support/machine-users';
import { e2eDir } from './support/paths';
import { freePort, logTail, ownServerEnvironment, spawnServer, stopServer, waitForHealth, type ServerProcess } from './support/server-process';
import { expect, test, uniqueEmail, uniquePassword } from './support/test';

const PROJECT = demoProject('Checkout API');
/** Its production already holds a hand-set variable (R8); these three hold nothing. */
const TARGETS = { echoed: 'staging', hung: 'feature-search', plain: 'feature-cart' } as const;
const variablesPath = (environmentId: string) => `/projects/${PROJECT.id}/environments/${environmentId}/variables`;

/** Every regular file under `root` that holds a form of the canary, as "path: form". */
function scanTree(root: string, forms: string[]): string[] {
  const findings: string[] = [];
  const visit = (entry: string) => {
    const stat = fs.lstatSync(entry, { throwIfNoEntry: false });
    if (!stat || stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
    } else if (stat.isFile()) {
      const form = findIn(fs.readFileSync(entry), forms);
      if (form) findings.push(`${path.relative(root, entry)}: ${form}`);
    }
  };
  visit(root);
  return findings;
}

/** What the browser saw: every URL it asked for and every response body it received. */
function recordTraffic(context: BrowserContext): { urls: string[]; bodies: string[]; pending: Promise<unknown>[] } {
  const traffic = { urls: [] as string[], bodies: [] as string[], pending: [] as Promise<unknown>[] };
  context.on('request', (request) => traffic.urls.push(request.url()));
  context.on('response', (response) => {
    traffic.pending.push(response.body().then((body) => traffic.bodies.push(body.toString('utf8')), () => undefined));
  });
  return traffic;
}

test('T1: the canary token is in no sink after success, a validation error, an echoing 500, a timeout, a crash and resume, a lookup, a no-JavaScript submit and sign-out', async ({ browser }, testInfo) => {
  test.setTimeout(300_000);
  const root = path.dirname(testInfo.config.configFile ?? path.join(process.cwd(), 'playwright.config.ts'));
  const dir = fs.mkdtempSync(path.join(e2eDir(), 'canary-'));
  const dataDir = path.join(dir, 'data');
  const tmpDir = path.join(dir, 'tmp');
  const logFile = path.join(dir, 'server.log');
  fs.mkdirSync(tmpDir, { recursive: true });
  const canary = canaryToken();
  const forms = formsOf(canary);

  const sim: RunningSimulator = await startSimulator({ faults: true, seed: 'demo', activityDurationMs: 500 });
  const port = await freePort();
  const baseURL = `http://localhost:${port}`;
  const admin = { email: uniqueEmail('canary-admin'), password: uniquePassword() };
  const environment = ownServerEnvironment(port, {
    KEYWARDEN_DATA_DIR: dataDir,
    TMPDIR: tmpDir,
    PLATFORMSH_API_URL: sim.url,
    PLATFORMSH_AUTH_URL: sim.authUrl,
    PLATFORMSH_API_TOKEN: sim.demo!.dashboardToken,
    KEYWARDEN_ADMIN_EMAIL: admin.email,
    KEYWARDEN_ADMIN_PASSWORD: admin.password,
    // Second factors are mfa.spec's subject: this server's organisation does not require one.
    KEYWARDEN_ADMIN_SECOND_FACTOR: 'nobody',
  });
  const start = async (): Promise<ServerProcess> => {
    const server = spawnServer(root, environment, logFile);
    await waitForHealth(baseURL, server, logFile);
    return server;
  };
  let server = await start();
  const context = await browser.newContext({ baseURL });
  const traffic = recordTraffic(context);

  try {
    await signInOrThrow(context.request, baseURL, admin);
    const page = await context.newPage();
    // The first sync runs in the background in live mode: wait until it has seen the project.
    await expect.poll(async () => (await context.request.get(`/projects/${PROJECT.id}`)).status(), { timeout: 60_000 }).toBe(200);

    // A machine user through the wizard; the simulator accepts its invitation as the person would.
    const email = uniqueEmail('bots+canary');
    await openWizard(page, PROJECT.id);
    await walkWizardToReview(page, { project: PROJECT, purpose: 'custom', email });
    await sendInvitationButton(page).click();
    await page.getByRole('link', { name: 'Open the machine user' }).click();
    await expect(page.getByRole('heading', { name: email, level: 1 })).toBeVisible();
    const machineUserId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const invitation = [...sim.store.projects.get(PROJECT.id)!.invitations.values()].find((candidate) => candidate.email === email);
    const accepted = await acceptInvitation(sim, invitation!.id);
    await openMachineUserInteractive(page, machineUserId, email);
    await page.getByRole('button', { name: 'Check now' }).click();
    await expectState(page, 'Active');
    // The machine user's own token, created in its Console: the canary.
    sim.store.issueApiToken(accepted.user_id, 'cron', { value: canary });

    const tokens = pageSection(page, 'Tokens');
    const field = tokens.getByLabel('API token', { exact: true });
    const environments = tokens.getByRole('group', { name: /Push to these environments/ });
    // Production (pre-selected) holds the hand-set variable: unchecking it takes its "Replace" box away
    // too, so uncheck until nothing is checked rather than over a list taken before.
    const checked = environments.getByRole('checkbox', { checked: true });
    while ((await checked.count()) > 0) await checked.first().uncheck();
    for (const environmentId of Object.values(TARGETS)) await environments.getByRole('checkbox', { name: environmentId, exact: true }).check();

    // 1. A validation error (a name of spaces only): refused by the server, nothing echoed back.
    const name = tokens.getByLabel('Name', { exact: true });
    await name.fill('   ');
    await field.fill(canary);
    await tokens.getByRole('button', { name: 'Verify and push' }).click();
    await expect(tokens.getByText('Name the token (e.g. where it is used).')).toBeVisible();
    await expect(field).toHaveValue('');
    await name.fill('cron on the canary project');

    // 2. The push: Platform.sh answers 500 echoing the request (value included) on one environment,
    //    never answers on another (the client's deadline), and sets the third.
    const faults = [
      sim.faults.add({ method: 'POST', path: variablesPath(TARGETS.echoed), kind: 'echo-body', status: 500, count: 1 }),
      sim.faults.add({ method: 'POST', path: variablesPath(TARGETS.hung), kind: 'hang', count: 1 }),
    ];
    await field.fill(canary);
    await tokens.getByRole('button', { name: 'Verify and push' }).click();
    await expect(tokens.getByText('The token is set on 1 of 3 environments')).toBeVisible({ timeout: 60_000 });
    expect(faults.map((rule) => rule.fired)).toEqual([1, 1]);

    // 3. Resume, and crash half-way: SIGKILL while Platform.sh holds the answer for one environment.
    await page.reload();
    const resume = tokens.getByRole('form', { name: `Resume the push of …${canary.slice(-4)}` });
    sim.faults.add({ method: 'POST', path: variablesPath(TARGETS.echoed), kind: 'hang', count: 1 });
    const writesBefore = sim.requestLog.find('POST', new RegExp(`${TARGETS.echoed}/variables$`)).length;
    await resume.getByLabel(/The same token/).fill(canary);
    await resume.getByRole('button', { name: 'Resume the push' }).click();
    await expect.poll(() => sim.requestLog.find('POST', new RegExp(`${TARGETS.echoed}/variables$`)).length, { timeout: 30_000 }).toBe(writesBefore + 1);
    await stopServer(server.pid, { crash: true });

    // 4. Restart on the same data. Once the dead run's heartbeat is old enough, the page offers to
    //    resume it; the same token finishes it.
    server = await start();
    await expect(async () => {
      await page.goto(`/machine-users/${machineUserId}`);
      await expect(resume).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 60_000, intervals: [2_000] });
    // Platform.sh takes its time over the last environment, and the page is reloaded meanwhile: the
    // new page follows the push that is still running to its end, with no further reload (issue 14.4).
    sim.faults.add({ method: 'POST', path: variablesPath(TARGETS.echoed), kind: 'latency', ms: 4_000, count: 1 });
    await resume.getByLabel(/The same token/).fill(canary);
    await resume.getByRole('button', { name: 'Resume the push' }).click();
    await expect(resume.getByRole('progressbar', { name: 'Push progress' })).toBeVisible();
    await page.reload();
    await expect(tokens.getByRole('status').filter({ hasText: `A push of …${canary.slice(-4)} is running` })).toBeVisible();
    // The page renders itself again when the run ends; the page's status line stays.
    await expect(tokens.getByRole('status').filter({ hasText: `Last push: …${canary.slice(-4)} to 3 environments, succeeded` })).toBeVisible({ timeout: 30_000 });
    await expect(resume).toBeHidden();
    for (const environmentId of Object.values(TARGETS)) {
      const variables = [...sim.store.projects.get(PROJECT.id)!.environments.get(environmentId)!.variables.values()].filter((variable) => variable.name === 'env:PLATFORMSH_CLI_TOKEN');
      expect(variables.map((variable) => variable.value), environmentId).toEqual([canary]);
    }

    // 5. The leaked-token lookup, then sign-out.
    await page.goto('/tokens');
    const lookup = page.getByRole('form', { name: 'Leaked-token lookup' });
    await lookup.getByLabel('Suspicious string').fill(canary);
    await lookup.getByRole('button', { name: 'Look up' }).click();
    await expect(lookup.getByRole('status')).toContainText(email);

    // 5b. The REST API with the same session (Keywarden's Origin): the lookup, a refusal for an
    //     unknown field beside the token, the token recorded again (409), a resume of no run (403).
    //     Their answers join the scanned response bodies.
    const apiHeaders = { Origin: baseURL };
    const apiCalls = [
      context.request.post('/api/v1/tokens/lookup', { headers: apiHeaders, data: { candidate: canary } }),
      context.request.post(`/api/v1/machine-users/${machineUserId}/tokens`, { headers: apiHeaders, data: { token: canary, name: 'api', environments: [TARGETS.plain], colour: canary } }),
      context.request.post(`/api/v1/machine-users/${machineUserId}/tokens`, { headers: apiHeaders, data: { token: canary, name: 'api', environments: [TARGETS.plain] } }),
      context.request.post(`/api/v1/pushes/${crypto.randomUUID()}/resume`, { headers: apiHeaders, data: { token: canary } }),
    ];
    const sessionAnswers = [];
    for (const call of apiCalls) sessionAnswers.push(await call);
    expect(sessionAnswers.map((answer) => answer.status())).toEqual([200, 400, 409, 403]);
    traffic.bodies.push(...(await Promise.all(sessionAnswers.map((answer) => answer.text()))));

    // 5c. The REST API (issue 16): the canary in JSON bodies, queries, paths and the Authorization
    //     header, sent by callers who may and may not, valid and invalid (lib/testing/api-canary.ts;
    //     reviewer and onboarder keys are the integration scan's). Every answer joins the scanned
    //     response bodies; what the server logged or stored is scanned with the rest below.
    const cookie = (await context.cookies()).map((entry) => `${entry.name}=${entry.value}`).join('; ');
    const created = await fetch(`${baseURL}/api/v1/api-keys`, {
      method: 'POST',
      headers: { cookie, origin: baseURL, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'canary scan', expires_in_days: 1 }),
    });
    expect(created.status).toBe(201);
    const apiKey = ((await created.json()) as { key: string }).key;
    const tokenList = (await (await fetch(`${baseURL}/api/v1/tokens?status=all`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { data: { id: string; machine_user: { id: string } }[] };
    const tokenId = tokenList.data.find((token) => token.machine_user.id === machineUserId)?.id;
    expect(tokenId).toBeDefined();
    const callers: Partial<Record<CanaryCaller, Record<string, string>>> = {
      admin: { authorization: `Bearer ${apiKey}` },
      session: { cookie, origin: baseURL },
      'session-no-origin': { cookie },
      'session-foreign-origin': { cookie, origin: 'https://evil.example' },
      none: {},
      'bearer-canary': { authorization: `Bearer ${canary}` },
      'bearer-kw-canary': { authorization: `Bearer kw_${canary}` },
    };
    const apiRequests = apiCanaryRequests(canary, { machineUser: machineUserId, otherMachineUser: crypto.randomUUID(), token: tokenId!, otherToken: crypto.randomUUID(), environments: Object.values(TARGETS) });
    let apiAnswers = 0;
    for (const request of apiRequests) {
      const credentials = callers[request.caller];
      if (!credentials) continue;
      const response = await fetch(`${baseURL}${request.path}`, {
        method: request.method,
        headers: { ...credentials, ...(request.body !== undefined ? { 'content-type': request.contentType ?? 'application/json' } : {}) },
        body: request.body,
        redirect: 'manual',
      });
      const text = await response.text();
      expect(response.status, `${request.method} ${request.label}: ${text.slice(0, 200)}`).toBeLessThan(500);
      traffic.bodies.push(`${[...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')}\n${text}`);
      apiAnswers += 1;
    }
    expect(apiAnswers).toBeGreaterThan(40);

    // 6. No JavaScript, as before hydration: the token forms take nothing and send nothing, and the
    //    URL such a form would have sent before (a GET with the token) is never rendered back.
    const noScript = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: await context.storageState() });
    const noScriptTraffic = recordTraffic(noScript);
    const sentOnPurpose: string[] = [];
    const bare = await noScript.newPage();
    for (const pathname of [`/machine-users/${machineUserId}`, '/tokens']) {
      await bare.goto(pathname);
      const secretFields = bare.locator('form input[type="password"]');
      expect(await secretFields.count(), pathname).toBeGreaterThan(0);
      for (const secretField of await secretFields.all()) await expect(secretField).toBeDisabled();
      for (const submit of await bare.locator('form:has(input[type="password"]) button[type="submit"]').all()) {
        await expect(submit).toBeDisabled();
        await submit.click({ force: true });
      }
      const sent = `${baseURL}${pathname}?token=${encodeURIComponent(canary)}`;
      sentOnPurpose.push(sent);
      await bare.goto(sent);
      expect(new URL(bare.url()).search, pathname).toBe('');
    }
    await Promise.all(noScriptTraffic.pending);
    await noScript.close();
    traffic.bodies.push(...noScriptTraffic.bodies);
    traffic.urls.push(...noScriptTraffic.urls.filter((url) => !sentOnPurpose.includes(url)));

    const storage = JSON.stringify(await context.storageState({ indexedDB: true }));
    const pageStorage = await page.evaluate(async () => ({
      local: { ...localStorage },
      session: { ...sessionStorage },
      caches: 'caches' in window ? await caches.keys() : [],
    }));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await Promise.all(traffic.pending);

    // Stop cleanly (logs flushed, database closed), then dump every table.
    await stopServer(server.pid);
    const handle = openDatabase({ kind: 'pglite', directory: path.join(dataDir, 'pglite') });
    const dump = await databaseText(handle.db).finally(() => handle.close());
    expect(dump.length).toBeGreaterThan(1000);

    // Positive controls: Platform.sh received the canary, and the scanner finds a planted one.
    expect(findIn(JSON.stringify(sim.requestLog.entries), forms)).toBeDefined();
    const control = path.join(dir, 'control');
    fs.mkdirSync(control);
    fs.writeFileSync(path.join(control, 'planted.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`x${Buffer.from(canary).toString('base64')}`)]));
    expect(scanTree(control, forms)).toHaveLength(1);

    // The sinks.
    const log = fs.readFileSync(logFile, 'utf8');
    expect(log, 'the server log is read').toContain('is running at');
    expect(findIn(log, forms), 'server stdout and stderr').toBeUndefined();
    expect(findIn(dump, forms), 'a dump of every table').toBeUndefined();
    expect(scanTree(dataDir, forms), 'the data directory (database files, secrets)').toEqual([]);
    expect(scanTree(tmpDir, forms), 'temp files').toEqual([]);
    expect(scanTree(path.join(root, '.next'), forms), '.next/').toEqual([]);
    expect(traffic.bodies.length).toBeGreaterThan(20);
    expect(traffic.bodies.filter((body) => findIn(body, forms)).map((body) => body.slice(0, 200)), 'response bodies').toEqual([]);
    expect(traffic.urls.filter((url) => findIn(url, forms)), 'URLs').toEqual([]);
    expect(findIn(storage, forms), 'cookies, local storage and IndexedDB').toBeUndefined();
    expect(findIn(JSON.stringify(pageStorage), forms), 'session storage and Cache Storage').toBeUndefined();
  } catch (error) {
    testInfo.attachments.push({ name: 'canary-server.log', contentType: 'text/plain', body: Buffer.from(logTail(logFile)) });
    throw error;
  } finally {
    await context.close();
    await stopServer(server.pid, { crash: true });
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
