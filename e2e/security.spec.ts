// Transport and browser-side defences (SECURITY.md A3, A5, T6): headers on every route, scripts
// that run only with the response's nonce, origin and Host checks on state-changing requests, the
// session cookie's flags, a health report that reveals nothing secret, and hostile input (control
// characters, oversized or deeply nested bodies) answered by the app, never with a 500.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { APIResponse, Page } from '@playwright/test';
import { DEMO_DASHBOARD_API_TOKEN, DEMO_DASHBOARD_USER_ID } from '@/lib/platformsh/simulator';
import { secretFrom } from '@/lib/platformsh/simulator/ids';
import { SESSION_COOKIE, signInByApi } from './support/auth';
import { sandboxDashboardToken, sandboxSimulatorUrl } from './support/sandbox';
import { expectSecretFormsInertWithoutJavaScript } from './support/secret-forms';
import { cookieHeaderOf, rawRequest } from './support/raw-http';
import { inviteByAction, readCapturedActions } from './support/seed';
import { parseActionResult } from './support/server-actions';
import { expect, readAccounts, syntheticAddress, test, uniqueEmail, uniquePassword, waitForHydration } from './support/test';

const DASHBOARD_PATHS = ['/', '/projects', '/machine-users', '/tokens', '/review', '/review/inventory', '/settings', '/audit', '/users'];
const INVALID_TOKEN = 'x'.repeat(43);
const PUBLIC_PATHS = ['/sign-in', `/setup/${INVALID_TOKEN}`, `/invite/${INVALID_TOKEN}`, '/api/health', '/api/auth/csrf', '/no-such-page'];

function nonceOf(csp: string): string {
  const nonce = /script-src [^;]*'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  if (!nonce) throw new Error(`No script nonce in the CSP: ${csp}`);
  return nonce;
}

function expectSecurityHeaders(response: APIResponse, label: string): void {
  const headers = response.headers();
  const csp = headers['content-security-policy'] ?? '';
  expect(csp, `${label}: Content-Security-Policy`).toContain("frame-ancestors 'none'");
  expect(csp, `${label}: script nonce`).toMatch(/script-src [^;]*'nonce-[A-Za-z0-9+/=]{16,}'/);
  const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
  expect(scriptSrc, `${label}: script-src`).not.toContain("'unsafe-inline'");
  expect(scriptSrc, `${label}: script-src in production`).not.toContain("'unsafe-eval'");
  expect(csp, `${label}: object-src`).toContain("object-src 'none'");
  const hsts = headers['strict-transport-security'] ?? '';
  expect(Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0), `${label}: HSTS max-age`).toBeGreaterThanOrEqual(31_536_000);
  expect(headers['x-content-type-options'], `${label}: nosniff`).toBe('nosniff');
  expect(headers['referrer-policy'], `${label}: Referrer-Policy`).toMatch(/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/);
  expect(headers['x-frame-options'], `${label}: X-Frame-Options`).toBe('DENY');
  expect(headers['x-powered-by'], `${label}: X-Powered-By`).toBeUndefined();
}

