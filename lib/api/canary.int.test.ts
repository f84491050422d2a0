// SECURITY.md T1 over REST API v1: a token value sent to the API — in a JSON body, a query, a path,
// the Authorization header; by callers who may and may not; in bodies that pass and fail
// validation — reaches no sink: not an answer (body or headers, refusals included), not a log
// line (stdout, stderr, console), not a row of any table (audit log included). The requests are
// lib/testing/api-canary.ts's, sent through the route handler a real server would pick (an
// operation of OPERATIONS, else the /api/v1 catch-all), so endpoints added to OPERATIONS are
// scanned as they land. Positive controls prove each sink is read: a string the API does store
// (an API key's name) is found in the database and in the answer, and a line logged with a control
// string is found in the captured output. e2e/canary.spec.ts sends the same requests to a real
// server and scans its files.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as catchAll from '@/app/api/v1/[...rest]/route';
import { logger } from '@/lib/logger';
import { apiCanaryRequests, type CanaryCaller, type CanaryRequest } from '@/lib/testing/api-canary';
import { apiOrigin, isUnavailableAnswer, setUpApiWorld } from '@/lib/testing/api-client';
import { canaryToken, findIn, formsOf } from '@/lib/testing/canary';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { databaseText } from '@/lib/testing/inspect';
import { expectMatchesDocument } from '@/lib/testing/openapi';
import { createMachineUserRecord } from '@/lib/testing/reviews';
import { routeHandler } from './endpoint';
import { OPERATIONS } from './operations';
import { captureProcessOutput } from '@/lib/testing/capture-output';

const PROJECTS = ['canary-a', 'canary-b'];

/** The handler a server would route `method path` to, with its path parameters. */
function routeOf(method: string, pathname: string): { handler: (request: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>; params: Record<string, string>; documented: boolean } {
  for (const endpoint of Object.values(OPERATIONS)) {
    if (endpoint.method !== method) continue;
    const pattern = new RegExp(`^${endpoint.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
    const match = pattern.exec(pathname);
    if (match) return { handler: routeHandler(endpoint), params: Object.fromEntries(Object.entries(match.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)])), documented: true };
  }
  const fallbacks = { GET: catchAll.GET, POST: catchAll.POST, PUT: catchAll.PUT, PATCH: catchAll.PATCH, DELETE: catchAll.DELETE };
  const fallback = fallbacks[method as keyof typeof fallbacks];
  return { handler: fallback, params: { rest: pathname.split('/').slice(3).join('/') }, documented: false };
}

describe.each(TEST_DATABASE_KINDS)('the API canary scan on %s', (kind) => {
  const world = setUpApiWorld(kind, PROJECTS);
  const canary = canaryToken();
  const forms = formsOf(canary);
  let credentials: Record<CanaryCaller, Record<string, string>>;
  let requests: CanaryRequest[];

  beforeAll(async () => {
    const { db, users, keys, cookie } = world;
    credentials = {
      admin: { authorization: `Bearer ${keys.admin}` },
      reviewer: { authorization: `Bearer ${keys.reviewer}` },
      onboarder: { authorization: `Bearer ${keys.onboarder}` },
      session: { cookie, origin: apiOrigin() },
      'session-no-origin': { cookie },
      'session-foreign-origin': { cookie, origin: 'https://evil.example' },
      none: {},
      'bearer-canary': { authorization: `Bearer ${canary}` },
      'bearer-kw-canary': { authorization: `Bearer kw_${canary}` },
    };
    const own = await createMachineUserRecord(db, { projectId: PROJECTS[0]!, ownerId: users.onboarder.id, withToken: true });
    const other = await createMachineUserRecord(db, { projectId: PROJECTS[1]!, ownerId: users.admin.id, withToken: true });
    requests = apiCanaryRequests(canary, { machineUser: own.machineUser.id, otherMachineUser: other.machineUser.id, token: own.token!.id, otherToken: other.token!.id, environments: ['main', 'staging'] });
  });

  it('finds the token in no answer, log line or table — and finds the controls', async () => {
    const { output, restore } = captureProcessOutput();
    const answers: { label: string; status: number; text: string }[] = [];
    const control = `ctl${randomBytes(6).toString('hex')}`;
    try {
      let address = 0;
      const send = async (request: CanaryRequest) => {
        const url = new URL(request.path, apiOrigin());
        address += 1;
        const headers: Record<string, string> = { 'x-forwarded-for': `192.0.2.${address % 250}`, ...credentials[request.caller] };
        if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
        const route = routeOf(request.method, url.pathname);
        const response = await route.handler(new Request(url, { method: request.method, headers, body: request.body }), { params: Promise.resolve(route.params) });
        const text = await response.text();
        const contentType = response.headers.get('content-type') ?? '';
        // This world has no Platform.sh connection (checked in beforeAll): an operation that needs one
        // answers a caller who may act 503 `unavailable` — the one 5xx allowed; the token then reached
        // no domain code, and the sinks are scanned all the same (e2e/canary.spec.ts, with a simulator,
        // takes these requests further).
        const unavailable = route.documented && isUnavailableAnswer({ status: response.status, text, headers: response.headers }, ['admin', 'session', 'onboarder'].includes(request.caller));
        if (!unavailable) expect(response.status, `${request.method} ${request.label}: ${text.slice(0, 200)}`).toBeLessThan(500);
        if (response.status >= 400) expect(contentType, request.label).toBe('application/problem+json');
        if (route.documented && contentType.includes('json') && !contentType.includes('ndjson')) expectMatchesDocument(request.method, url.pathname, response.status, contentType, JSON.parse(text));
        answers.push({ label: `${request.method} ${request.label} → ${response.status}`, status: response.status, text: `${[...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')}\n${text}` });
      };
      for (const request of requests) await send(request);

      // Controls: what the API does keep (a key's name) and what the logger does write.
      await send({ label: 'control', method: 'POST', path: '/api/v1/api-keys', caller: 'session', body: JSON.stringify({ name: `canary control ${control}`, expires_in_days: 5 }) });
      logger.info('canary scan control', { control });
    } finally {
      restore();
    }

    expect(answers.length).toBeGreaterThan(50);
    // Today's token endpoints may be missing (the catch-all's 404) or present; both must be clean.
    expect(answers.filter((answer) => findIn(answer.text, forms)).map((answer) => answer.label), 'answers that carry the token').toEqual([]);
    const logs = output.join('');
    expect(findIn(logs, forms), 'log output').toBeUndefined();
    const dump = await databaseText(world.db);
    expect(findIn(dump, forms), 'a dump of every table').toBeUndefined();

    expect(answers.at(-1)).toMatchObject({ status: 201 });
    expect(answers.at(-1)!.text).toContain(control);
    expect(dump).toContain(control);
    expect(logs).toContain(control);
    // The audit log is a sink the requests reached: refusals, and the read with the token as its
    // filter, recorded with the token withheld.
    expect(await world.db.auditEvent.count({ where: { outcome: 'refused' } })).toBeGreaterThan(0);
    expect(dump).toContain('[withheld: looks like a token]');
  });
});
