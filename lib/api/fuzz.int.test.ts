// Every REST API operation, fuzzed (issue 16 "bad input fuzzed with fast-check from the zod
// schemas"). The operations are read from OPERATIONS, so an endpoint added later is fuzzed without
// a line here. Two properties per operation, each seeded (KEYWARDEN_FUZZ_SEED) and sized
// (KEYWARDEN_FUZZ_RUNS) so a failure replays:
//  - bad input: valid-shaped requests (lib/testing/arbitrary.ts) broken in one place — a field or
//    parameter of the wrong type, random JSON, an unknown field or parameter (named with a canary),
//    a repeated parameter, an over-long or canary-carrying string, a path parameter that names
//    nothing, a body that is not JSON, of the wrong media type or too large — with every kind of
//    caller (each role's key, a session, none, a bad key carrying a canary);
//  - valid-shaped input: requests the schemas accept (path ids drawn from real rows for reads), to
//    reach the handlers and the domain behind validation.
// Each answer: never a 5xx (but the 503 `unavailable` of an operation that needs Platform.sh, to a
// caller who may act: this world has no connection); a status the operation documents (its success,
// its `errors`, 401, 429), as problem+json when it is a refusal; a body the OpenAPI document validates; and a refusal
// repeats nothing of the request — no canary, no generated string of 8 characters or more.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCampaign } from '@/lib/domain/reviews/campaigns';
import { apiOrigin, callEndpoint, isUnavailableAnswer, setUpApiWorld, type ApiAnswer, type ApiCall } from '@/lib/testing/api-client';
import { inputJsonSchema, zodArbitrary } from '@/lib/testing/arbitrary';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor } from '@/lib/testing/fixtures';
import { expectMatchesDocument, OPENAPI_DOCUMENT } from '@/lib/testing/openapi';
import { createMachineUserRecord } from '@/lib/testing/reviews';
import type { Endpoint } from './endpoint';
import { errorStatusesOf } from './openapi';
import { OPERATIONS } from './operations';
import { PROBLEM_CONTENT_TYPE } from './problem';

const BASE_SEED = Number(process.env.KEYWARDEN_FUZZ_SEED ?? 20_261_616);
const RUNS = Number(process.env.KEYWARDEN_FUZZ_RUNS ?? 25);
const PROJECTS = ['fuzz-a', 'fuzz-b'];
const CANARY = 'kwcanary';
/** Strings shorter than this may occur in an answer by chance; longer ones only by echo. */
const ECHO_MIN_LENGTH = 8;

/**
 * Mutations that may run with an admin's valid-shaped body: their handlers touch only Keywarden's
 * database. Others (inviting, pushing, syncing: Platform.sh) get valid-shaped bodies only from
 * callers refused before the domain acts (a reviewer, none, a bad key) or with path ids that name
 * nothing; add an operation here once its handler is safe to run against a test database.
 */
const DEEP_MUTATIONS = new Set(['createApiKey', 'lookupToken']);

/** The document's own words (enum values, field names, messages): an answer may contain them. */
const DOCUMENT_TEXT = JSON.stringify(OPENAPI_DOCUMENT);

const seedOf = (name: string) => [...name].reduce((hash, char) => (Math.imul(hash, 31) + char.charCodeAt(0)) | 0, BASE_SEED);

// --- Generators ----------------------------------------------------------------------------------

const canary = fc.stringMatching(/^[A-Za-z0-9]{6,16}$/).map((tail) => `${CANARY}${tail}`);

const nastyString = fc.oneof(
  { weight: 3, arbitrary: canary },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: ECHO_MIN_LENGTH, maxLength: 30 }) },
  { weight: 1, arbitrary: canary.map((text) => `${text}${'x'.repeat(300)}`) },
  { weight: 1, arbitrary: fc.constantFrom('../../etc/passwd', '%00%2e%2e', '\u0000\u001f', "' OR '1'='1' --", '<script>alert(1)</script>', '${7*7}{{7*7}}', '__proto__', 'constructor', '-1', '1e309', 'NaN', 'true', 'null', '[]', '{}') },
);

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(2 ** 64), fc.constant(-0)) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, nastyString, { maxKeys: 3 }) },
);

