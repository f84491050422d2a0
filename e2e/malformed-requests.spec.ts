// A stranger's malformed requests (an outsider's probe) are answered with a 4xx (odd but valid ones,
// such as HEAD, as they should be) and leave no error-level line in the server's log: a 500 with a
// stack trace for a bad request is wrong, and such noise hides the real failures. A server of its own, so that its log holds only these requests.
import fs from 'node:fs';
import path from 'node:path';
import { rawRequest } from './support/raw-http';
import { readCapturedActions } from './support/seed';
import { e2eDir } from './support/paths';
import { freePort, ownServerEnvironment, spawnServer, stopServer, waitForHealth } from './support/server-process';
import { expect, test, uniqueEmail, uniquePassword } from './support/test';

interface Probe {
  label: string;
  method?: string;
  path: string;
  /** The request line's target, sent as given (not a path). */
  target?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The status expected; any 4xx when absent. */
  status?: number;
}

/** The shape of a server action id Next accepts (hex), naming no action of this build. */
const UNKNOWN_ACTION_ID = '7f'.padEnd(42, '0');

/** A multipart/form-data body (boundary `xyz`) of text fields. */
function multipartBody(parts: [string, string][]): string {
  return [...parts.flatMap(([name, value]) => ['--xyz', `Content-Disposition: form-data; name="${name}"`, '', value]), '--xyz--', ''].join('\r\n');
}

/** A bound action's fields as a form renders them (`$ACTION_REF_1`, `$ACTION_1:0`, …), made undecodable. */
function nativeFormPosts(actionId: string): { label: string; parts: [string, string][] }[] {
  const descriptor = `{"id":"${actionId}","bound":"$@1"}`;
  return [
    { label: 'a descriptor that is not JSON', parts: [['$ACTION_REF_1', '{'], ['$ACTION_1:0', `{"id":"${actionId}","bound":`], ['$ACTION_1:1', '[null]']] },
    { label: 'bound arguments that are missing', parts: [['$ACTION_REF_1', ''], ['$ACTION_1:0', descriptor]] },
    { label: 'bound arguments that are not JSON', parts: [['$ACTION_REF_1', ''], ['$ACTION_1:0', descriptor], ['$ACTION_1:1', 'not json']] },
    { label: 'a bound argument referring to a missing part', parts: [['$ACTION_REF_1', ''], ['$ACTION_1:0', descriptor], ['$ACTION_1:1', '["$Q2"]']] },
    { label: 'an id that is not a string', parts: [['$ACTION_REF_1', ''], ['$ACTION_1:0', `{"id":"${actionId}","id":5}`]] },
    { label: 'no bound arguments', parts: [['$ACTION_REF_1', ''], ['$ACTION_1:0', `{"id":"${actionId}"}`]] },
  ];
}

