// The reviewer's Inventory on PGlite and PostgreSQL, over records written straight into the tables
// (the sync and the push have tests of their own): each filter narrows to exactly what it should,
// every sort both ways against an order written out here in JavaScript, the pages, the holdings,
// the foreign-variable and other-account sections, an onboarder's scope, and the export's keyset
// batches (read in batches of a bounded size, in the page's own order, each row once).
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Prisma, type Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { CLI_TOKEN_VARIABLE } from '@/lib/platformsh';
import type { InventorySort } from '@/lib/review/inventory-query';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { inventoryQuerySchema } from '@/lib/validations/review-inventory';
import { INVENTORY_PAGE_SIZE, inventoryBatches, listInventory, openInventoryExport, type InventoryPage } from './inventory';
import { exportChunks } from './inventory-export';
import { CSV_COLUMNS, type InventoryMachineUser, type InventoryRecord } from './inventory-shape';

const NOW = new Date('2027-03-01T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const BULK = 30;

interface Seeded {
  owner1: { id: string; email: string };
  owner2: { id: string; email: string };
  mu: Record<'mu1' | 'mu2' | 'mu3' | 'mu4' | 'mu5', { id: string; email: string }>;
  tokens: Record<'t1' | 't2' | 't3' | 't4' | 't5' | 't6', string>;
  /** Per machine user: what the sorts read (for the expected orders). */
  facts: Map<string, { project: string; email: string; purpose: string; owner: string; tokens: number; oldestActive: number | null; nextRotate: number | null; lastUsed: number | null; findings: number }>;
}

const unique = () => randomBytes(4).toString('hex');

async function seed(db: Database): Promise<Seeded> {
  await db.project.createMany({
    data: [
      { id: 'alpha', title: 'Alpha shop' },
      { id: 'beta', title: 'Beta blog' },
      { id: 'gamma', title: 'Gamma api' },
      { id: 'delta', title: 'Delta bulk' },
    ],
  });
  await db.environment.createMany({
    data: [
      { projectId: 'alpha', id: 'main', name: 'main', title: 'Main', type: 'production', status: 'active', isMain: true },
      { projectId: 'alpha', id: 'staging', name: 'staging', title: 'Staging', type: 'staging', status: 'active', parent: 'main' },
      { projectId: 'alpha', id: 'dev', name: 'dev', title: 'Dev', type: 'development', status: 'active', parent: 'staging' },
      { projectId: 'beta', id: 'main', name: 'main', title: 'Main', type: 'production', status: 'active', isMain: true },
      { projectId: 'gamma', id: 'main', name: 'main', title: 'Main', type: 'production', status: 'active', isMain: true },
      { projectId: 'gamma', id: 'feature', name: 'feature', title: 'Feature', type: 'development', status: 'active', parent: 'main' },
    ],
  });
  const owner1 = await createUser(db, { role: 'admin', email: `owner1-${unique()}@example.com` });
  const owner2 = await createUser(db, { role: 'onboarder', email: `owner2-${unique()}@example.com`, disabled: true });
  const machineUser = async (label: string, data: { projectId: string; purpose: 'backups' | 'ci_tests' | 'source_operations' | 'certificate_renewal' | 'custom'; permissions: string[]; ownerId: string; backupOwnerId?: string; state: 'active' | 'invited' | 'removed' }) =>
    db.machineUser.create({ data: { ...data, email: `${label}-${unique()}@bots.example.com`, platformshUserId: `u-${label}` }, select: { id: true, email: true } });
  const mu = {
    mu1: await machineUser('mu1', { projectId: 'alpha', purpose: 'backups', permissions: ['viewer', 'production:admin'], ownerId: owner1.id, backupOwnerId: owner2.id, state: 'active' }),
    mu2: await machineUser('mu2', { projectId: 'alpha', purpose: 'ci_tests', permissions: ['viewer', 'production:viewer', 'staging:viewer', 'development:viewer'], ownerId: owner2.id, state: 'active' }),
    mu3: await machineUser('mu3', { projectId: 'beta', purpose: 'custom', permissions: ['admin'], ownerId: owner1.id, state: 'active' }),
    mu4: await machineUser('mu4', { projectId: 'gamma', purpose: 'source_operations', permissions: ['viewer', 'development:contributor'], ownerId: owner1.id, state: 'removed' }),
    mu5: await machineUser('mu5', { projectId: 'beta', purpose: 'certificate_renewal', permissions: ['viewer', 'production:contributor'], ownerId: owner1.id, state: 'invited' }),
  };
  const token = async (machineUserId: string, data: { status: 'active' | 'superseded' | 'revoked' | 'compromised'; recordedAt: Date; rotateBy: Date; lastUsedAt?: Date; remoteCreatedAt?: Date }) =>
    (await db.apiToken.create({ data: { machineUserId, name: `token-${unique()}`, fingerprint: randomBytes(32).toString('hex'), lastFour: unique().slice(0, 4), ...data }, select: { id: true } })).id;
  const tokens = {
    t1: await token(mu.mu1.id, { status: 'active', recordedAt: daysAgo(10), rotateBy: daysAgo(-80), lastUsedAt: daysAgo(1) }),
    t2: await token(mu.mu1.id, { status: 'superseded', recordedAt: daysAgo(200), rotateBy: daysAgo(110), lastUsedAt: daysAgo(12) }),
    t3: await token(mu.mu2.id, { status: 'active', recordedAt: daysAgo(100), rotateBy: daysAgo(5), lastUsedAt: daysAgo(3) }),
    t4: await token(mu.mu3.id, { status: 'compromised', recordedAt: daysAgo(400), rotateBy: daysAgo(300) }),
    t5: await token(mu.mu3.id, { status: 'active', recordedAt: daysAgo(5), remoteCreatedAt: daysAgo(40), rotateBy: daysAgo(-50) }),
    t6: await token(mu.mu4.id, { status: 'revoked', recordedAt: daysAgo(50), rotateBy: daysAgo(-40) }),
  };
  const step = async (machineUserId: string, tokenId: string, projectId: string, environmentId: string, environmentType: string, at: Date, operation: string) => {
    const run = await db.pushRun.create({ data: { machineUserId, tokenId, status: 'succeeded', visibleBuild: false, startedAt: at, finishedAt: at } });
    await db.pushStep.create({ data: { runId: run.id, projectId, environmentId, environmentType, status: 'succeeded', operation, updatedAt: at } });
  };
  await step(mu.mu1.id, tokens.t2, 'alpha', 'main', 'production', daysAgo(190), 'create');
  await step(mu.mu1.id, tokens.t1, 'alpha', 'main', 'production', daysAgo(9), 'update');
  await step(mu.mu2.id, tokens.t3, 'alpha', 'staging', 'staging', daysAgo(90), 'create');
  await step(mu.mu3.id, tokens.t4, 'beta', 'main', 'production', daysAgo(30), 'create');
  await step(mu.mu3.id, tokens.t4, 'beta', 'main', 'production', daysAgo(20), 'delete');
  await step(mu.mu3.id, tokens.t5, 'beta', 'main', 'production', daysAgo(4), 'create');
  // A failed step decides nothing.
  const failedRun = await db.pushRun.create({ data: { machineUserId: mu.mu2.id, tokenId: tokens.t3, status: 'failed', visibleBuild: false } });
  await db.pushStep.create({ data: { runId: failedRun.id, projectId: 'alpha', environmentId: 'dev', environmentType: 'development', status: 'failed', operation: 'create' } });

  const variable = (projectId: string, environmentId: string | null, extra: { inherited?: boolean; name?: string; isSensitive?: boolean } = {}) => ({
    projectId,
    environmentId,
    name: extra.name ?? CLI_TOKEN_VARIABLE,
    isSensitive: extra.isSensitive ?? true,
    isInheritable: false,
    isEnabled: true,
    visibleBuild: false,
    visibleRuntime: true,
    inherited: extra.inherited ?? false,
    remoteUpdatedAt: daysAgo(2),
  });
  await db.tokenVariable.createMany({
    data: [
      variable('alpha', 'main'),
      variable('alpha', 'staging'),
      variable('alpha', 'dev', { isSensitive: false }),
      variable('alpha', null),
      variable('beta', 'main'),
      variable('gamma', 'main'),
      variable('gamma', 'feature', { inherited: true }),
      variable('gamma', 'feature', { name: 'env:OTHER' }),
    ],
  });
  await db.dashboardAccount.create({ data: { userId: 'u-dash', email: 'keywarden@example.com', checkedAt: NOW } });
  await db.projectUserAccess.createMany({
    data: [
      { projectId: 'alpha', userId: 'u-mu1', permissions: ['viewer', 'production:admin'] },
      { projectId: 'alpha', userId: 'u-mu2', permissions: ['viewer'] },
      { projectId: 'alpha', userId: 'u-dash', permissions: ['admin'] },
      { projectId: 'alpha', userId: 'u-human1', permissions: ['admin'] },
      { projectId: 'alpha', userId: 'u-human2', permissions: ['viewer', 'production:viewer'] },
      { projectId: 'beta', userId: 'u-mu3', permissions: ['admin'] },
      { projectId: 'beta', userId: 'u-mu1', permissions: ['viewer'] },
      { projectId: 'beta', userId: 'u-human1', permissions: ['viewer'] },
      { projectId: 'gamma', userId: 'u-mu4', permissions: ['viewer', 'development:contributor'] },
    ],
  });
  await db.platformshAccount.createMany({
    data: [
      { id: 'u-human1', email: 'alice@corp.example.com', displayName: 'Alice Admin', seenAt: NOW },
      { id: 'u-human2', email: 'bob@corp.example.com', displayName: 'Bob Viewer', seenAt: NOW },
      { id: 'u-mu1', email: mu.mu1.email, displayName: null, seenAt: NOW },
    ],
  });
  const finding = (data: Partial<Prisma.FindingCreateManyInput>) => ({ ruleId: 'test.rule', subjectKey: `s:${unique()}`, severity: 'medium' as const, evidence: {}, firstSeenAt: daysAgo(3), lastSeenAt: daysAgo(1), ...data });
  await db.finding.createMany({
    data: [
      finding({ ruleId: 'owner.disabled', machineUserId: mu.mu2.id, projectId: 'alpha' }),
      finding({ machineUserId: mu.mu1.id, resolvedAt: daysAgo(1) }),
      finding({ machineUserId: mu.mu3.id, acceptedUntil: daysAgo(-10), acceptedReason: 'known' }),
      finding({ ruleId: 'token.compromised_not_deleted', tokenId: tokens.t4, acceptedUntil: daysAgo(1), acceptedReason: 'expired acceptance' }),
      finding({ ruleId: 'variable.hand_set', projectId: 'gamma', environmentId: 'main' }),
      finding({ ruleId: 'human.admin', platformshUserId: 'u-human1', projectId: 'alpha' }),
    ],
  });
  // Enough machine users on one project for a second page and several export batches.
  await db.machineUser.createMany({
    data: Array.from({ length: BULK }, (_, index) => ({ projectId: 'delta', purpose: 'custom' as const, permissions: ['viewer'], email: `bulk-${String(index).padStart(2, '0')}-${unique()}@bots.example.com`, ownerId: owner1.id, state: 'active' as const })),
  });

  const facts: Seeded['facts'] = new Map();
  const rows = await db.machineUser.findMany({ where: { state: { not: 'removed' } }, include: { project: true, owner: true, tokens: true } });
  const open = new Map([[mu.mu2.id, 1], [mu.mu3.id, 1]]);
  for (const row of rows) {
    const active = row.tokens.filter((entry) => entry.status === 'active');
    const min = (values: number[]) => (values.length ? Math.min(...values) : null);
    const max = (values: number[]) => (values.length ? Math.max(...values) : null);
    facts.set(row.id, {
      project: row.project.title,
      email: row.email,
      purpose: row.purpose,
      owner: row.owner.email,
      tokens: row.tokens.length,
      oldestActive: min(active.map((entry) => (entry.remoteCreatedAt ?? entry.recordedAt).getTime())),
      nextRotate: min(active.map((entry) => entry.rotateBy.getTime())),
      lastUsed: max(row.tokens.flatMap((entry) => (entry.lastUsedAt ? [entry.lastUsedAt.getTime()] : []))),
      findings: open.get(row.id) ?? 0,
    });
  }
  return { owner1, owner2, mu, tokens, facts };
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
/** The order the page promises, written out independently of the SQL: the key (missing values last), then e-mail, then id, all in the one direction. */
function expectedOrder(facts: Seeded['facts'], sort: InventorySort, dir: 'asc' | 'desc'): string[] {
  const sign = dir === 'asc' ? 1 : -1;
  type Fact = NonNullable<ReturnType<Seeded['facts']['get']>>;
  const key: Record<InventorySort, (fact: Fact) => string | number | null> = {
    project: (fact) => fact.project,
    email: (fact) => fact.email,
    purpose: (fact) => fact.purpose,
    owner: (fact) => fact.owner,
    tokens: (fact) => fact.tokens,
    // Ascending age: the youngest (latest created) first.
    age: (fact) => (fact.oldestActive === null ? null : -fact.oldestActive),
    rotate: (fact) => fact.nextRotate,
    used: (fact) => fact.lastUsed,
    findings: (fact) => fact.findings,
  };
  return [...facts.entries()]
    .sort(([idA, a], [idB, b]) => {
      const ka = key[sort](a);
      const kb = key[sort](b);
      if (ka === null && kb !== null) return 1;
      if (kb === null && ka !== null) return -1;
      return sign * ((ka === null || kb === null ? 0 : compare(ka, kb)) || compare(a.email, b.email) || compare(idA, idB));
    })
    .map(([id]) => id);
}

describe.each(TEST_DATABASE_KINDS)('the Inventory on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let seeded: Seeded;
  let reviewer: RequestContext;

  beforeAll(async () => {
    db = database.db;
    seeded = await seed(db);
    reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
  });

  async function inventory(context: RequestContext, query: Record<string, string | number>): Promise<InventoryPage> {
    const result = await listInventory(context, query, NOW);
    if (!result.ok) throw new Error(`listInventory failed: ${JSON.stringify(result.error)}`);
    return result.data;
  }

  /** The e-mails of every machine user the query lists, over every page. */
  async function allMachineUsers(context: RequestContext, query: Record<string, string | number>): Promise<InventoryMachineUser[]> {
    const rows: InventoryMachineUser[] = [];
    for (let page = 1; ; page += 1) {
      const result = (await inventory(context, { ...query, page })).machineUsers;
      if (!result) return rows;
      rows.push(...result.rows);
      if (result.rows.length < INVENTORY_PAGE_SIZE) return rows;
    }
  }
  const labels = (rows: InventoryMachineUser[]) => rows.filter((row) => !row.email.startsWith('bulk-')).map((row) => row.email.split('-')[0]);

  it('lists every live machine user with its project, roles, owners, tokens, holdings and open findings', async () => {
    const page = await inventory(reviewer, {});
    expect(page.sections).toEqual({ machineUsers: true, variables: true, accounts: true });
    expect(page.machineUsers).toMatchObject({ total: 4 + BULK, page: 1, pageSize: INVENTORY_PAGE_SIZE });
    expect(labels(page.machineUsers!.rows)).toEqual(['mu1', 'mu2', 'mu3', 'mu5']);
    const [mu1, mu2, mu3] = page.machineUsers!.rows;
    expect(mu1).toMatchObject({
      kind: 'machine_user',
      purpose: 'backups',
      state: 'active',
      project: { id: 'alpha', title: 'Alpha shop' },
      roles: { project: 'viewer', environments: { production: 'admin', staging: 'none', development: 'none' } },
      owner: { email: seeded.owner1.email, disabled: false },
      backupOwner: { email: seeded.owner2.email, disabled: true },
      openFindings: 0,
    });
    expect(mu1!.tokens.map((token) => [token.id, token.status, token.environments.map((environment) => environment.id), token.ageDays])).toEqual([
      [seeded.tokens.t1, 'active', ['main'], 10],
      [seeded.tokens.t2, 'superseded', [], 200],
    ]);
    expect(mu2).toMatchObject({ owner: { disabled: true }, openFindings: 1, findingRules: ['owner.disabled'] });
    expect(mu2!.tokens).toEqual([expect.objectContaining({ id: seeded.tokens.t3, overdue: true, environments: [{ id: 'staging', type: 'staging' }] })]);
    // The compromised token's variable was deleted; the newer token holds main now. Its age counts from its creation on Platform.sh.
    expect(mu3!.tokens.map((token) => [token.status, token.environments.map((environment) => environment.id), token.ageDays])).toEqual([
      ['active', ['main'], 40],
      ['compromised', [], 400],
    ]);
    // An accepted risk is not open; an acceptance that expired is, and a token's finding counts for its machine user.
    expect(mu3).toMatchObject({ roles: { project: 'admin', environments: { production: 'admin', staging: 'admin', development: 'admin' } }, openFindings: 1, findingRules: ['token.compromised_not_deleted'] });
    // Never a fingerprint in a row.
    expect(JSON.stringify(page)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('lists the token variables Keywarden did not push, and the accounts with access that are not Keywarden’s', async () => {
    const page = await inventory(reviewer, {});
    expect(page.variables!.total).toBe(3);
    expect(page.variables!.rows.map((row) => [row.project.id, row.environmentId, row.environmentType, row.openFindings])).toEqual([
      ['alpha', null, null, 0],
      ['alpha', 'dev', 'development', 0],
      ['gamma', 'main', 'production', 1],
    ]);
    expect(page.variables!.rows[1]).toMatchObject({ isSensitive: false, isInheritable: false, isEnabled: true });
    expect(page.accounts!.total).toBe(5);
    expect(page.accounts!.rows.map((row) => [row.project.id, row.userId, row.email, row.openFindings])).toEqual([
      ['alpha', 'u-human1', 'alice@corp.example.com', 1],
      ['alpha', 'u-human2', 'bob@corp.example.com', 0],
      // A machine user of another project is not Keywarden's here; a removed one is not any more.
      ['beta', 'u-human1', 'alice@corp.example.com', 0],
      ['beta', 'u-mu1', seeded.mu.mu1.email, 0],
      ['gamma', 'u-mu4', null, 0],
    ]);
    expect(page.accounts!.rows[0]).toMatchObject({ displayName: 'Alice Admin', roles: { project: 'admin' } });
  });

  it.each<[Record<string, string>, string[], number | null, number | null]>([
    // [filter, machine users (besides the bulk ones), foreign variables, other accounts]
    [{ project: 'alpha' }, ['mu1', 'mu2'], 2, 2],
    [{ project: 'beta' }, ['mu3', 'mu5'], 0, 2],
    [{ purpose: 'backups' }, ['mu1'], null, null],
    [{ role: 'admin' }, ['mu3'], null, 1],
    [{ role: 'production:admin' }, ['mu1', 'mu3'], null, 1],
    [{ role: 'production:viewer' }, ['mu2'], null, 1],
    [{ role: 'production:contributor' }, ['mu5'], null, 0],
    [{ role: 'staging:none' }, ['mu1', 'mu5'], null, 4],
    [{ status: 'active' }, ['mu1', 'mu2', 'mu3'], null, null],
    [{ status: 'overdue' }, ['mu2'], null, null],
    [{ status: 'compromised' }, ['mu3'], null, null],
    [{ status: 'superseded' }, ['mu1'], null, null],
    [{ status: 'none' }, ['mu5'], null, null],
    [{ age: 'lt30' }, ['mu1'], null, null],
    [{ age: '30to90' }, ['mu3'], null, null],
    [{ age: '90to180' }, ['mu2'], null, null],
    [{ age: '180to365' }, ['mu1'], null, null],
    [{ age: 'gt365' }, ['mu3'], null, null],
    [{ finding: 'open' }, ['mu2', 'mu3'], 1, 1],
    [{ finding: 'none' }, ['mu1', 'mu5'], 2, 4],
    [{ managed: 'managed' }, ['mu1', 'mu2', 'mu3', 'mu5'], null, null],
    [{ managed: 'unmanaged' }, [], 3, 5],
    [{ state: 'removed' }, ['mu4'], null, null],
    [{ q: 'alice' }, [], 0, 2],
    [{ q: 'beta' }, ['mu3', 'mu5'], 0, 2],
    [{ q: '%' }, [], 0, 0],
  ])('filter %j narrows every section', async (filter, machineUsers, variables, accounts) => {
    const page = await inventory(reviewer, filter);
    if (filter.managed === 'unmanaged') expect(page.machineUsers).toBeNull();
    else expect(labels(await allMachineUsers(reviewer, filter))).toEqual(machineUsers);
    expect(page.variables?.total ?? null).toBe(variables);
    expect(page.accounts?.total ?? null).toBe(accounts);
  });

  it('narrows the tokens shown to those the token filters match', async () => {
    const [mu1] = (await inventory(reviewer, { status: 'superseded' })).machineUsers!.rows;
    expect(mu1!.tokens.map((token) => token.id)).toEqual([seeded.tokens.t2]);
    const [mu3] = (await inventory(reviewer, { age: 'gt365', status: 'compromised' })).machineUsers!.rows;
    expect(mu3!.tokens.map((token) => token.id)).toEqual([seeded.tokens.t4]);
    expect((await inventory(reviewer, { age: 'gt365', status: 'active' })).machineUsers!.total).toBe(0);
  });

  it('filters by owner or backup owner, and by a disabled owner', async () => {
    expect(labels(await allMachineUsers(reviewer, { owner: seeded.owner2.id }))).toEqual(['mu1', 'mu2']);
    expect(labels(await allMachineUsers(reviewer, { owner: 'disabled' }))).toEqual(['mu2']);
    const { options } = await inventory(reviewer, {});
    expect(options.owners).toEqual(expect.arrayContaining([{ id: seeded.owner2.id, email: seeded.owner2.email, disabled: true }]));
    expect(options.projects.map((project) => project.id)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
  });

  it.each(['project', 'email', 'purpose', 'owner', 'tokens', 'age', 'rotate', 'used', 'findings'].flatMap((sort) => [[sort, 'asc'], [sort, 'desc']]) as [InventorySort, 'asc' | 'desc'][])(
    'sorts by %s %s across pages',
    async (sort, dir) => {
      const rows = await allMachineUsers(reviewer, { sort, dir });
      expect(rows.map((row) => row.id)).toEqual(expectedOrder(seeded.facts, sort, dir));
    },
  );

  it('pages 25 machine users at a time, each once, with a way past the end', async () => {
    const first = await inventory(reviewer, {});
    const second = await inventory(reviewer, { page: 2 });
    expect(first.machineUsers!.rows).toHaveLength(25);
    expect(second.machineUsers!.rows).toHaveLength(4 + BULK - 25);
    expect(new Set([...first.machineUsers!.rows, ...second.machineUsers!.rows].map((row) => row.id)).size).toBe(4 + BULK);
    expect((await inventory(reviewer, { page: 3 })).machineUsers).toMatchObject({ rows: [], total: 4 + BULK });
    // The side sections page on their own.
    const accounts = await inventory(reviewer, { upage: 2 });
    expect(accounts.accounts).toMatchObject({ page: 2, total: 5, rows: [] });
    expect(accounts.machineUsers!.page).toBe(1);
  });

  it('shows an onboarder their assigned projects only, and nothing without any', async () => {
    const onboarder = await createUser(db, { role: 'onboarder', projectIds: ['beta'] });
    const page = await inventory(contextFor(onboarder, ['beta']), {});
    expect(labels(page.machineUsers!.rows)).toEqual(['mu3', 'mu5']);
    expect(page.variables!.total).toBe(0);
    expect(page.accounts!.rows.map((row) => row.project.id)).toEqual(['beta', 'beta']);
    expect(page.options.projects.map((project) => project.id)).toEqual(['beta']);
    // Asking for another project's inventory by URL shows nothing of it.
    const other = await inventory(contextFor(onboarder, ['beta']), { project: 'alpha' });
    expect([other.machineUsers!.total, other.variables!.total, other.accounts!.total]).toEqual([0, 0, 0]);
    const unassigned = await createUser(db, { role: 'onboarder' });
    const empty = await inventory(contextFor(unassigned, []), {});
    expect([empty.machineUsers!.total, empty.variables!.total, empty.accounts!.total, empty.options.projects.length]).toEqual([0, 0, 0, 0]);
  });

  describe('export', () => {
    const collect = async (batches: AsyncIterable<InventoryRecord[]>) => {
      const sizes: number[] = [];
      const records: InventoryRecord[] = [];
      for await (const batch of batches) {
        sizes.push(batch.length);
        records.push(...batch);
      }
      return { sizes, records };
    };

    it.each([['project', 'asc'], ['rotate', 'desc'], ['used', 'asc'], ['tokens', 'desc']] as [InventorySort, 'asc' | 'desc'][])(
      'reads the set in keyset batches of a bounded size, in the page’s order (%s %s), each row once',
      async (sort, dir) => {
        const query = inventoryQuerySchema.parse({ sort, dir });
        const { sizes, records } = await collect(inventoryBatches(query, null, NOW, 7));
        const machineUsers = records.filter((record) => record.kind === 'machine_user');
        expect(machineUsers.map((record) => record.id)).toEqual(expectedOrder(seeded.facts, sort, dir));
        // 34 machine users in 5 batches of at most 7, then the 3 variables and the 5 accounts in one each.
        expect(sizes).toEqual([7, 7, 7, 7, 6, 3, 5]);
        expect(records.filter((record) => record.kind === 'foreign_variable')).toHaveLength(3);
        expect(records.filter((record) => record.kind === 'platform_user')).toHaveLength(5);
      },
    );

    it('exports the filter as CSV and JSON with no token value or fingerprint, and audits it', async () => {
      const opened = await openInventoryExport(reviewer, { project: 'alpha' }, 'csv', { now: NOW, batchSize: 2 });
      if (!opened.ok) throw new Error(opened.error.message);
      let csv = '';
      for await (const chunk of exportChunks(opened.data.batches, 'csv')) csv += chunk;
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toBe(CSV_COLUMNS.join(','));
      // mu1 has two tokens (two lines), mu2 one; two variables; two accounts.
      expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['machine_user', 'machine_user', 'machine_user', 'foreign_variable', 'foreign_variable', 'platform_user', 'platform_user']);
      const fingerprints = (await db.apiToken.findMany({ select: { fingerprint: true } })).map((row) => row.fingerprint);
      for (const fingerprint of fingerprints) expect(csv).not.toContain(fingerprint);

      const json = await openInventoryExport(reviewer, { project: 'alpha' }, 'json', { now: NOW, batchSize: 2 });
      if (!json.ok) throw new Error(json.error.message);
      let text = '';
      for await (const chunk of exportChunks(json.data.batches, 'json')) text += chunk;
      const parsed = JSON.parse(text) as InventoryRecord[];
      expect(parsed.map((record) => record.kind)).toEqual(['machine_user', 'machine_user', 'foreign_variable', 'foreign_variable', 'platform_user', 'platform_user']);
      for (const fingerprint of fingerprints) expect(text).not.toContain(fingerprint);

      const audit = await db.auditEvent.findMany({ where: { action: 'inventory.export', actorId: reviewer.actor.id }, orderBy: { seq: 'asc' } });
      expect(audit.map((row) => [row.outcome, (row.details as { format: string; filter: unknown }).format, (row.details as { filter: unknown }).filter])).toEqual([
        ['succeeded', 'csv', { project: 'alpha' }],
        ['succeeded', 'json', { project: 'alpha' }],
      ]);
    });

    it('writes an empty JSON array and a header-only CSV when nothing matches', async () => {
      const none = inventoryQuerySchema.parse({ q: 'nothing-matches-this' });
      let json = '';
      for await (const chunk of exportChunks(inventoryBatches(none, null, NOW), 'json')) json += chunk;
      expect(JSON.parse(json)).toEqual([]);
      let csv = '';
      for await (const chunk of exportChunks(inventoryBatches(none, null, NOW), 'csv')) csv += chunk;
      expect(csv).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    });

    it('exports an onboarder’s assigned projects only; refuses, and audits, one with none', async () => {
      const onboarder = await createUser(db, { role: 'onboarder', projectIds: ['beta'] });
      const opened = await openInventoryExport(contextFor(onboarder, ['beta']), {}, 'ndjson', { now: NOW });
      if (!opened.ok) throw new Error(opened.error.message);
      const { records } = await collect(opened.data.batches);
      expect(new Set(records.map((record) => record.project.id))).toEqual(new Set(['beta']));
      const unassigned = await createUser(db, { role: 'onboarder' });
      const refused = await openInventoryExport(contextFor(unassigned, []), {}, 'csv', { now: NOW });
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await db.auditEvent.count({ where: { action: 'inventory.export', actorId: unassigned.id, outcome: 'refused' } })).toBe(1);
    });
  });

  it('has a random id that matches nothing', async () => {
    expect((await inventory(reviewer, { owner: randomUUID() })).machineUsers!.total).toBe(0);
  });
});