type Caller = 'admin' | 'onboarder' | 'reviewer' | 'session' | 'none' | 'bad-key';
const ALL_CALLERS: Caller[] = ['admin', 'admin', 'session', 'session', 'onboarder', 'reviewer', 'none', 'bad-key'];
const REFUSED_CALLERS: Caller[] = ['reviewer', 'none', 'bad-key'];

interface Request {
  caller: Caller;
  badKey: string;
  params: Record<string, string>;
  query: [string, string][];
  body?: unknown;
  rawBody?: string;
  contentType?: string;
}

const propertiesOf = (schema: Endpoint['query']) => (schema ? Object.keys(inputJsonSchema(schema).properties ?? {}) : []);
const asStrings = (value: unknown): Record<string, string> => Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([name, item]) => [name, String(item)]));

function validParams(endpoint: Endpoint, pool: string[]): fc.Arbitrary<Record<string, string>> {
  if (!endpoint.params) return fc.constant({});
  const generated = zodArbitrary(endpoint.params).map(asStrings);
  if (endpoint.method !== 'GET' || pool.length === 0) return generated;
  // Reads: mostly ids of real rows (of any kind: an id of the wrong kind is a 404 too).
  const real = fc.record(Object.fromEntries(propertiesOf(endpoint.params).map((name) => [name, fc.constantFrom(...pool)])));
  return fc.oneof({ weight: 3, arbitrary: real }, { weight: 1, arbitrary: generated });
}

function validQuery(endpoint: Endpoint): fc.Arbitrary<[string, string][]> {
  if (!endpoint.query) return fc.constant([]);
  return zodArbitrary(endpoint.query).map((value) => Object.entries(asStrings(value)));
}

function badParams(endpoint: Endpoint, pool: string[]): fc.Arbitrary<Record<string, string>> {
  if (!endpoint.params) return fc.constant({});
  const names = propertiesOf(endpoint.params);
  // A path segment is never empty: a URL with one routes elsewhere.
  const segment = nastyString.filter((text) => text.length > 0);
  return fc.oneof(validParams(endpoint, pool), fc.record(Object.fromEntries(names.map((name) => [name, segment]))));
}

function badQuery(endpoint: Endpoint): fc.Arbitrary<[string, string][]> {
  const names = propertiesOf(endpoint.query);
  return fc.tuple(validQuery(endpoint), fc.nat(), nastyString, canary).map(([query, pick, value, name]): [string, string][] => {
    const known = names.length > 0 ? names[pick % names.length]! : undefined;
    switch (pick % 4) {
      case 0:
        return [...query, [name, value]];
      case 1:
        return known ? [...query.filter(([key]) => key !== known), [known, value]] : [...query, [name, value]];
      case 2:
        return known ? [...query.filter(([key]) => key !== known), [known, value], [known, value]] : query;
      default:
        return known ? [...query.filter(([key]) => key !== known), [known, `${value}${'y'.repeat(500)}`]] : query;
    }
  });
}

function badBody(endpoint: Endpoint): fc.Arbitrary<Pick<Request, 'body' | 'rawBody' | 'contentType'>> {
  if (endpoint.method === 'GET') return fc.constant({});
  const valid: fc.Arbitrary<unknown> = endpoint.body ? zodArbitrary(endpoint.body) : fc.constant({});
  const names = endpoint.body ? propertiesOf(endpoint.body) : [];
  const asObject = (value: unknown) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  return fc.oneof(
    // One field of the wrong type or shape.
    fc.tuple(valid, fc.nat(), nastyValue).map(([body, pick, value]) => ({ body: names.length ? { ...asObject(body), [names[pick % names.length]!]: value } : value })),
    // An unknown field, named and filled with canaries.
    fc.tuple(valid, canary, nastyValue).map(([body, name, value]) => ({ body: { ...asObject(body), [name]: value } })),
    // Not an object at all.
    nastyValue.map((body) => ({ body })),
    // Not JSON; JSON as another media type; too large; nothing.
    canary.map((text) => ({ rawBody: `{"token": "${text}", ` })),
    fc.tuple(valid, canary).map(([body, text]) => ({ rawBody: JSON.stringify({ ...asObject(body), note: text }), contentType: 'text/plain' })),
    fc.tuple(valid, canary).map(([body, text]) => ({ body: { ...asObject(body), [names[0] ?? 'padding']: `${text}${'z'.repeat(70 * 1024)}` } })),
    fc.constant({}),
  );
}

