// Reading the inventory (the Projects page and one project) after a real sync from the simulator,
// on PGlite and PostgreSQL: search (literal `%` and `_`), every sort both ways, pagination, the
// token and state filters, and who sees what (an onboarder only their assigned projects).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { Project } from '@/lib/db/generated/client';
import type { RequestContext } from '@/lib/domain/context';
import { CLI_TOKEN_VARIABLE } from '@/lib/platformsh';
import { DEMO_ORGANIZATION_ID, seedDemoOrganisation, startSimulator, type DemoOrganisation, type RunningSimulator } from '@/lib/platformsh/simulator';
import { projectIdFrom, secretFrom } from '@/lib/platformsh/simulator/ids';
import type { EnvironmentType } from '@/lib/platformsh/simulator/permissions';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createProjects, createUser } from '@/lib/testing/fixtures';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import type { ProjectSort } from '@/lib/validations/inventory';
import { getProject, listProjects, PROJECTS_PAGE_SIZE, type ProjectPage } from './projects';

const REGIONS = ['eu-3.platform.sh', 'us-3.platform.sh', 'ca-1.platform.sh', 'au.platform.sh', 'eu-5.platform.sh'];
const SPECIAL_TITLES = ['Yield 100% plan', 'Zeta 1000 plan', 'Xray snake_case', 'Wolf snakeXcase'];
const EXTRA_COUNT = 20;
const LOCAL_ONLY = ['zz-local-1', 'zz-local-2'];

/** The demo organisation plus generated projects (varied regions and environment counts) and titles with LIKE wildcards. */
function seedInventory(store: RunningSimulator['store'], into: { demo?: DemoOrganisation; extraIds: string[] }) {
  into.demo = seedDemoOrganisation(store);
  const titles = [...Array.from({ length: EXTRA_COUNT }, (_, index) => `Project ${String(index + 1).padStart(4, '0')}`), ...SPECIAL_TITLES];
  titles.forEach((title, index) => {
    const project = store.addProject({ id: projectIdFrom(`inventory-list:${title}`), organizationId: DEMO_ORGANIZATION_ID, title, region: REGIONS[index % REGIONS.length]! });
    const types: EnvironmentType[] = ['production', 'staging', 'development', 'development'];
    for (let position = 0; position <= index % 4; position += 1) {
      store.addEnvironment(project.id, { id: position === 0 ? 'main' : `branch-${position}`, type: types[position]!, parent: position === 0 ? null : 'main' });
    }
    into.extraIds.push(project.id);
  });
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** The order the Projects page promises, written out independently of the Prisma query. */
function expectedOrder(rows: Project[], sort: ProjectSort, dir: 'asc' | 'desc'): string[] {
  const sign = dir === 'asc' ? 1 : -1;
  const tieBreak = (a: Project, b: Project) => compare(a.title, b.title) || compare(a.id, b.id);
  const nullsLast = <T extends string | number>(a: T | null, b: T | null) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : sign * compare(a, b));
  const comparators: Record<ProjectSort, (a: Project, b: Project) => number> = {
    title: (a, b) => sign * (compare(a.title, b.title) || compare(a.id, b.id)),
    region: (a, b) => nullsLast(a.region, b.region) || tieBreak(a, b),
    environments: (a, b) => sign * compare(a.environmentCount, b.environmentCount) || tieBreak(a, b),
    token: (a, b) => sign * compare(Number(a.tokenOnProduction), Number(b.tokenOnProduction)) || tieBreak(a, b),
    synced: (a, b) => nullsLast(a.lastSyncedAt?.getTime() ?? null, b.lastSyncedAt?.getTime() ?? null) || tieBreak(a, b),
  };
  return [...rows].sort(comparators[sort]).map((row) => row.id);
}