/** `actionId`: a real server action of this build (an action id is in the page scripts anyone loads). */
function probes(origin: string, actionId: string): Probe[] {
  const garbageMultipart = { 'content-type': 'multipart/form-data; boundary=xyz', origin };
  const realAction = { 'next-action': actionId, 'content-type': 'text/plain;charset=UTF-8', origin };
  return [
    { label: 'next-auth error page with CR LF in the code', path: '/api/auth/error?error=%0d%0aSet-Cookie:%20x=1', status: 400 },
    { label: 'next-auth error page with CR LF in the path', path: '/api/auth/error/%0d%0a', status: 400 },
    { label: 'GET of the credentials callback', path: '/api/auth/callback/credentials', status: 405 },
    { label: 'credentials callback with a body that is not JSON', method: 'POST', path: '/api/auth/callback/credentials', headers: { 'content-type': 'application/json', origin }, body: '{', status: 400 },
    { label: 'a path that does not decode', path: '/%ff', status: 400 },
    { label: 'an API path that does not decode', path: '/api/v1/%ff', status: 400 },
    { label: 'a server action id of the wrong shape', method: 'POST', path: '/', headers: { 'next-action': 'deadbeef', 'content-type': 'text/plain;charset=UTF-8', origin }, body: '[]' },
    { label: 'an unknown server action id', method: 'POST', path: '/', headers: { 'next-action': UNKNOWN_ACTION_ID, 'content-type': 'text/plain;charset=UTF-8', origin }, body: '[]' },
    { label: 'a garbage multipart form post without an action id', method: 'POST', path: '/sign-in', headers: garbageMultipart, body: 'garbage', status: 400 },
    { label: 'a garbage multipart form post with an action id', method: 'POST', path: '/sign-in', headers: { ...garbageMultipart, 'next-action': UNKNOWN_ACTION_ID }, body: 'garbage', status: 400 },
    // A real action's arguments that React cannot decode: Next answered each with a 500 and a stack trace.
    { label: 'a real action id with a body that is not JSON', method: 'POST', path: '/users', headers: realAction, body: 'not json', status: 400 },
    { label: 'a real action id with arguments that are not a list', method: 'POST', path: '/users', headers: realAction, body: '"x"', status: 400 },
    { label: 'a real action id with a reference to a part that is not there', method: 'POST', path: '/users', headers: realAction, body: '["$Q1"]', status: 400 },
    { label: 'a real action id with no body', method: 'POST', path: '/users', headers: realAction, status: 400 },
    {
      label: 'a real action id with a multipart argument part that is not JSON',
      method: 'POST',
      path: '/users',
      headers: { ...realAction, 'content-type': 'multipart/form-data; boundary=xyz' },
      body: ['--xyz', 'Content-Disposition: form-data; name="0"', '', 'not json', '--xyz--', ''].join('\r\n'),
      status: 400,
    },
    // A form posted without JavaScript, naming a real action (Next checks only that) with bound
    // arguments React cannot decode: each was a 500 with an error-level stack trace.
    ...nativeFormPosts(actionId).map((fields) => ({
      label: `a native form post of a real action with ${fields.label}`,
      method: 'POST',
      path: '/users',
      headers: garbageMultipart,
      body: multipartBody(fields.parts),
      status: 400,
    })),
    // HEAD is GET without a body: next-auth answered it with a 400 "not supported".
    { label: 'HEAD of the CSRF token', method: 'HEAD', path: '/api/auth/csrf', status: 200 },
    { label: 'HEAD of the session', method: 'HEAD', path: '/api/auth/session', status: 200 },
    // Next's proxy cannot build a request for TRACE: it answered 500 with an error-level stack trace.
    { label: 'TRACE of a page', method: 'TRACE', path: '/sign-in', status: 405 },
    { label: 'TRACE of an API route', method: 'TRACE', path: '/api/v1/projects', status: 405 },
    { label: 'a WebDAV method', method: 'PROPFIND', path: '/', headers: { origin }, status: 405 },
    // Not a path: Next answered the absolute form with a 308 to that host, the asterisk with a 500.
    { label: 'an absolute-form request target', path: '/', target: 'http://evil.example/', status: 400 },
    { label: 'the asterisk-form request target', method: 'OPTIONS', path: '/', target: '*', status: 400 },
    { label: 'a multipart post without a boundary', method: 'POST', path: '/', headers: { 'content-type': 'multipart/form-data', origin }, body: 'garbage', status: 400 },
  ];
}

/** The log's lines written since `offset`, parsed (start-up output that is not JSON is left out). */
function logLinesSince(logFile: string, offset: number): { level?: string; message?: string }[] {
  return fs
    .readFileSync(logFile, 'utf8')
    .slice(offset)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level?: string; message?: string });
}