function requestArbitrary(endpoint: Endpoint, mode: 'bad' | 'valid', pool: string[]): fc.Arbitrary<Request> {
  const mayRunDeep = endpoint.method === 'GET' || DEEP_MUTATIONS.has(endpoint.operationId) || (mode === 'valid' && endpoint.params !== undefined);
  const callers = mayRunDeep ? ALL_CALLERS : REFUSED_CALLERS;
  return fc
    .record({
      caller: fc.constantFrom(...callers),
      badKey: canary.map((text) => `kw_${text}`),
      params: mode === 'bad' ? badParams(endpoint, pool) : validParams(endpoint, pool),
      query: mode === 'bad' ? badQuery(endpoint) : validQuery(endpoint),
      payload: mode === 'bad' ? badBody(endpoint) : endpoint.body ? zodArbitrary(endpoint.body).map((body) => ({ body })) : fc.constant({}),
    })
    .map(({ payload, ...rest }) => ({ ...rest, ...payload }));
}

/** Every string of the request long enough that finding it in an answer can only mean an echo. */
function generatedStrings(request: Request): string[] {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') found.add(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) {
        found.add(key);
        visit(item);
      }
  };
  visit([request.params, request.query, request.body, request.rawBody, request.badKey]);
  return [...found].filter((text) => text.length >= ECHO_MIN_LENGTH && !DOCUMENT_TEXT.includes(text) && !DOCUMENT_TEXT.includes(JSON.stringify(text).slice(1, -1)));
}

// --- The test ------------------------------------------------------------------------------------