test('every route answers with the security headers, signed in or not', async ({ request, newApiClient }) => {
  for (const pathname of PUBLIC_PATHS) {
    expectSecurityHeaders(await request.get(pathname), pathname);
  }
  // The redirect a visitor without a session gets carries them too.
  const redirect = await request.get('/', { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expect(redirect.headers().location).toMatch(/\/sign-in$/);
  expectSecurityHeaders(redirect, '/ (redirect to sign-in)');

  const admin = await newApiClient({ as: 'admin' });
  for (const pathname of DASHBOARD_PATHS) {
    const response = await admin.get(pathname, { maxRedirects: 0 });
    expect(response.status(), `${pathname} as admin`).toBe(200);
    expectSecurityHeaders(response, `${pathname} as admin`);
  }
});

test('every script in the HTML carries this response’s nonce, and each response has a new one', async ({ request, newApiClient }) => {
  const admin = await newApiClient({ as: 'admin' });
  const seen = new Set<string>();
  for (const [client, pathname] of [...DASHBOARD_PATHS.map((p) => [admin, p] as const), [request, '/sign-in'] as const]) {
    const response = await client.get(pathname);
    const nonce = nonceOf(response.headers()['content-security-policy'] ?? '');
    expect(seen.has(nonce), `nonce reused on ${pathname}`).toBe(false);
    seen.add(nonce);
    const html = await response.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length, `scripts on ${pathname}`).toBeGreaterThan(0);
    const withoutNonce = scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`));
    expect(withoutNonce, `scripts without the nonce on ${pathname}`).toEqual([]);
  }
});

interface Violation {
  page: string;
  directive: string;
  blocked: string;
}

/** Collects CSP violations (events and console reports) across navigations of `page`. */
async function watchCspViolations(page: Page): Promise<Violation[]> {
  const violations: Violation[] = [];
  await page.exposeBinding('__keywardenReportCsp', (_source, violation: Violation) => {
    violations.push(violation);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __keywardenReportCsp: (v: Violation) => void }).__keywardenReportCsp;
      report({ page: location.pathname, directive: event.effectiveDirective, blocked: event.blockedURI });
    });
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      violations.push({ page: new URL(page.url()).pathname, directive: 'console', blocked: message.text() });
    }
  });
  return violations;
}

test('navigating every page, by URL and through the menu, reports no CSP violation', async ({ pageAs, page }) => {
  const anonymousViolations = await watchCspViolations(page);
  for (const pathname of ['/sign-in', `/setup/${INVALID_TOKEN}`, `/invite/${INVALID_TOKEN}`]) {
    await page.goto(pathname);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  await waitForHydration(page, 'body');

  const admin = await pageAs('admin');
  const violations = await watchCspViolations(admin);
  for (const pathname of DASHBOARD_PATHS) {
    await admin.goto(pathname);
    await expect(admin.getByRole('heading', { level: 1 })).toBeVisible();
  }
  // Client-side navigation loads the other routes' code the way people use the app.
  const menu = admin.getByRole('navigation', { name: 'Main' });
  for (const label of ['Overview', 'Projects', 'Machine users', 'Tokens', 'Review', 'Audit', 'Users', 'Settings']) {
    await menu.getByRole('link', { name: label, exact: true }).click();
    await expect(menu.getByRole('link', { name: label, exact: true })).toHaveAttribute('aria-current', 'page');
  }
  await admin.goto('/users');
  await waitForHydration(admin, 'main button');
  await admin.getByRole('button', { name: 'Invite user' }).click();
  await expect(admin.getByRole('dialog', { name: 'Invite a user' })).toBeVisible();

  expect(anonymousViolations).toEqual([]);
  expect(violations).toEqual([]);

  // Positive control: the watcher does see a violation, and the policy does block inline script
  // (an inline event handler: 'strict-dynamic' would let a script-created <script> run).
  await admin.evaluate(() => {
    const button = document.createElement('button');
    button.setAttribute('onclick', 'window.__keywardenInjected = true;');
    document.body.append(button);
    button.click();
  });
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(await admin.evaluate(() => (window as unknown as { __keywardenInjected?: boolean }).__keywardenInjected)).toBeUndefined();
});

test('a state-changing request from a foreign origin, or with no origin at all, is refused', async ({ request, baseURL, newApiClient, pageAs }) => {
  const admin = readAccounts().admin;
  const origin = new URL(baseURL ?? '').origin;
  const csrf = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const form = { csrfToken: csrf.csrfToken, email: admin.email, password: admin.password, callbackUrl: `${origin}/`, json: 'true' };
  const post = (headers: Record<string, string>) =>
    request.post('/api/auth/callback/credentials', { headers, form, maxRedirects: 0 });

  for (const [label, headers] of [
    ['foreign Origin', { Origin: 'https://evil.example' }],
    ['no Origin, foreign Referer', { Referer: 'https://evil.example/login' }],
    ['no Origin and no Referer', {}],
    ['Origin "null"', { Origin: 'null' }],
  ] as const) {
    const response = await post(headers);
    expect(response.status(), label).toBe(403);
    expect(response.headers()['set-cookie'] ?? '', label).not.toContain(SESSION_COOKIE);
  }
  // Positive control: the very same request from Keywarden's own origin signs in.
  const accepted = await post({ Origin: origin });
  expect(accepted.status()).toBe(200);
  expect(accepted.headers()['set-cookie'] ?? '').toContain(`${SESSION_COOKIE}=`);

  // A server action posted with the admin's own session from a foreign origin changes nothing.
  const { inviteUser } = readCapturedActions();
  const email = uniqueEmail('csrf-victim');
  const adminApi = await newApiClient({ as: 'admin' });
  const forged = await adminApi.post(inviteUser.url, {
    headers: { ...inviteUser.headers, Origin: 'https://evil.example' },
    data: JSON.stringify([{ email, name: '', role: 'admin', projectIds: [] }]),
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  const usersPage = await pageAs('admin');
  await usersPage.goto(`/users?q=${encodeURIComponent(email)}`);
  await expect(usersPage.getByRole('heading', { name: `No users match “${email}”` })).toBeVisible();
});

test('the session cookie is HttpOnly and SameSite=Lax, and scripts cannot read it', async ({ page, baseURL }) => {
  const admin = readAccounts().admin;
  const outcome = await signInByApi(page.context().request, baseURL ?? '', admin);
  expect(outcome).toEqual({ status: 200, error: null });
  const cookie = (await page.context().cookies()).find((candidate) => candidate.name === SESSION_COOKIE);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  await page.goto('/settings');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
});

test('the session cookie is set with HttpOnly and SameSite=Lax on the wire', async ({ request, baseURL }) => {
  const admin = readAccounts().admin;
  const origin = new URL(baseURL ?? '').origin;
  const csrf = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await request.post('/api/auth/callback/credentials', {
    headers: { Origin: origin },
    form: { csrfToken: csrf.csrfToken, email: admin.email, password: admin.password, callbackUrl: `${origin}/`, json: 'true' },
  });
  expect(response.status()).toBe(200);
  const setCookie = response
    .headersArray()
    .filter((header) => header.name.toLowerCase() === 'set-cookie')
    .map((header) => header.value)
    .find((value) => value.startsWith(`${SESSION_COOKIE}=`));
  expect(setCookie).toBeDefined();
  expect(setCookie).toMatch(/;\s*HttpOnly/i);
  expect(setCookie).toMatch(/;\s*SameSite=Lax/i);
  expect(setCookie).toMatch(/;\s*Path=\//i);
});

test('idle connections are kept alive longer than a load balancer’s idle timeout', async ({ request }) => {
  // Node's default (5 s) let a client reuse a connection just as the server closed it: a reset.
  const response = await request.get('/api/health');
  expect(response.headers()['keep-alive']).toBe('timeout=65');
});

test('/api/health reports a healthy sandbox on PGlite and reveals no secret', async ({ request, server, newApiClient }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(response.headers()['cache-control']).toContain('no-store');
  const body = await response.text();
  expect(JSON.parse(body)).toMatchObject({
    status: 'ok',
    mode: 'sandbox',
    database: { kind: 'pglite', reachable: true },
    migrations: { state: 'current' },
  });

  const secretsDir = path.join(server.dataDir, 'secrets');
  const keyFiles = fs.readdirSync(secretsDir).filter((name) => name.endsWith('.key'));
  // The check below means something only if the server really generated its keys there.
  expect(keyFiles.sort()).toEqual(['api-key.key', 'audit.key', 'fingerprint.key', 'sandbox-simulator.key', 'session.key']);
  const secrets = keyFiles.map((name) => fs.readFileSync(path.join(secretsDir, name), 'utf8').trim());
  for (const secret of secrets) expect(secret.length).toBeGreaterThanOrEqual(32);

  const settings = await (await newApiClient({ as: 'admin' })).get('/settings');
  expect(settings.status()).toBe(200);
  const settingsHtml = await settings.text();
  for (const [index, secret] of secrets.entries()) {
    expect(body.includes(secret), `${keyFiles[index]} in /api/health`).toBe(false);
    expect(settingsHtml.includes(secret), `${keyFiles[index]} on /settings`).toBe(false);
    expect(body.includes(secret.slice(0, 16)), `part of ${keyFiles[index]} in /api/health`).toBe(false);
  }
});

test('the sandbox simulator accepts no token derivable from the source, and its Console refuses the dashboard account', async ({ request, server }) => {
  const simulator = sandboxSimulatorUrl(server);
  const exchange = (apiToken: string) =>
    request.post(`${simulator}/oauth2/token`, {
      headers: { Authorization: `Basic ${Buffer.from('platform-api-user:').toString('base64')}` },
      form: { grant_type: 'api_token', api_token: apiToken },
    });
  // What anyone reading lib/platformsh/simulator/seed.ts computes: the dashboard's and an owner's token.
  for (const publicToken of [DEMO_DASHBOARD_API_TOKEN, secretFrom('human-token:alice')]) {
    expect((await exchange(publicToken)).status()).toBe(400);
  }
  // Positive control: the credential derived from this data directory's random key works.
  expect((await exchange(sandboxDashboardToken(server))).status()).toBe(200);

  const consolePage = await request.get(`${simulator}/_console/users/${DEMO_DASHBOARD_USER_ID}/api-tokens/new`);
  expect(consolePage.status()).toBe(403);
  const html = await consolePage.text();
  expect(html).toContain('Not for this account');
  expect(html).not.toContain('id="api-token"');
});

test('a password form submitted before its script runs never puts the password in the URL', async ({ browser, baseURL, newApiClient }) => {
  // Without JavaScript the forms fall back to native submission, as they do before hydration.
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() } });
  const page = await context.newPage();
  const password = uniquePassword();
  const visited: string[] = [];
  page.on('request', (request) => visited.push(request.url()));

  // The sign-in form cannot be sent at all without JavaScript (auth.spec); the set-password form is
  // a plain form post.
  const link = await inviteByAction(await newApiClient({ as: 'admin' }), { email: uniqueEmail('no-js-invitee'), role: 'reviewer' });
  await page.goto(link.url);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat the password').fill(password);
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await page.waitForLoadState();

  expect(visited.length).toBeGreaterThan(2);
  expect(visited.filter((url) => url.includes(password) || url.includes(encodeURIComponent(password)))).toEqual([]);
  await context.close();
});

test('a token form is inert before hydration: method="post", disabled, sends nothing', async ({ browser, baseURL }) => {
  // The leaked-token lookup (admin); the record and rotate forms are checked in tokens.spec, where a
  // machine user holds a token.
  expect(await expectSecretFormsInertWithoutJavaScript(browser, baseURL ?? '', 'admin', '/tokens')).toBe(1);
});

test('a secret in a URL is never rendered back: the page answers with a redirect without it', async ({ newApiClient }) => {
  const admin = await newApiClient({ as: 'admin' });
  const secret = `kwurl${uniquePassword()}`;
  for (const query of [`token=${secret}`, `status=active&token=${secret}`, `liveToken=${secret}`, `password=${secret}&q=x`]) {
    const response = await admin.get(`/tokens?${query}`, { maxRedirects: 0 });
    expect(response.status(), query).toBe(303);
    const location = response.headers().location ?? '';
    expect(location, query).not.toContain(secret);
    expect(response.headers()['cache-control'], query).toContain('no-store');
    expect(response.headers()['referrer-policy'], query).toBe('no-referrer');
    expect(await response.text(), query).not.toContain(secret);
    // And the page it leads to is the page, without the secret.
    const followed = await admin.get(location);
    expect(followed.status()).toBe(200);
    expect(await followed.text()).not.toContain(secret);
  }
  // The RSC request of a client-side navigation is no different.
  const rsc = await admin.get(`/tokens?token=${secret}&_rsc=1`, { headers: { RSC: '1' }, maxRedirects: 0 });
  expect(rsc.status()).toBe(303);
  expect(await rsc.text()).not.toContain(secret);
});

test('a token pasted into a search box never stays in the address: the search runs without it', async ({ newApiClient, pageAs }) => {
  // Any name: the value's shape is what gives it away (the shape free text refuses).
  const token = `Kw${randomBytes(24).toString('base64url')}7aZ`;
  const admin = await newApiClient({ as: 'admin' });
  const response = await admin.get(`/tokens?q=${token}&status=active`, { maxRedirects: 0 });
  expect(response.status()).toBe(303);
  expect(response.headers().location).toBe('/tokens?status=active');

  // Through the page's own search form, which navigates on the client.
  const page = await pageAs('admin');
  await page.goto('/tokens');
  await waitForHydration(page, 'form[role="search"]');
  await page.getByLabel('Search tokens').fill(token);
  await page.getByLabel('Search tokens').press('Enter');
  await expect(page).toHaveURL(/\/tokens(\?|$)/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(page.url()).not.toContain(token);
  expect(await page.content()).not.toContain(token);
});

/** A refusal in the app's own error vocabulary, with no trace of a stack or a file path. */
function expectAppErrorJson(body: string, label: string): void {
  const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
  expect(parsed.error?.code, label).toMatch(/^[a-z_]+$/);
  expect(parsed.error?.message, label).toBeTruthy();
  expect(body, `${label}: stack trace`).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.next\//);
}

test('A3: only KEYWARDEN_URL’s Host is served (421 otherwise), and a forged Host cannot vouch for a forged Origin', async ({ baseURL, newApiClient, pageAs }) => {
  const base = baseURL ?? '';
  const own = new URL(base);
  const signIn = await rawRequest(base, { path: '/sign-in' });
  expect(signIn.status).toBe(200);
  // A static chunk: the proxy never sees these, so this proves the check sits in front of everything.
  const chunk = /<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/.exec(signIn.body)?.[1] ?? '';
  expect(chunk).not.toBe('');
  expect((await rawRequest(base, { path: chunk })).status).toBe(200);

  for (const host of ['evil.example', `evil.example:${own.port}`, `127.0.0.1:${own.port}`, own.hostname, `${own.hostname}:1`]) {
    for (const path of ['/sign-in', chunk, '/api/auth/csrf']) {
      const response = await rawRequest(base, { path, headers: { host } });
      expect(response.status, `${host} ${path}`).toBe(421);
      expectAppErrorJson(response.body, `${host} ${path}`);
    }
  }
  // Host names are case-insensitive.
  expect((await rawRequest(base, { path: '/sign-in', headers: { host: own.host.toUpperCase() } })).status).toBe(200);
  // Deliberate: a load balancer probes with an internal address, and the report holds no secret.
  const probe = await rawRequest(base, { path: '/api/health', headers: { host: '10.0.0.5:3000' } });
  expect(probe.status).toBe(200);

  // The attack from the review: the admin's session, a forged Host and an Origin that matches it.
  const { inviteUser } = readCapturedActions();
  const admin = await newApiClient({ as: 'admin' });
  const email = uniqueEmail('host-forged');
  const forgedHost = `evil.example:${own.port}`;
  const forged = await rawRequest(base, {
    method: 'POST',
    path: new URL(inviteUser.url).pathname,
    headers: { ...inviteUser.headers, cookie: await cookieHeaderOf(admin), host: forgedHost, origin: `http://${forgedHost}` },
    body: JSON.stringify([{ email, name: '', role: 'admin', projectIds: [] }]),
  });
  expect(forged.status).toBe(421);
  const usersPage = await pageAs('admin');
  await usersPage.goto(`/users?q=${encodeURIComponent(email)}`);
  await expect(usersPage.getByRole('heading', { name: `No users match “${email}”` })).toBeVisible();
});

