// Issue 14.11 on PGlite and PostgreSQL: the Tokens and Machine users lists search (literal `%` and
// `_`), sort by each sortable column both ways against an order written out here, page 25 at a
// time, and keep the filters the Overview links to (status, overdue, drift, state).
import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import type { MachineUserListSort } from '@/lib/validations/machine-users';
import type { TokenListSort } from '@/lib/validations/tokens';
import { listMachineUsers, MACHINE_USERS_PAGE_SIZE } from './machine-users/queries';
import { listTokens, TOKENS_PAGE_SIZE } from './tokens/queries';
import { useSearchIdLimitForTests } from './search';

const DAY = 86_400_000;
const COUNT = 30;
const PURPOSES = ['backups', 'ci_tests', 'source_operations', 'certificate_renewal', 'custom'] as const;
const STATES = ['active', 'invited', 'expired', 'active', 'error'] as const;
const STATUSES = ['active', 'active', 'superseded', 'revoked', 'compromised'] as const;

interface TokenFact {
  id: string;
  name: string;
  email: string;
  status: string;
  recordedAt: number;
  rotateBy: number;
  lastUsedAt: number | null;
}
interface MachineUserFact {
  id: string;
  email: string;
  project: string;
  purpose: string;
  state: string;
  owner: string;
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
const STATUS_ORDER = ['active', 'superseded', 'revoked', 'compromised'];
const PURPOSE_ORDER = [...PURPOSES];

describe.each(TEST_DATABASE_KINDS)('the Tokens and Machine users lists on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let reviewer: RequestContext;
  const tokens: TokenFact[] = [];
  const machineUsers: MachineUserFact[] = [];

  beforeAll(async () => {
    db = database.db;
    await db.project.createMany({ data: [{ id: 'shop', title: 'Shop 100% live' }, { id: 'blog', title: 'Blog snake_case' }] });
    const owners = [await createUser(db, { role: 'admin', email: `ann-${randomBytes(3).toString('hex')}@example.com` }), await createUser(db, { role: 'admin', email: `zed-${randomBytes(3).toString('hex')}@example.com` })];
    await db.user.update({ where: { id: owners[1]!.id }, data: { name: 'Zed Owner' } });
    const now = Date.now();
    for (let index = 0; index < COUNT; index += 1) {
      const project = index % 2 === 0 ? 'shop' : 'blog';
      const row = await db.machineUser.create({
        data: {
          projectId: project,
          purpose: PURPOSES[index % PURPOSES.length]!,
          email: `bot-${String((index * 7) % COUNT).padStart(2, '0')}@bots.example.com`,
          permissions: ['viewer'],
          state: STATES[index % STATES.length]!,
          ownerId: owners[index % 3 === 0 ? 1 : 0]!.id,
        },
      });
      machineUsers.push({ id: row.id, email: row.email, project: project === 'shop' ? 'Shop 100% live' : 'Blog snake_case', purpose: row.purpose, state: row.state, owner: owners[index % 3 === 0 ? 1 : 0]!.email });
      const token = await db.apiToken.create({
        data: {
          machineUserId: row.id,
          name: `cron ${String((index * 11) % COUNT).padStart(2, '0')}`,
          fingerprint: randomBytes(32).toString('hex'),
          lastFour: 'abcd',
          status: STATUSES[index % STATUSES.length]!,
          recordedAt: new Date(now - ((index * 13) % COUNT) * DAY - DAY),
          rotateBy: new Date(now + (((index * 17) % COUNT) - 5) * DAY),
          lastUsedAt: index % 4 === 0 ? null : new Date(now - ((index * 3) % COUNT) * DAY - index * 1000),
        },
      });
      tokens.push({ id: token.id, name: token.name, email: row.email, status: token.status, recordedAt: token.recordedAt.getTime(), rotateBy: token.rotateBy.getTime(), lastUsedAt: token.lastUsedAt?.getTime() ?? null });
    }
    reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
  });

  async function allTokenIds(query: Record<string, string>): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 1; ; page += 1) {
      const result = await listTokens(reviewer, { ...query, page: String(page) });
      if (!result.ok) throw new Error(result.error.message);
      ids.push(...result.data.tokens.map((token) => token.id));
      if (result.data.tokens.length < TOKENS_PAGE_SIZE) return ids;
    }
  }

  async function allMachineUserIds(query: Record<string, string>): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 1; ; page += 1) {
      const result = await listMachineUsers(reviewer, { ...query, page: String(page) });
      if (!result.ok) throw new Error(result.error.message);
      ids.push(...result.data.machineUsers.map((row) => row.id));
      if (result.data.machineUsers.length < MACHINE_USERS_PAGE_SIZE) return ids;
    }
  }

  it.each((['name', 'machine_user', 'status', 'age', 'rotate', 'used'] as TokenListSort[]).flatMap((sort) => [[sort, 'asc'], [sort, 'desc']] as [TokenListSort, 'asc' | 'desc'][]))(
    'Tokens: sorts by %s %s across pages',
    async (sort, dir) => {
      const sign = dir === 'asc' ? 1 : -1;
      const byId = (a: TokenFact, b: TokenFact) => sign * compare(a.id, b.id);
      const comparators: Record<TokenListSort, (a: TokenFact, b: TokenFact) => number> = {
        name: (a, b) => sign * compare(a.name, b.name) || byId(a, b),
        machine_user: (a, b) => sign * compare(a.email, b.email) || compare(b.recordedAt, a.recordedAt) || byId(a, b),
        status: (a, b) => sign * compare(STATUS_ORDER.indexOf(a.status), STATUS_ORDER.indexOf(b.status)) || compare(a.rotateBy, b.rotateBy) || byId(a, b),
        age: (a, b) => sign * compare(b.recordedAt, a.recordedAt) || byId(a, b),
        rotate: (a, b) => sign * compare(a.rotateBy, b.rotateBy) || byId(a, b),
        used: (a, b) => (a.lastUsedAt === null ? (b.lastUsedAt === null ? 0 : 1) : b.lastUsedAt === null ? -1 : sign * compare(a.lastUsedAt, b.lastUsedAt)) || byId(a, b),
      };
      expect(await allTokenIds({ status: 'all', sort, dir })).toEqual([...tokens].sort(comparators[sort]).map((token) => token.id));
    },
  );

  // The searches find related rows by their ids (indexed), or past a limit through the relation
  // (lib/domain/search.ts): both ways must find the same rows. A limit of 1 forces the second.
  afterEach(() => useSearchIdLimitForTests());

  it.each([['by ids', undefined], ['through the relation', 1]] as const)('Tokens: searches names, machine users and project titles (%s) literally and case-insensitively', async (_way, limit) => {
    useSearchIdLimitForTests(limit);
    const ids = (facts: TokenFact[]) => facts.map((fact) => fact.id).sort();
    const projectOf = new Map(machineUsers.map((row) => [row.email, row.project]));
    expect((await allTokenIds({ status: 'all', q: 'CRON 0' })).sort()).toEqual(ids(tokens.filter((token) => token.name.startsWith('cron 0'))));
    expect((await allTokenIds({ status: 'all', q: 'BOT-07' })).sort()).toEqual(ids(tokens.filter((token) => token.email.startsWith('bot-07'))));
    expect((await allTokenIds({ status: 'all', q: 'sHOP 100' })).sort()).toEqual(ids(tokens.filter((token) => projectOf.get(token.email) === 'Shop 100% live')));
    expect((await allTokenIds({ status: 'all', q: '100%' })).length).toBe(COUNT / 2);
    expect((await allTokenIds({ status: 'all', q: 'snake_case' })).length).toBe(COUNT / 2);
    // `%` and `_` are taken literally, in each field.
    expect(await allTokenIds({ status: 'all', q: 'snake%case' })).toEqual([]);
    expect(await allTokenIds({ status: 'all', q: 'cron_0' })).toEqual([]);
    expect(await allTokenIds({ status: 'all', q: 'bot_07' })).toEqual([]);
    expect((await allTokenIds({ status: 'all', q: '%' })).sort()).toEqual(ids(tokens.filter((token) => projectOf.get(token.email) === 'Shop 100% live')));
    // Some tokens match "3" by their name only, others by their machine user's address only (no title has a 3): the OR finds both.
    expect(tokens.some((token) => token.name.includes('3') && !token.email.includes('3'))).toBe(true);
    expect(tokens.some((token) => token.email.includes('3') && !token.name.includes('3'))).toBe(true);
    expect((await allTokenIds({ status: 'all', q: '3' })).sort()).toEqual(ids(tokens.filter((token) => token.name.includes('3') || token.email.includes('3'))));
  });

  it('Tokens: keeps the Overview’s filters', async () => {
    const ids = (facts: TokenFact[]) => facts.map((fact) => fact.id).sort();
    // The default shows active tokens; status and overdue narrow as before.
    expect((await allTokenIds({})).sort()).toEqual(ids(tokens.filter((token) => token.status === 'active')));
    expect((await allTokenIds({ status: 'compromised' })).sort()).toEqual(ids(tokens.filter((token) => token.status === 'compromised')));
    expect((await allTokenIds({ overdue: 'yes', status: 'all' })).sort()).toEqual(ids(tokens.filter((token) => token.status === 'active' && token.rotateBy < Date.now())));
    // No push, no drift.
    expect(await allTokenIds({ status: 'all', drift: 'yes' })).toEqual([]);
    const first = await listTokens(reviewer, { status: 'all' });
    expect(first.ok && [first.data.total, first.data.tokens.length, first.data.pageSize]).toEqual([COUNT, 25, 25]);
  });

  it.each((['project', 'email', 'purpose', 'owner'] as MachineUserListSort[]).flatMap((sort) => [[sort, 'asc'], [sort, 'desc']] as [MachineUserListSort, 'asc' | 'desc'][]))(
    'Machine users: sorts by %s %s across pages',
    async (sort, dir) => {
      const sign = dir === 'asc' ? 1 : -1;
      const tieBreak = (a: MachineUserFact, b: MachineUserFact) => sign * (compare(a.email, b.email) || compare(a.id, b.id));
      const key: Record<MachineUserListSort, (fact: MachineUserFact) => string | number> = {
        project: (fact) => fact.project,
        email: () => 0,
        purpose: (fact) => PURPOSE_ORDER.indexOf(fact.purpose as (typeof PURPOSES)[number]),
        owner: (fact) => fact.owner,
      };
      const expected = [...machineUsers].sort((a, b) => sign * compare(key[sort](a), key[sort](b)) || tieBreak(a, b)).map((fact) => fact.id);
      expect(await allMachineUserIds({ state: 'all', sort, dir })).toEqual(expected);
    },
  );

  it.each([['by ids', undefined], ['through the relation', 1]] as const)('Machine users: searches addresses, owners (address or name) and project titles (%s), and keeps the state filter', async (_way, limit) => {
    useSearchIdLimitForTests(limit);
    const ids = (facts: MachineUserFact[]) => facts.map((fact) => fact.id).sort();
    expect((await allMachineUserIds({ state: 'all', q: 'BOT-1' })).sort()).toEqual(ids(machineUsers.filter((row) => row.email.startsWith('bot-1'))));
    expect((await allMachineUserIds({ state: 'all', q: 'zed owner' })).sort()).toEqual(ids(machineUsers.filter((row) => row.owner.startsWith('zed-'))));
    expect((await allMachineUserIds({ state: 'all', q: 'ANN-' })).sort()).toEqual(ids(machineUsers.filter((row) => row.owner.startsWith('ann-'))));
    expect((await allMachineUserIds({ state: 'all', q: 'BLOG snake' })).sort()).toEqual(ids(machineUsers.filter((row) => row.project === 'Blog snake_case')));
    expect((await allMachineUserIds({ state: 'all', q: 'snake_case' })).length).toBe(COUNT / 2);
    expect(await allMachineUserIds({ state: 'all', q: 'snake%' })).toEqual([]);
    expect(await allMachineUserIds({ state: 'all', q: 'zed_owner' })).toEqual([]);
    expect((await allMachineUserIds({ state: 'expired' })).sort()).toEqual(ids(machineUsers.filter((row) => row.state === 'expired')));
  });
});
