// The reviewer's Inventory (issue 15 §1): every machine user with its project, roles, tokens, the
// environments holding each token and its owners; the `env:PLATFORMSH_CLI_TOKEN` variables Keywarden
// did not push; the Platform.sh accounts with access that are not Keywarden's. Filtered, sorted and
// paged in SQL (lib/domain/review/inventory-sql.ts) with a constant number of queries per page, and
// exported in keyset batches so that no export holds the whole set in memory. Read access follows
// machine_user.read (onboarders: their assigned projects); exports are audited (SECURITY.md L3).
// Never a token value or fingerprint: last four characters only (T1).
import 'server-only';
import { ruleFor } from '@/lib/auth/authorize';
import { recordAudit, recordStrangerRefusal } from '@/lib/audit/record';
import { getDb, Prisma } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import type { Purpose } from '@/lib/machine-users/roles';
import { inventoryQuerySchema, type InventoryExportFormat, type InventoryQuery } from '@/lib/validations/review-inventory';
import type { RequestContext } from '../context';
import {
  afterCursor,
  afterForeignVariable,
  afterOtherAccount,
  FOREIGN_VARIABLE_COLUMNS,
  FOREIGN_VARIABLE_ORDER,
  foreignVariableSource,
  holdingsOf,
  inScope,
  machineUserRowsSql,
  machineUserSource,
  OTHER_ACCOUNT_COLUMNS,
  OTHER_ACCOUNT_ORDER,
  otherAccountSource,
  tokensOf,
  type MachineUserCursor,
  type ProjectScope,
  type RowCursor,
} from './inventory-sql';
import { inventoryParams, sectionsFor, type InventorySections } from '@/lib/review/inventory-query';
import {
  ageInDays,
  rolesOf,
  type InventoryForeignVariable,
  type InventoryMachineUser,
  type InventoryOtherAccount,
  type InventoryRecord,
  type InventoryToken,
  type InventoryTokenStatus,
} from './inventory-shape';

export const INVENTORY_PAGE_SIZE = 25;
/** The two smaller sections page by fewer rows: they follow the machine users on the same page. */
export const INVENTORY_SIDE_PAGE_SIZE = 10;
export const EXPORT_BATCH_SIZE = 500;