test('A3: a server action with Origin "null" is refused with 403, even with our own Referer', async ({ baseURL, newApiClient }) => {
  const { inviteUser } = readCapturedActions();
  const admin = await newApiClient({ as: 'admin' });
  const response = await admin.post(inviteUser.url, {
    headers: { ...inviteUser.headers, Origin: 'null', Referer: `${new URL(baseURL ?? '').origin}/users` },
    data: JSON.stringify([{ email: uniqueEmail('origin-null'), name: '', role: 'reviewer', projectIds: [] }]),
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
  expectAppErrorJson(await response.text(), 'Origin null');
});

const FILTERS: Record<string, string[]> = {
  '/': ['page'],
  '/projects': ['q', 'sort', 'dir', 'page', 'variable', 'state'],
  '/users': ['q', 'page'],
  '/machine-users': ['q', 'project', 'state', 'sort', 'dir', 'page'],
  '/machine-users/new': ['project'],
  '/audit': ['actor', 'action', 'outcome', 'target', 'targetType', 'from', 'to', 'sort', 'dir', 'page'],
  '/tokens': ['q', 'status', 'overdue', 'drift', 'project', 'sort', 'dir', 'page'],
  '/review/inventory': ['q', 'project', 'purpose', 'role', 'status', 'age', 'owner', 'finding', 'managed', 'state', 'sort', 'dir', 'page', 'vpage', 'upage'],
};

test('a control character in any filter of any list page is ignored: the page answers 200, never 500', async ({ newApiClient }) => {
  const admin = await newApiClient({ as: 'admin' });
  for (const [pathname, params] of Object.entries(FILTERS)) {
    for (const param of params) {
      for (const value of ['%00', 'a%00b', '%1B%5B31m']) {
        const url = `${pathname}?${param}=${value}`;
        const response = await admin.get(url, { maxRedirects: 0 });
        expect(response.status(), url).toBe(200);
        const html = await response.text();
        expect(html, url).toContain('<h1');
        expect(html, url).not.toContain('Something went wrong');
      }
    }
  }
});

test('a NUL in a name given to a server action is a field error, not “Something went wrong”', async ({ newApiClient }) => {
  const { inviteUser } = readCapturedActions();
  const admin = await newApiClient({ as: 'admin' });
  const response = await admin.post(inviteUser.url, {
    headers: { ...inviteUser.headers, origin: new URL(inviteUser.url).origin },
    data: JSON.stringify([{ email: uniqueEmail('nul-name'), name: 'Ann\u0000Smith', role: 'reviewer', projectIds: [] }]),
    maxRedirects: 0,
  });
  expect(response.status()).toBe(200);
  const result = parseActionResult(await response.text());
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe('invalid_input');
  expect(result.error.fieldErrors?.name).toEqual(['Remove the control characters (such as NUL) from this text.']);
});

test('an oversized, a deeply nested or an unsized body is refused with 413, 400 or 411, and the server keeps answering', async ({ baseURL, newApiClient }) => {
  const { inviteUser } = readCapturedActions();
  const admin = await newApiClient({ as: 'admin' });
  const headers = { ...inviteUser.headers, origin: new URL(inviteUser.url).origin };
  const post = (data: string) => admin.post(inviteUser.url, { headers, data, maxRedirects: 0 });

  const oversized = await post(JSON.stringify([{ email: uniqueEmail('big'), name: 'x'.repeat(2 * 1024 * 1024), role: 'reviewer', projectIds: [] }]));
  expect(oversized.status()).toBe(413);
  expectAppErrorJson(await oversized.text(), '2 MB body');

  const deep = await post(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  expect(deep.status()).toBe(400);
  expectAppErrorJson(await deep.text(), '100k-deep JSON');

  const chunked = await rawRequest(baseURL ?? '', {
    method: 'POST',
    path: new URL(inviteUser.url).pathname,
    headers: { ...headers, cookie: await cookieHeaderOf(admin) },
    body: JSON.stringify([{ email: uniqueEmail('chunked'), name: '', role: 'reviewer', projectIds: [] }]),
    chunked: true,
  });
  expect(chunked.status).toBe(411);
  expectAppErrorJson(chunked.body, 'chunked body');

  // Still answering, and an ordinary action still goes through the gate.
  expect((await admin.get('/api/health')).status()).toBe(200);
  const link = await inviteByAction(admin, { email: uniqueEmail('after-refusals'), role: 'reviewer' });
  expect(link.url).toContain('/invite/');
});