describe.each(TEST_DATABASE_KINDS)('REST API v1 fuzzed on %s', (kind) => {
  // No Platform.sh connection here (no simulator, no live token): the operations that need one
  // answer 503 `unavailable` after the role check, and nothing reaches Platform.sh.
  const world = setUpApiWorld(kind, PROJECTS);
  let credentials: Record<Exclude<Caller, 'none' | 'bad-key'>, Pick<ApiCall, 'key' | 'cookie' | 'headers'>>;
  let pool: string[];
  let addresses = 0;

  beforeAll(async () => {
    const { db, users: { admin, onboarder } } = world;
    credentials = {
      admin: { key: world.keys.admin },
      onboarder: { key: world.keys.onboarder },
      reviewer: { key: world.keys.reviewer },
      session: { cookie: world.cookie, headers: { origin: apiOrigin() } },
    };
    for (const projectId of PROJECTS) await createMachineUserRecord(db, { projectId, ownerId: onboarder.id, withToken: true, withFinding: true });
    const campaign = await createCampaign(contextFor(admin), { name: 'Fuzzed review', dueOn: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10), scope: 'all' });
    expect(campaign.ok).toBe(true);
    const ids = await Promise.all([
      db.machineUser.findMany({ select: { id: true } }),
      db.apiToken.findMany({ select: { id: true } }),
      db.reviewCampaign.findMany({ select: { id: true } }),
      db.apiKey.findMany({ select: { id: true } }),
      db.pushRun.findMany({ select: { id: true } }),
    ]);
    pool = [...PROJECTS, ...ids.flat().map((row) => row.id)];
  });

  async function send(endpoint: Endpoint, request: Request): Promise<ApiAnswer> {
    const who = request.caller === 'none' ? {} : request.caller === 'bad-key' ? { key: request.badKey } : credentials[request.caller];
    addresses += 1;
    return callEndpoint(endpoint, {
      ...who,
      // A fresh address per request: the bad-key throttle of one run does not decide the next.
      address: `10.16.${(addresses >> 8) & 255}.${addresses & 255}`,
      headers: { ...who.headers, ...(request.contentType ? { 'content-type': request.contentType } : {}) },
      params: request.params,
      query: request.query,
      body: request.body,
      rawBody: request.rawBody,
      validate: false,
    });
  }

  function expectSafeAnswer(endpoint: Endpoint, request: Request, answer: ApiAnswer) {
    const where = `${endpoint.method} ${endpoint.path} (${request.caller})`;
    // The one 5xx an operation may answer: 503 `unavailable`, documented by operations that need
    // Platform.sh, when Keywarden has no connection to it — as in this world, which has none (checked
    // in beforeAll) — and only to a caller who may do it: a reviewer (who changes nothing that needs
    // Platform.sh) is refused first, 403, as are strangers, 401. Any other 5xx is a defect.
    const mayAct = request.caller === 'admin' || request.caller === 'session' || request.caller === 'onboarder';
    const unavailable = isUnavailableAnswer(answer, mayAct);
    if (!unavailable) expect(answer.status, `${where} answered ${answer.status}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
    const documented = [endpoint.response.status, ...errorStatusesOf(endpoint)];
    expect(documented, `${where} answered ${answer.status}, which it does not document`).toContain(answer.status);
    if (answer.status >= 400) {
      expect(answer.contentType, where).toBe(PROBLEM_CONTENT_TYPE);
      expect(answer.text, `${where} echoed a canary`).not.toContain(CANARY);
      for (const text of generatedStrings(request)) {
        expect(answer.text.includes(text) || answer.text.includes(JSON.stringify(text).slice(1, -1)), `${where} echoed ${JSON.stringify(text.slice(0, 60))}`).toBe(false);
      }
    }
    if (answer.json !== null) {
      const path = new URL(endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.params[name] ?? '')), apiOrigin()).pathname;
      expectMatchesDocument(endpoint.method, path, answer.status, answer.contentType, answer.json);
    }
  }

  it('fuzzes every operation of the document', () => {
    const documented = Object.values(OPENAPI_DOCUMENT.paths ?? {}).flatMap((item) => Object.values(item as Record<string, { operationId: string }>).map((operation) => operation.operationId));
    expect(documented.sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it('refuses an onboarder a change to another project’s record with 403, though there is no connection', async () => {
    const other = await world.db.machineUser.findFirstOrThrow({ where: { projectId: PROJECTS[1] }, select: { id: true } });
    const token = await world.db.apiToken.findFirstOrThrow({ where: { machineUserId: other.id }, select: { id: true } });
    const value = `${CANARY}-not-a-real-token-0123456789`;
    const changes: [string, Pick<ApiCall, 'params' | 'body'>][] = [
      ['inviteMachineUser', { body: { project_id: PROJECTS[1], email: 'ci@example.com', purpose: 'ci_tests', owner_email: 'owner@example.com' } }],
      ['changeMachineUserRoles', { params: { id: other.id }, body: { project_role: 'viewer' } }],
      ['offboardMachineUser', { params: { id: other.id }, body: {} }],
      ['acceptInvitationInSandbox', { params: { id: other.id } }],
      ['recordToken', { params: { id: other.id }, body: { token: value, name: 'ci', environments: ['main'] } }],
      ['rotateToken', { params: { id: token.id }, body: { token: value } }],
      ['markTokenCompromised', { params: { id: token.id }, body: { dry_run: false } }],
    ];
    for (const [operationId, request] of changes) {
      const answer = await callEndpoint(OPERATIONS[operationId]!, { ...credentials.onboarder, ...request, address: '10.17.0.1' });
      expect(answer.status, `${operationId}: ${answer.text}`).toBe(403);
    }
  });

  describe.each(Object.keys(OPERATIONS))('%s', (operationId) => {
    const endpoint = OPERATIONS[operationId]!;

    it('answers bad input with a documented problem that repeats nothing of it', async () => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(endpoint, 'bad', pool), async (request) => expectSafeAnswer(endpoint, request, await send(endpoint, request))),
        { numRuns: RUNS, seed: seedOf(`bad ${operationId}`) },
      );
    });

    it('answers valid-shaped input with a documented answer', async () => {
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(requestArbitrary(endpoint, 'valid', pool), async (request) => {
          const answer = await send(endpoint, request);
          statuses.add(answer.status);
          expectSafeAnswer(endpoint, request, answer);
        }),
        { numRuns: RUNS, seed: seedOf(`valid ${operationId}`) },
      );
      // Valid-shaped input gets past validation to an answer of the handler (a success, or a
      // refusal of the domain: 403/404/409, or the handler's 503 without Platform.sh), not only 400s and 401s.
      expect([...statuses].some((status) => status < 400 || [403, 404, 409, 503].includes(status)), `statuses seen: ${[...statuses].join(', ')}`).toBe(true);
    });
  });
});
