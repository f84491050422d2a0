// REST API v1 end to end through its route handlers, on PGlite and PostgreSQL: every endpoint's
// happy path for each role, the refusals (no key, revoked, expired, another user's key, a disabled
// owner, a malformed key refused without a lookup, a burst of bad keys throttled), problem+json
// answers that never echo the request (fuzzed with fast-check), and every answer checked against
// the OpenAPI document.
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { createApiKey } from '@/lib/domain/api-keys';
import { callEndpoint, createTestApiKey, sessionCookieFor, setUpApiWorld, type ApiAnswer, type ApiCall } from '@/lib/testing/api-client';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { expectMatchesDocument } from '@/lib/testing/openapi';
import { createMachineUserRecord } from '@/lib/testing/reviews';
import { generateApiKey } from './key-format';
import { OPERATIONS } from './operations';

const PROJECTS = ['api-a', 'api-b'];
const ORIGIN = () => getConfig().publicUrl.origin;

type Answer = ApiAnswer;

let addressCounter = 0;
/** A fresh client address per test, so that the throttle of one test does not reach another. */
const freshAddress = () => `198.51.100.${(addressCounter += 1) % 250}`;

/** An operation of the registry through its real route handler, its answer checked against the document. */
const call = (operation: string, options: ApiCall = {}): Promise<Answer> => callEndpoint(OPERATIONS[operation]!, options);

function expectProblem(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toBe('application/problem+json');
  expect(answer.json).toMatchObject({ status, code, type: '/api/docs#errors', title: expect.any(String), detail: expect.any(String) });
}