test('malformed requests from strangers get a 4xx and leave no error in the server log', async ({}, testInfo) => {
  test.setTimeout(180_000);
  const root = path.dirname(testInfo.config.configFile ?? path.join(process.cwd(), 'playwright.config.ts'));
  const dir = fs.mkdtempSync(path.join(e2eDir(), 'malformed-'));
  const logFile = path.join(dir, 'server.log');
  const port = await freePort();
  const baseURL = `http://localhost:${port}`;
  const admin = { email: uniqueEmail('malformed-admin'), password: uniquePassword() };
  const server = spawnServer(
    root,
    ownServerEnvironment(port, {
      KEYWARDEN_DATA_DIR: path.join(dir, 'data'),
      KEYWARDEN_ADMIN_EMAIL: admin.email,
      KEYWARDEN_ADMIN_PASSWORD: admin.password,
      KEYWARDEN_ADMIN_SECOND_FACTOR: 'nobody',
    }),
    logFile,
  );
  try {
    await waitForHealth(baseURL, server, logFile);
    // Warm up the pages the probes reach, so that their first compilation is not in the window.
    await rawRequest(baseURL, { path: '/sign-in' });
    const offset = fs.statSync(logFile).size;

    for (const probe of probes(baseURL, readCapturedActions().inviteUser.headers['next-action'] ?? '')) {
      const response = await rawRequest(baseURL, { method: probe.method ?? 'GET', path: probe.path, target: probe.target, headers: probe.headers, body: probe.body });
      if (probe.status) expect(response.status, probe.label).toBe(probe.status);
      else expect(response.status, `${probe.label}: ${response.status}`).toBeGreaterThanOrEqual(400);
      expect(response.status, probe.label).toBeLessThan(500);
      expect(response.body, `${probe.label}: no stack trace`).not.toMatch(/\n\s+at /);
    }
    // A callback URL next-auth cannot read: in the query or in its cookie (a sibling subdomain can
    // set one), next-auth answered every endpoint with a 500; the cookie's refusal removes it.
    for (const [label, request] of [
      ['a callbackUrl parameter that is not a URL', { path: '/api/auth/csrf?callbackUrl=javascript:alert(1)' }],
      ['a callback-URL cookie that is not a URL', { path: '/api/auth/session', headers: { cookie: 'keywarden.callback-url=%20%2F%2Fevil.example' } }],
    ] as const) {
      const refused = await rawRequest(baseURL, request);
      expect(refused.status, label).toBe(400);
      if (label.includes('cookie')) expect(String(refused.headers['set-cookie']), label).toMatch(/^keywarden\.callback-url=;.*Max-Age=0/);
    }
    // A posted callbackUrl that is not a URL, or holds what no Location header can (a line break, a
    // NUL): next-auth's redirect threw (a 500 and a stack trace in the log) once the password was
    // right. The first now ends at home, like another origin's; the others on the path as the URL
    // parser writes it.
    for (const [callbackUrl, location] of [
      [' //evil.example', baseURL],
      ['/\r\nSet-Cookie: x=1', `${baseURL}/Set-Cookie:%20x=1`],
      ['/tokens\u0000\u2028x', `${baseURL}/tokens%00%E2%80%A8x`],
    ]) {
      const csrf = await rawRequest(baseURL, { path: '/api/auth/csrf' });
      const csrfCookies = ([] as string[]).concat(csrf.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]).join('; ');
      const signIn = await rawRequest(baseURL, {
        method: 'POST',
        path: '/api/auth/callback/credentials',
        headers: { origin: baseURL, cookie: csrfCookies, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrfToken: (JSON.parse(csrf.body) as { csrfToken: string }).csrfToken, email: admin.email, password: admin.password, callbackUrl: callbackUrl ?? '' }).toString(),
      });
      expect(signIn.status, JSON.stringify(callbackUrl)).toBe(302);
      expect(signIn.headers.location, JSON.stringify(callbackUrl)).toBe(location);
    }

    // A cookie that does not decode is no session, and no server error either.
    const forged = await rawRequest(baseURL, { path: '/api/auth/session', headers: { cookie: 'keywarden.session=forged' } });
    expect(forged.status).toBe(200);
    expect(JSON.parse(forged.body)).toEqual({});

    // The server is still answering, and whatever it logged for the probes is below error level.
    expect((await rawRequest(baseURL, { path: '/api/health' })).status).toBe(200);
    const errors = logLinesSince(logFile, offset).filter((line) => line.level === 'error');
    expect(errors.map((line) => line.message?.slice(0, 300))).toEqual([]);
  } finally {
    await stopServer(server.pid);
    if (testInfo.status !== testInfo.expectedStatus) fs.copyFileSync(logFile, testInfo.outputPath('server.log'));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