interface Paged<T> {
  rows: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface InventoryPage {
  query: InventoryQuery;
  sections: InventorySections;
  machineUsers: Paged<InventoryMachineUser> | null;
  variables: Paged<InventoryForeignVariable> | null;
  accounts: Paged<InventoryOtherAccount> | null;
  /** What the filter form offers. */
  options: { projects: { id: string; title: string }[]; owners: { id: string; email: string; disabled: boolean }[] };
}

/** The projects whose inventory the actor may read: null for all; null result: no access at all. */
function readableProjects(context: RequestContext): { projectIds: ProjectScope } | null {
  const rule = ruleFor(context.actor.role, 'machine_user.read');
  if (rule === 'allow') return { projectIds: null };
  if (rule === 'assigned') return { projectIds: [...context.actor.projectIds] };
  return null;
}

interface MachineUserRow {
  id: string;
  email: string;
  purpose: string;
  state: string;
  permissions: string[];
  project_id: string;
  project_title: string;
  owner_email: string;
  owner_disabled: boolean;
  backup_owner_email: string | null;
  backup_owner_disabled: boolean;
  token_count: number;
  open_findings: number;
  finding_rules: string[];
  sort_key: string | number;
}

interface TokenRow {
  id: string;
  machine_user_id: string;
  name: string;
  last_four: string;
  status: string;
  recorded_at: Date;
  created_at: Date;
  rotate_by: Date;
  last_used_at: Date | null;
}

interface ForeignVariableRow {
  id: string;
  name: string;
  project_id: string;
  project_title: string;
  environment_id: string | null;
  environment_type: string | null;
  is_sensitive: boolean;
  is_inheritable: boolean;
  is_enabled: boolean;
  visible_build: boolean;
  visible_runtime: boolean;
  remote_updated_at: Date | null;
  open_findings: number;
}

interface OtherAccountRow {
  project_id: string;
  project_title: string;
  user_id: string;
  email: string | null;
  display_name: string | null;
  permissions: string[];
  granted_at: Date | null;
  open_findings: number;
}

/** The page's machine users with their tokens and holdings: two more queries, whatever the page size. */
async function withTokens(rows: MachineUserRow[], query: InventoryQuery, now: Date): Promise<InventoryMachineUser[]> {
  if (rows.length === 0) return [];
  const db = getDb();
  const tokens = await db.$queryRaw<TokenRow[]>(tokensOf(rows.map((row) => row.id), query, now));
  const holdings = tokens.length
    ? await db.$queryRaw<{ token_id: string; environment_id: string; environment_type: string }[]>(holdingsOf([...new Set(rows.map((row) => row.project_id))], tokens.map((token) => token.id)))
    : [];
  const environmentsOf = new Map<string, { id: string; type: string }[]>();
  for (const holding of holdings) environmentsOf.set(holding.token_id, [...(environmentsOf.get(holding.token_id) ?? []), { id: holding.environment_id, type: holding.environment_type }]);
  const tokensOfUser = new Map<string, InventoryToken[]>();
  for (const token of tokens) {
    const view: InventoryToken = {
      id: token.id,
      name: token.name,
      lastFour: token.last_four,
      status: token.status as InventoryTokenStatus,
      createdAt: token.created_at.toISOString(),
      ageDays: ageInDays(token.created_at, now),
      rotateBy: token.rotate_by.toISOString(),
      overdue: token.status === 'active' && token.rotate_by < now,
      lastUsedAt: token.last_used_at?.toISOString() ?? null,
      environments: environmentsOf.get(token.id) ?? [],
    };
    tokensOfUser.set(token.machine_user_id, [...(tokensOfUser.get(token.machine_user_id) ?? []), view]);
  }
  return rows.map((row) => ({
    kind: 'machine_user',
    id: row.id,
    email: row.email,
    purpose: row.purpose as Purpose,
    state: row.state,
    project: { id: row.project_id, title: row.project_title },
    permissions: row.permissions,
    roles: rolesOf(row.permissions),
    owner: { email: row.owner_email, disabled: row.owner_disabled },
    backupOwner: row.backup_owner_email ? { email: row.backup_owner_email, disabled: row.backup_owner_disabled } : null,
    tokens: tokensOfUser.get(row.id) ?? [],
    openFindings: Number(row.open_findings),
    findingRules: [...row.finding_rules].sort(),
  }));
}

function toForeignVariable(row: ForeignVariableRow): InventoryForeignVariable {
  return {
    kind: 'foreign_variable',
    id: row.id,
    name: row.name,
    project: { id: row.project_id, title: row.project_title },
    environmentId: row.environment_id,
    environmentType: row.environment_type,
    isSensitive: row.is_sensitive,
    isInheritable: row.is_inheritable,
    isEnabled: row.is_enabled,
    visibleBuild: row.visible_build,
    visibleRuntime: row.visible_runtime,
    updatedAt: row.remote_updated_at?.toISOString() ?? null,
    openFindings: Number(row.open_findings),
  };
}

function toOtherAccount(row: OtherAccountRow): InventoryOtherAccount {
  return {
    kind: 'platform_user',
    project: { id: row.project_id, title: row.project_title },
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    permissions: row.permissions,
    roles: rolesOf(row.permissions),
    grantedAt: row.granted_at?.toISOString() ?? null,
    openFindings: Number(row.open_findings),
  };
}

const count = async (source: Prisma.Sql): Promise<number> => Number((await getDb().$queryRaw<{ count: number }[]>`SELECT COUNT(*)::int AS count ${source}`)[0]?.count ?? 0);

async function machineUserPage(query: InventoryQuery, projectIds: ProjectScope, now: Date): Promise<Paged<InventoryMachineUser>> {
  const source = machineUserSource(query, projectIds, now);
  const [rows, total] = await Promise.all([
    getDb().$queryRaw<MachineUserRow[]>(machineUserRowsSql(source, query, now, { after: Prisma.sql`TRUE`, limit: INVENTORY_PAGE_SIZE, offset: (query.page - 1) * INVENTORY_PAGE_SIZE })),
    count(source.countFrom),
  ]);
  return { rows: await withTokens(rows, query, now), total, page: query.page, pageSize: INVENTORY_PAGE_SIZE };
}

async function foreignVariablePage(query: InventoryQuery, projectIds: ProjectScope, now: Date): Promise<Paged<InventoryForeignVariable>> {
  const source = foreignVariableSource(query, projectIds, now);
  const [rows, total] = await Promise.all([
    getDb().$queryRaw<ForeignVariableRow[]>`
      SELECT ${FOREIGN_VARIABLE_COLUMNS} ${source} ORDER BY ${FOREIGN_VARIABLE_ORDER}
      LIMIT ${INVENTORY_SIDE_PAGE_SIZE} OFFSET ${(query.vpage - 1) * INVENTORY_SIDE_PAGE_SIZE}`,
    count(foreignVariableSource(query, projectIds, now, 'count')),
  ]);
  return { rows: rows.map(toForeignVariable), total, page: query.vpage, pageSize: INVENTORY_SIDE_PAGE_SIZE };
}

async function otherAccountPage(query: InventoryQuery, projectIds: ProjectScope, now: Date): Promise<Paged<InventoryOtherAccount>> {
  const source = otherAccountSource(query, projectIds, now);
  const [rows, total] = await Promise.all([
    getDb().$queryRaw<OtherAccountRow[]>`
      SELECT ${OTHER_ACCOUNT_COLUMNS} ${source} ORDER BY ${OTHER_ACCOUNT_ORDER}
      LIMIT ${INVENTORY_SIDE_PAGE_SIZE} OFFSET ${(query.upage - 1) * INVENTORY_SIDE_PAGE_SIZE}`,
    count(otherAccountSource(query, projectIds, now, 'count')),
  ]);
  return { rows: rows.map(toOtherAccount), total, page: query.upage, pageSize: INVENTORY_SIDE_PAGE_SIZE };
}

/** The filter form's choices. The owners: two IN lists, not one EXISTS with an OR (which runs as a loop over users × machine users). */
async function filterOptions(projectIds: ProjectScope): Promise<InventoryPage['options']> {
  const db = getDb();
  const [projects, owners] = await Promise.all([
    db.$queryRaw<{ id: string; title: string }[]>`SELECT id, title FROM projects WHERE ${inScope(Prisma.sql`id`, projectIds)} ORDER BY title, id`,
    db.$queryRaw<{ id: string; email: string; disabled: boolean }[]>`
      SELECT u.id::text AS id, u.email, (u.disabled_at IS NOT NULL) AS disabled FROM users u
      WHERE u.id IN (SELECT m.owner_id FROM machine_users m WHERE ${inScope(Prisma.sql`m.project_id`, projectIds)})
         OR u.id IN (SELECT m.backup_owner_id FROM machine_users m WHERE ${inScope(Prisma.sql`m.project_id`, projectIds)})
      ORDER BY u.email`,
  ]);
  return { projects, owners };
}

/** One page of the inventory for the actor, as the URL asks (bad values fall back to defaults). */
export async function listInventory(context: RequestContext, rawQuery: unknown, now = new Date()): Promise<ActionResult<InventoryPage>> {
  const scope = readableProjects(context);
  if (!scope) return fail('forbidden', 'You do not have permission to see the inventory.');
  const query = inventoryQuerySchema.parse(rawQuery ?? {});
  const sections = sectionsFor(query);
  const [machineUsers, variables, accounts, options] = await Promise.all([
    sections.machineUsers ? machineUserPage(query, scope.projectIds, now) : null,
    sections.variables ? foreignVariablePage(query, scope.projectIds, now) : null,
    sections.accounts ? otherAccountPage(query, scope.projectIds, now) : null,
    filterOptions(scope.projectIds),
  ]);
  return ok({ query, sections, machineUsers, variables, accounts, options });
}

/**
 * Every record the query matches, in batches of `batchSize` read by keyset (each batch starts after
 * the last row of the one before, in the page's own order), so an export holds one batch at a time.
 * Machine users first (in the chosen sort), then the foreign variables, then the other accounts.
 */
export async function* inventoryBatches(query: InventoryQuery, projectIds: ProjectScope, now: Date, batchSize = EXPORT_BATCH_SIZE): AsyncGenerator<InventoryRecord[]> {
  const db = getDb();
  const sections = sectionsFor(query);
  if (sections.machineUsers) {
    const source = machineUserSource(query, projectIds, now);
    let cursor: MachineUserCursor | null = null;
    for (;;) {
      const rows: MachineUserRow[] = await db.$queryRaw<MachineUserRow[]>(machineUserRowsSql(source, query, now, { after: afterCursor(source, query.dir, cursor), limit: batchSize, offset: 0 }));
      if (rows.length === 0) break;
      yield await withTokens(rows, query, now);
      const last: MachineUserRow = rows[rows.length - 1]!;
      cursor = { key: last.sort_key, email: last.email, id: last.id };
      if (rows.length < batchSize) break;
    }
  }
  if (sections.variables) {
    const source = foreignVariableSource(query, projectIds, now);
    let cursor: RowCursor | null = null;
    for (;;) {
      const rows: (ForeignVariableRow & { k_env: string })[] = await db.$queryRaw<(ForeignVariableRow & { k_env: string })[]>`
        SELECT ${FOREIGN_VARIABLE_COLUMNS}, COALESCE(v.environment_id, '') AS k_env ${source} AND ${afterForeignVariable(cursor)}
        ORDER BY ${FOREIGN_VARIABLE_ORDER} LIMIT ${batchSize}`;
      if (rows.length === 0) break;
      yield rows.map(toForeignVariable);
      const last = rows[rows.length - 1]!;
      cursor = { values: [last.project_title, last.project_id, last.k_env, last.id] };
      if (rows.length < batchSize) break;
    }
  }
  if (sections.accounts) {
    const source = otherAccountSource(query, projectIds, now);
    let cursor: RowCursor | null = null;
    for (;;) {
      const rows: OtherAccountRow[] = await db.$queryRaw<OtherAccountRow[]>`
        SELECT ${OTHER_ACCOUNT_COLUMNS} ${source} AND ${afterOtherAccount(cursor)}
        ORDER BY ${OTHER_ACCOUNT_ORDER} LIMIT ${batchSize}`;
      if (rows.length === 0) break;
      yield rows.map(toOtherAccount);
      const last = rows[rows.length - 1]!;
      cursor = { values: [last.project_title, last.project_id, last.email ?? '', last.user_id] };
      if (rows.length < batchSize) break;
    }
  }
}

export interface InventoryExport {
  query: InventoryQuery;
  /** Read lazily: nothing is queried until the stream pulls. */
  batches: AsyncGenerator<InventoryRecord[]>;
}

/**
 * Opens an export of the current filter: authorized (inventory.export; onboarders their assigned
 * projects), audited with the filter and format before the first row is read, refused attempts too.
 */
export async function openInventoryExport(
  context: RequestContext,
  rawQuery: unknown,
  format: InventoryExportFormat,
  options: { now?: Date; batchSize?: number } = {},
): Promise<ActionResult<InventoryExport>> {
  const rule = ruleFor(context.actor.role, 'inventory.export');
  // 'assigned': the export covers the onboarder's projects; with none assigned there is nothing to export.
  const scope: { projectIds: ProjectScope } | null = rule === 'allow' ? { projectIds: null } : rule === 'assigned' && context.actor.projectIds.length > 0 ? { projectIds: [...context.actor.projectIds] } : null;
  if (!scope) {
    await recordAudit(getDb(), {
      actor: context.actor,
      action: 'inventory.export',
      outcome: 'refused',
      reason: rule === 'assigned' ? 'no project is assigned to this onboarder' : `role ${context.actor.role} may not inventory.export`,
      clientAddress: context.clientAddress,
      details: { format },
    });
    return fail('forbidden', 'You do not have permission to export the inventory.');
  }
  const query = inventoryQuerySchema.parse(rawQuery ?? {});
  const now = options.now ?? new Date();
  await recordAudit(getDb(), {
    actor: context.actor,
    action: 'inventory.export',
    outcome: 'succeeded',
    target: { type: 'inventory' },
    clientAddress: context.clientAddress,
    details: {
      format,
      filter: Object.fromEntries(Object.entries(inventoryParams(query)).filter(([, value]) => value !== undefined)) as Record<string, string>,
      ...(scope.projectIds === null ? {} : { projects: [...scope.projectIds] }),
      asOf: now.toISOString(),
    },
  });
  return ok({ query, batches: inventoryBatches(query, scope.projectIds, now, options.batchSize) });
}

/** An export asked for without a session: refused, and audited as a stranger's refusal (aggregated per address, A6). */
export async function refuseAnonymousInventoryExport(clientAddress: string | null): Promise<void> {
  await recordStrangerRefusal(getDb(), { actor: null, action: 'inventory.export', outcome: 'refused', reason: 'not signed in', clientAddress });
}