describe.each(TEST_DATABASE_KINDS)('REST API v1 on %s', (kind) => {
  const world = setUpApiWorld(kind, PROJECTS);
  let seeded: Awaited<ReturnType<typeof createMachineUserRecord>>;
  let elsewhere: Awaited<ReturnType<typeof createMachineUserRecord>>;
  const keyFor = createTestApiKey;
  const digestKey = () => getSecrets(getConfig()).apiKey;
  const sessionCookie = (user: { id: string; sessionVersion: number }) => sessionCookieFor(world.db, user);

  beforeAll(async () => {
    seeded = await createMachineUserRecord(world.db, { projectId: PROJECTS[0]!, ownerId: world.users.admin.id, withToken: true, withFinding: true });
    elsewhere = await createMachineUserRecord(world.db, { projectId: PROJECTS[1]!, ownerId: world.users.admin.id, withToken: true, withFinding: true });
  });

  it('stores a keyed digest and a prefix, never the key; the audit row has the prefix only', async () => {
    const created = await keyFor(world.users.admin);
    const row = await world.db.apiKey.findUniqueOrThrow({ where: { id: created.apiKey.id } });
    expect(row.prefix).toBe(created.key.slice(0, 9));
    expect(row.digest).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify(await world.db.apiKey.findMany()) + JSON.stringify(await world.db.auditEvent.findMany({ select: { reason: true, details: true } }));
    expect(everything).not.toContain(created.key);
    expect(everything).not.toContain(created.key.slice(9));
  });

  describe.each(['admin', 'onboarder', 'reviewer'] as const)('as %s (API key)', (role) => {
    it('lists projects (an onboarder: only assigned ones) and reads one', async () => {
      const list = await call('listProjects', { key: world.keys[role] });
      expect(list.status).toBe(200);
      const ids = (list.json as { data: { id: string }[] }).data.map((project) => project.id).sort();
      expect(ids).toEqual(role === 'onboarder' ? [PROJECTS[0]] : PROJECTS);
      const one = await call('getProject', { key: world.keys[role], params: { projectId: PROJECTS[0]! } });
      expect(one.status).toBe(200);
      expect(one.json).toMatchObject({ id: PROJECTS[0], environments: [], token_variables: [] });
      const other = await call('getProject', { key: world.keys[role], params: { projectId: PROJECTS[1]! } });
      if (role === 'onboarder') expectProblem(other, 404, 'not_found');
      else expect(other.status).toBe(200);
    });

    it('lists and reads machine users, tokens and findings in its scope, and never a token value or fingerprint', async () => {
      const machineUsers = await call('listMachineUsers', { key: world.keys[role] });
      expect(machineUsers.status).toBe(200);
      const visible = (machineUsers.json as { data: { id: string }[] }).data.map((row) => row.id);
      expect(visible).toContain(seeded.machineUser.id);
      expect(visible.includes(elsewhere.machineUser.id)).toBe(role !== 'onboarder');
      expect((await call('getMachineUser', { key: world.keys[role], params: { id: seeded.machineUser.id } })).json).toMatchObject({ id: seeded.machineUser.id, owner: { id: world.users.admin.id } });
      const hidden = await call('getMachineUser', { key: world.keys[role], params: { id: elsewhere.machineUser.id } });
      expect(hidden.status).toBe(role === 'onboarder' ? 404 : 200);

      const tokens = await call('listTokens', { key: world.keys[role] });
      expect(tokens.status).toBe(200);
      expect((tokens.json as { data: { id: string }[] }).data.map((row) => row.id)).toContain(seeded.token!.id);
      const token = await call('getToken', { key: world.keys[role], params: { id: seeded.token!.id } });
      expect(token.json).toMatchObject({ id: seeded.token!.id, last_four: seeded.token!.lastFour });
      expect(token.text).not.toContain(seeded.token!.fingerprint);
      expect((await call('getToken', { key: world.keys[role], params: { id: elsewhere.token!.id } })).status).toBe(role === 'onboarder' ? 404 : 200);

      const findings = await call('listFindings', { key: world.keys[role] });
      expect(findings.status).toBe(200);
      const findingIds = (findings.json as { data: { id: string }[] }).data.map((row) => row.id);
      expect(findingIds).toContain(seeded.finding!.id);
      expect(findingIds.includes(elsewhere.finding!.id)).toBe(role !== 'onboarder');
    });

    it('reads the audit log as admin or reviewer, and is refused as onboarder', async () => {
      const page = await call('listAuditEvents', { key: world.keys[role], query: { limit: '2' } });
      if (role === 'onboarder') {
        expectProblem(page, 403, 'forbidden');
        return;
      }
      expect(page.status).toBe(200);
      const { data, next_since: nextSince } = page.json as { data: { seq: string }[]; next_since: string };
      expect(data).toHaveLength(2);
      expect(BigInt(data[0]!.seq)).toBeLessThan(BigInt(data[1]!.seq));
      expect(nextSince).toBe(data[1]!.seq);
      const next = await call('listAuditEvents', { key: world.keys[role], query: { since: nextSince, limit: '2' } });
      const following = (next.json as { data: { seq: string }[] }).data;
      expect(following.length).toBeGreaterThan(0);
      expect(following.every((event) => BigInt(event.seq) > BigInt(nextSince))).toBe(true);
    });

    it('lists its own keys, cannot create one with a key, and revokes its own', async () => {
      const own = await keyFor(world.users[role]!, role === 'onboarder' ? [PROJECTS[0]!] : []);
      const list = await call('listApiKeys', { key: world.keys[role] });
      expect(list.status).toBe(200);
      const owners = new Set((list.json as { data: { owner: { id: string } }[] }).data.map((row) => row.owner.id));
      if (role === 'admin') expect(owners.size).toBeGreaterThan(1);
      else expect([...owners]).toEqual([world.users[role]!.id]);

      const minted = await call('createApiKey', { key: world.keys[role], body: { name: 'minted by a key', expires_in_days: 5 } });
      expectProblem(minted, 403, 'forbidden');
      expect(await world.db.apiKey.count({ where: { name: 'minted by a key' } })).toBe(0);

      const revoked = await call('revokeApiKey', { key: world.keys[role], params: { id: own.apiKey.id } });
      expect(revoked.status).toBe(200);
      expect(revoked.json).toMatchObject({ id: own.apiKey.id, state: 'revoked' });
      expectProblem(await call('listProjects', { key: own.key }), 401, 'unauthenticated');
      expectProblem(await call('revokeApiKey', { key: world.keys[role], params: { id: own.apiKey.id } }), 409, 'conflict');
    });
  });

  it('lets only an admin revoke another user’s key; others are refused and nothing changes', async () => {
    const reviewersKey = await keyFor(world.users.reviewer);
    const refused = await call('revokeApiKey', { key: world.keys.onboarder, params: { id: reviewersKey.apiKey.id } });
    expectProblem(refused, 403, 'forbidden');
    expect((await world.db.apiKey.findUniqueOrThrow({ where: { id: reviewersKey.apiKey.id } })).revokedAt).toBeNull();
    expect((await call('getApiKey', { key: world.keys.onboarder, params: { id: reviewersKey.apiKey.id } })).status).toBe(404);
    const done = await call('revokeApiKey', { key: world.keys.admin, params: { id: reviewersKey.apiKey.id } });
    expect(done.json).toMatchObject({ state: 'revoked', owner: { id: world.users.reviewer.id } });
    // The role check refuses before the record is read: that row names the refused actor, not the key.
    const events = await world.db.auditEvent.findMany({ where: { OR: [{ targetId: reviewersKey.apiKey.id }, { action: 'api_key.revoke_any', actorId: world.users.onboarder.id }] }, orderBy: { seq: 'asc' } });
    expect(events.map((event) => [event.action, event.outcome])).toEqual([
      ['api_key.create', 'succeeded'],
      ['api_key.revoke_any', 'refused'],
      ['api_key.revoke_any', 'succeeded'],
    ]);
  });

  it('refuses a key role above the creator’s', async () => {
    const result = await createApiKey(contextFor(world.users.onboarder, [PROJECTS[0]!]), { name: 'too high', expires_in_days: 5, role: 'reviewer' }, digestKey());
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { role: expect.any(Array) } } });
    const admin = await createApiKey(contextFor(world.users.admin), { name: 'read-only', expires_in_days: 400 }, digestKey());
    expect(admin).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { expires_in_days: expect.any(Array) } } });
  });

  it('refuses no credentials, a revoked, an expired, a disabled owner’s and a demoted owner’s key with 401', async () => {
    expectProblem(await call('listProjects'), 401, 'unauthenticated');
    const expired = await keyFor(world.users.admin, [], { expires_in_days: 1 }, new Date(Date.now() - 2 * 86_400_000));
    expectProblem(await call('listProjects', { key: expired.key }), 401, 'unauthenticated');

    const disabled = await createUser(world.db, { role: 'reviewer' });
    const disabledKey = await keyFor(disabled);
    expect((await call('listProjects', { key: disabledKey.key })).status).toBe(200);
    await world.db.user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
    expectProblem(await call('listProjects', { key: disabledKey.key }), 401, 'unauthenticated');

    const demoted = await createUser(world.db, { role: 'admin' });
    const adminKey = await keyFor(demoted);
    await world.db.user.update({ where: { id: demoted.id }, data: { role: 'reviewer' } });
    expectProblem(await call('listProjects', { key: adminKey.key }), 401, 'unauthenticated');

    expectProblem(await call('listProjects', { key: 'kw_not-even-close' }), 401, 'unauthenticated');
    expectProblem(await call('listProjects', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), 401, 'unauthenticated');
  });

  it('records last use (time and address) at most once a minute', async () => {
    const created = await keyFor(world.users.reviewer);
    await call('listProjects', { key: created.key, address: '192.0.2.44' });
    const first = await world.db.apiKey.findUniqueOrThrow({ where: { id: created.apiKey.id } });
    expect(first.lastUsedFrom).toBe('192.0.2.44');
    expect(first.lastUsedAt).not.toBeNull();
    await call('listProjects', { key: created.key, address: '192.0.2.45' });
    const second = await world.db.apiKey.findUniqueOrThrow({ where: { id: created.apiKey.id } });
    expect(second.lastUsedAt).toEqual(first.lastUsedAt);
  });

  it('refuses a key with a bad checksum without looking it up', async () => {
    const valid = generateApiKey();
    const broken = `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`;
    const lookup = vi.spyOn(world.db.apiKey, 'findUnique');
    try {
      expectProblem(await call('listProjects', { key: broken, address: freshAddress() }), 401, 'unauthenticated');
      expect(lookup).not.toHaveBeenCalled();
      // The control: a well-formed (unknown) key is looked up.
      expectProblem(await call('listProjects', { key: valid, address: freshAddress() }), 401, 'unauthenticated');
      expect(lookup).toHaveBeenCalledTimes(1);
    } finally {
      lookup.mockRestore();
    }
  });

  it('throttles a burst of bad keys from one address, still lets a valid key from it through, and aggregates the refusals', async () => {
    const address = '192.0.2.200';
    const before = await world.db.auditEvent.count({ where: { action: 'auth.api_key', clientAddress: address } });
    const answers = await Promise.all(Array.from({ length: 30 }, () => call('listProjects', { key: generateApiKey(), address })));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(25);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    const limited = answers.find((answer) => answer.status === 429)!;
    expectProblem(limited, 429, 'rate_limited');
    expect(limited.headers.get('retry-after')).toBe('900');
    // One address is often many callers (a CI provider's runners, an office's NAT): the block
    // holds back guesses, not a script holding a valid key. A bad or revoked key stays blocked.
    expect((await call('listProjects', { key: world.keys.admin, address })).status).toBe(200);
    expectProblem(await call('listProjects', { key: generateApiKey(), address }), 429, 'rate_limited');
    expectProblem(await call('listProjects', { key: 'kw_not-even-a-key', address }), 429, 'rate_limited');
    // Another address is not affected.
    expect((await call('listProjects', { key: world.keys.admin, address: '192.0.2.201' })).status).toBe(200);
    // Written in full only for the first few; the rest are counted (lib/audit/record.ts).
    const written = (await world.db.auditEvent.count({ where: { action: 'auth.api_key', clientAddress: address } })) - before;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(4);
  });

  it('accepts the session: reads with any Origin, changes only from Keywarden’s own', async () => {
    const cookie = await sessionCookie(world.users.reviewer);
    expect((await call('listProjects', { cookie })).status).toBe(200);
    const created = await call('createApiKey', { cookie, headers: { origin: ORIGIN() }, body: { name: 'from the session', expires_in_days: 7 } });
    expect(created.status).toBe(201);
    const { key, api_key: record } = created.json as { key: string; api_key: { id: string; role: string } };
    expect(record.role).toBe('reviewer');
    expect(created.headers.get('location')).toBe(`/api/v1/api-keys/${record.id}`);
    expect((await call('listProjects', { key })).status).toBe(200);

    expectProblem(await call('createApiKey', { cookie, headers: { origin: 'https://evil.example' }, body: { name: 'x', expires_in_days: 7 } }), 403, 'forbidden');
    expectProblem(await call('createApiKey', { cookie, body: { name: 'no origin', expires_in_days: 7 } }), 403, 'forbidden');
    expectProblem(await call('revokeApiKey', { cookie, params: { id: record.id } }), 403, 'forbidden');
    expect((await call('revokeApiKey', { cookie, params: { id: record.id }, headers: { origin: ORIGIN() } })).status).toBe(200);
  });

  it('answers bad input with problems: unknown fields and parameters, wrong types, not JSON, too large, unknown ids', async () => {
    const cookie = await sessionCookie(world.users.admin);
    const origin = { origin: ORIGIN() };
    const unknownField = await call('createApiKey', { cookie, headers: origin, body: { name: 'n', expires_in_days: 5, secret_field_xyz: 1 } });
    expectProblem(unknownField, 400, 'invalid_input');
    expect(unknownField.text).not.toContain('secret_field_xyz');
    expectProblem(await call('createApiKey', { cookie, headers: origin, body: { name: 'n', expires_in_days: 'many' } }), 400, 'invalid_input');
    expectProblem(await call('createApiKey', { cookie, headers: origin, rawBody: '{"name":' }), 400, 'invalid_input');
    expectProblem(await call('createApiKey', { cookie, headers: { ...origin, 'content-type': 'text/plain' }, rawBody: 'name=x' }), 415, 'unsupported_media_type');
    expectProblem(await call('createApiKey', { cookie, headers: origin, body: { name: 'x'.repeat(70_000), expires_in_days: 5 } }), 413, 'payload_too_large');
    const unknownParameter = await call('listProjects', { key: world.keys.admin, query: { colour_zzz: 'red' } });
    expectProblem(unknownParameter, 400, 'invalid_input');
    expect(unknownParameter.text).not.toContain('colour_zzz');
    expectProblem(await call('listProjects', { key: world.keys.admin, query: { limit: '1000' } }), 400, 'invalid_input');
    expectProblem(await call('listProjects', { key: world.keys.admin, query: { cursor: 'not-a-cursor' } }), 400, 'invalid_input');
    // A token pasted as a search word is refused, not ignored: an unfiltered list is not its answer.
    const tokenLike = 'kPq3Vx9ZtR2mW8nYb4LcD7fGh1JsAe6U';
    for (const operation of ['listProjects', 'listMachineUsers', 'listTokens'] as const) {
      const tokenSearch = await call(operation, { key: world.keys.admin, query: { q: `leaked ${tokenLike}` } });
      expectProblem(tokenSearch, 400, 'invalid_input');
      expect(tokenSearch.text).not.toContain(tokenLike);
    }
    expectProblem(await call('getMachineUser', { key: world.keys.admin, params: { id: 'not-a-uuid' } }), 404, 'not_found');
    expectProblem(await call('getPush', { key: world.keys.admin, params: { id: '00000000-0000-4000-8000-000000000000' } }), 404, 'not_found');
  });

  it('paginates with limit and cursor until the last page', async () => {
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const answer = await call('listMachineUsers', { key: world.keys.admin, query: cursor ? { cursor } : { limit: '1' } });
      expect(answer.status).toBe(200);
      const page = answer.json as { data: { id: string }[]; total: number; next_cursor: string | null };
      expect(page.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.data.map((row) => row.id));
      cursor = page.next_cursor;
      if (cursor) expectProblem(await call('listMachineUsers', { key: world.keys.admin, query: { cursor, limit: '2' } }), 400, 'invalid_input');
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await world.db.machineUser.count({ where: { state: { not: 'removed' } } }));
  });

  it('streams the audit log as NDJSON after a since cursor', async () => {
    const last = await world.db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    const since = (last.seq - 3n).toString();
    const answer = await call('listAuditEvents', { key: world.keys.reviewer, query: { since }, headers: { accept: 'application/x-ndjson' } });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/x-ndjson; charset=utf-8');
    const lines = answer.text.trim().split('\n').map((line) => JSON.parse(line) as { seq: string });
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.every((line) => BigInt(line.seq) > BigInt(since))).toBe(true);
    for (const line of lines) expectMatchesDocument('GET', '/api/v1/audit', 200, 'application/x-ndjson', line);
  });

  it('never echoes input in its problems, and never answers 500 (fuzzed)', async () => {
    const cookie = await sessionCookie(world.users.admin);
    const marker = fc.string({ minLength: 8, maxLength: 40 }).filter((text) => /^[A-Za-z0-9]+$/.test(text)).map((text) => `Q${text}Z`);
    await fc.assert(
      fc.asyncProperty(
        marker,
        fc.constantFrom('name', 'expires_in_days', 'role', 'extra'),
        fc.oneof(fc.constant('string'), fc.constant('number'), fc.constant('nested')),
        async (value, field, shape) => {
          const body: Record<string, unknown> = { name: 'fuzz', expires_in_days: 5 };
          body[field] = shape === 'string' ? value : shape === 'number' ? Number.NaN : { [value]: [value] };
          if (field === 'name' && shape === 'string') body.role = value;
          const answer = await call('createApiKey', { cookie, headers: { origin: ORIGIN() }, body });
          expect(answer.status).toBeLessThan(500);
          if (answer.status >= 400) expect(answer.text).not.toContain(value);
        },
      ),
      { numRuns: 25 },
    );
    await fc.assert(
      fc.asyncProperty(marker, fc.constantFrom('q', 'sort', 'limit', 'cursor', 'state', 'bogus'), async (value, parameter) => {
        const answer = await call('listProjects', { key: world.keys.admin, query: { [parameter]: value } });
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.text).not.toContain(value);
      }),
      { numRuns: 25 },
    );
  });
});