describe.each(TEST_DATABASE_KINDS)('the Projects list on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  const seeded: { demo?: DemoOrganisation; extraIds: string[] } = { extraIds: [] };
  let failingId: string;
  let projectLevelTokenId: string;
  let admin: RequestContext;
  let reviewer: RequestContext;

  const demo = () => seeded.demo!;
  const storefrontId = () => demo().projectIds[0]!;

  beforeAll(async () => {
    db = database.db;
    seeded.extraIds = [];
    sim = await startSimulator({ faults: true, seed: (store) => seedInventory(store, seeded) });
    // A token set at project level reaches production too; one project fails its first sync.
    projectLevelTokenId = seeded.extraIds[6]!;
    sim.store.seedVariable(projectLevelTokenId, null, { name: CLI_TOKEN_VARIABLE, value: secretFrom('inventory-list:project-level'), is_sensitive: true });
    failingId = seeded.extraIds[9]!;
    sim.faults.add({ method: 'GET', path: `/projects/${failingId}/environments`, kind: 'status', status: 500 });
    const client = simulatorClient(sim, { apiToken: demo().dashboardToken });
    try {
      const { outcome } = await runSync(db, client, { full: true });
      expect(outcome).toEqual({ status: 'partial', projectsTotal: 10 + EXTRA_COUNT + SPECIAL_TITLES.length, projectsFailed: 1 });
    } finally {
      client.dispose();
    }
    // Known locally but never synced (no region, no sync time) — created after the run, so not missing.
    await createProjects(db, LOCAL_ONLY);
    admin = contextFor(await createUser(db, { role: 'admin' }));
    reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
  });

  afterAll(async () => {
    await sim?.stop();
  });

  const TOTAL = 10 + EXTRA_COUNT + SPECIAL_TITLES.length + LOCAL_ONLY.length;

  async function page(context: RequestContext, query: Record<string, unknown>): Promise<ProjectPage> {
    const result = await listProjects(context, query);
    if (!result.ok) throw new Error(`listProjects failed: ${JSON.stringify(result.error)}`);
    return result.data;
  }

  /** Every page of a query, concatenated. */
  async function allIds(context: RequestContext, query: Record<string, unknown>): Promise<string[]> {
    const ids: string[] = [];
    for (let number = 1; ; number += 1) {
      const result = await page(context, { ...query, page: number });
      ids.push(...result.projects.map((project) => project.id));
      if (result.projects.length < PROJECTS_PAGE_SIZE) break;
    }
    return ids;
  }

  const idsWhereTitle = async (titles: string[]) =>
    (await db.project.findMany({ where: { title: { in: titles } }, select: { id: true } })).map((row) => row.id).sort();

  it('paginates 25 to a page with the total', async () => {
    expect(await db.project.count()).toBe(TOTAL);
    const first = await page(admin, {});
    expect(first).toMatchObject({ total: TOTAL, page: 1, pageSize: 25 });
    expect(first.projects).toHaveLength(25);
    const second = await page(admin, { page: 2 });
    expect(second.projects).toHaveLength(TOTAL - 25);
    expect(new Set([...first.projects, ...second.projects].map((project) => project.id)).size).toBe(TOTAL);
    const beyond = await page(admin, { page: 3 });
    expect(beyond).toMatchObject({ total: TOTAL, projects: [] });
    // A hand-edited page falls back to the first.
    expect((await page(admin, { page: 'abc' })).projects.map((project) => project.id)).toEqual(first.projects.map((project) => project.id));
  });

  it.each([
    ['title', 'asc'],
    ['title', 'desc'],
    ['region', 'asc'],
    ['region', 'desc'],
    ['environments', 'asc'],
    ['environments', 'desc'],
    ['token', 'asc'],
    ['token', 'desc'],
    ['synced', 'asc'],
    ['synced', 'desc'],
  ] as const)('sorts by %s %s across pages', async (sort, dir) => {
    const rows = await db.project.findMany({ where: { missingSince: null } });
    const expected = expectedOrder(rows, sort, dir);
    expect(await allIds(admin, { sort, dir })).toEqual(expected);
    // The data can tell the orders apart (otherwise a wrong sort could pass).
    expect(new Set(rows.map((row) => row.region)).size).toBeGreaterThan(4);
    expect(new Set(rows.map((row) => row.environmentCount)).size).toBeGreaterThan(4);
    expect(expectedOrder(rows, sort, dir)).not.toEqual(expectedOrder(rows, sort, dir === 'asc' ? 'desc' : 'asc'));
  });

  it('anchors the sorts on known projects', async () => {
    const titleOf = async (query: Record<string, unknown>) => (await page(admin, query)).projects[0]?.title;
    expect(await titleOf({ sort: 'title' })).toBe('Checkout API');
    expect(await titleOf({ sort: 'title', dir: 'desc' })).toBe('Zeta 1000 plan');
    expect(await titleOf({ sort: 'environments', dir: 'desc' })).toBe('Storefront');
    expect(await titleOf({ sort: 'region', dir: 'asc' })).toBe('Mobile backend'); // au.platform.sh
    const regionDesc = (await allIds(admin, { sort: 'region', dir: 'desc' })).slice(-LOCAL_ONLY.length);
    expect(regionDesc.sort()).toEqual([...LOCAL_ONLY].sort()); // no region: last both ways
    const tokenFirst = (await page(admin, { sort: 'token', dir: 'desc' })).projects.slice(0, 3).map((project) => project.id);
    expect(tokenFirst.sort()).toEqual([storefrontId(), demo().handSetTokenProjectId, projectLevelTokenId].sort());
    const syncedLast = (await allIds(admin, { sort: 'synced', dir: 'asc' })).slice(-3);
    expect(syncedLast.sort()).toEqual([failingId, ...LOCAL_ONLY].sort()); // never synced: last
  });

  it('searches titles case-insensitively and ids, with % and _ taken literally', async () => {
    const search = async (q: string) => (await allIds(admin, { q })).sort();
    const literal = async (q: string) => {
      const rows = await db.project.findMany({ where: { missingSince: null } });
      return rows.filter((row) => row.title.toLowerCase().includes(q.toLowerCase()) || row.id.includes(q.toLowerCase())).map((row) => row.id).sort();
    };
    expect(await search('STOREfront')).toEqual([storefrontId()]);
    expect(await search(storefrontId().slice(2, 9))).toEqual([storefrontId()]);
    expect(await search(storefrontId().toUpperCase())).toEqual([storefrontId()]);
    expect(await search('  storefront  ')).toEqual([storefrontId()]);

    const yieldIds = await idsWhereTitle(['Yield 100% plan']);
    const zetaIds = await idsWhereTitle(['Zeta 1000 plan']);
    const underscoreIds = await idsWhereTitle(['Xray snake_case']);
    const xIds = await idsWhereTitle(['Wolf snakeXcase']);
    expect(await search('100% plan')).toEqual(yieldIds); // unescaped, "%" would match "1000 plan" too
    expect(await search('snake_case')).toEqual(underscoreIds); // unescaped, "_" would match "snakeXcase"
    expect(await search('%')).toEqual(await literal('%'));
    expect(await search('%')).toContain(yieldIds[0]);
    expect(await search('_')).toEqual(await literal('_'));
    expect(await search('_')).toContain(underscoreIds[0]);
    expect((await search('_')).length).toBeLessThan(TOTAL);
    // Positive controls: without the wildcard both match.
    expect(await search('100')).toEqual(expect.arrayContaining([...yieldIds, ...zetaIds]));
    expect(await search('snake')).toEqual([...underscoreIds, ...xIds].sort());
    expect(await search('no such project')).toEqual([]);
    expect((await page(admin, { q: 'plan' })).total).toBe(2);
  });

  it('filters on the token and the sync state', async () => {
    const onProduction = await allIds(admin, { variable: 'on-production' });
    expect(onProduction.sort()).toEqual([storefrontId(), demo().handSetTokenProjectId, projectLevelTokenId].sort());
    const missing = await allIds(admin, { variable: 'missing' });
    expect(missing).toHaveLength(TOTAL - 3);
    expect(missing).not.toEqual(expect.arrayContaining([storefrontId()]));
    expect((await page(admin, { variable: 'bogus' })).total).toBe(TOTAL);

    const failed = await page(admin, { state: 'failed' });
    expect(failed.projects.map((project) => project.id)).toEqual([failingId]);
    expect(failed.projects[0]!.lastSyncError).toMatch(/\(GET \/projects\/.+→ 500\)/);
    expect((await page(admin, { state: 'missing' })).total).toBe(0);
    expect((await page(admin, { state: 'failed', q: 'storefront' })).total).toBe(0);
  });

  it('shows an onboarder only their assigned projects, and hides the others from getProject', async () => {
    const assigned = [storefrontId(), seeded.extraIds[0]!];
    const user = await createUser(db, { role: 'onboarder', projectIds: assigned });
    const onboarder = contextFor(user, assigned);
    const listed = await page(onboarder, {});
    expect(listed.total).toBe(2);
    expect(listed.projects.map((project) => project.id).sort()).toEqual([...assigned].sort());
    expect((await page(onboarder, { q: 'checkout' })).total).toBe(0);
    expect((await page(onboarder, { variable: 'on-production' })).projects.map((project) => project.id)).toEqual([storefrontId()]);

    const hidden = await getProject(onboarder, demo().handSetTokenProjectId);
    expect(hidden).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const unknown = await getProject(admin, 'nosuchproject');
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // The same answer for "not yours" and "does not exist".
    expect(hidden.ok === false && unknown.ok === false && hidden.error.message === unknown.error.message).toBe(true);

    const own = await getProject(onboarder, storefrontId());
    expect(own.ok).toBe(true);
    if (!own.ok) return;
    expect(own.data.environmentList).toHaveLength(12);
    expect(own.data.environmentList[0]).toMatchObject({ id: 'main', type: 'production', isMain: true });
    expect(own.data.tokenVariables).toEqual([expect.objectContaining({ environmentId: 'main', isSensitive: true, inherited: false })]);
    expect(Object.keys(own.data.tokenVariables[0]!)).not.toContain('value');
    expect(own.data.userAccess.map((grant) => grant.userId).sort()).toEqual([...sim.store.projects.get(storefrontId())!.access.keys()].sort());
  });

  it('shows a reviewer every project', async () => {
    expect((await page(reviewer, {})).total).toBe(TOTAL);
    const detail = await getProject(reviewer, demo().handSetTokenProjectId);
    expect(detail.ok && detail.data.tokenOnProduction).toBe(true);
    const failing = await getProject(reviewer, failingId);
    expect(failing.ok && failing.data.lastSyncError).toBeTruthy();
  });
});
