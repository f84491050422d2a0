// The Inventory's SQL pieces (issue 15 §1), shared by the page (offset pages) and the export (keyset
// batches in the same order). Every filter, sort and page is a WHERE/ORDER BY/LIMIT here, never a
// filter in JavaScript: 5,000 machine users and 20,000 tokens cost a constant number of queries.
import 'server-only';
import { Prisma } from '@/lib/db';
import { escapeLike } from '@/lib/db/like';
import { CLI_TOKEN_VARIABLE_NAMES } from '@/lib/platformsh';
import { AGE_BUCKET_DAYS, OWNER_DISABLED, type InventoryQuery, type InventoryRoleFilter, type InventorySort } from '@/lib/review/inventory-query';
import { latestStepsSql } from '../tokens/holdings-sql';

const DAY_MS = 86_400_000;
/** Sorts on a time or a count put rows without one last in both directions: past any real value. */
const NULLS_LAST = 1e15;

/** The projects the actor may read: null for all. */
export type ProjectScope = readonly string[] | null;

/**
 * What a section's FROM clause is read for. A count leaves out the joins that cannot change it: the
 * project (every row's project_id references one, so the inner join neither drops nor repeats a
 * row) unless the search reads its title, the names and environments (left joins on a key), and the
 * per-row open-findings count unless the findings filter reads it. On PGlite, 4,000 index look-ups
 * into projects were most of a count's time (issue 19).
 */
export type SourcePurpose = 'rows' | 'count';

export const inScope = (column: Prisma.Sql, projectIds: ProjectScope): Prisma.Sql =>
  projectIds === null ? Prisma.sql`TRUE` : projectIds.length === 0 ? Prisma.sql`FALSE` : Prisma.sql`${column} IN (${Prisma.join([...projectIds])})`;

const and = (parts: Prisma.Sql[]): Prisma.Sql => (parts.length === 0 ? Prisma.sql`TRUE` : Prisma.join(parts, ' AND '));

/** `ILIKE '%words%'`, with the person's `%` and `_` taken literally. */
const containsText = (column: Prisma.Sql, q: string): Prisma.Sql => Prisma.sql`${column} ILIKE ${`%${escapeLike(q)}%`}`;

/** A finding is open while unresolved and not accepted as a risk (or its acceptance expired). */
export const openFinding = (alias: string, now: Date): Prisma.Sql =>
  Prisma.sql`${Prisma.raw(alias)}.resolved_at IS NULL AND (${Prisma.raw(alias)}.accepted_until IS NULL OR ${Prisma.raw(alias)}.accepted_until <= ${now})`;

/**
 * The role filter on a permissions column (`["viewer", "production:admin"]`), in effective terms:
 * a project admin holds admin on every environment type.
 */
export function roleCondition(column: Prisma.Sql, role: InventoryRoleFilter): Prisma.Sql {
  if (role === 'any') return Prisma.sql`TRUE`;
  const isAdmin = Prisma.sql`('admin' = ANY(${column}))`;
  if (role === 'admin') return isAdmin;
  const [type, level] = role.split(':') as [string, string];
  if (level === 'admin') return Prisma.sql`(${isAdmin} OR ${role} = ANY(${column}))`;
  if (level === 'none') return Prisma.sql`(NOT ${isAdmin} AND NOT EXISTS (SELECT 1 FROM unnest(${column}) AS granted(permission) WHERE granted.permission LIKE ${`${type}:%`}))`;
  return Prisma.sql`(NOT ${isAdmin} AND ${role} = ANY(${column}))`;
}

/** When a token came to be: on Platform.sh if Keywarden saw it, else when it was recorded. */
const createdAt = (alias: string) => Prisma.sql`COALESCE(${Prisma.raw(alias)}.remote_created_at, ${Prisma.raw(alias)}.recorded_at)`;

/** The token filters (status and age) on `api_tokens` aliased `t`; TRUE when none is set. */
export function tokenCondition(query: Pick<InventoryQuery, 'status' | 'age'>, now: Date): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (query.status === 'overdue') parts.push(Prisma.sql`t.status = 'active' AND t.rotate_by < ${now}`);
  else if (query.status !== 'any' && query.status !== 'none') parts.push(Prisma.sql`t.status = ${query.status}::"TokenStatus"`);
  if (query.age !== 'any') {
    const [from, to] = AGE_BUCKET_DAYS[query.age];
    parts.push(Prisma.sql`${createdAt('t')} <= ${new Date(now.getTime() - from * DAY_MS)}`);
    if (to !== null) parts.push(Prisma.sql`${createdAt('t')} > ${new Date(now.getTime() - to * DAY_MS)}`);
  }
  return and(parts);
}

/** Whether the query narrows the tokens (then a machine user needs a matching token to be listed). */
export const filtersTokens = (query: Pick<InventoryQuery, 'status' | 'age'>) => (query.status !== 'any' && query.status !== 'none') || query.age !== 'any';

/** What a keyset cursor holds: the sort key, the e-mail and the id of the last row sent. */
export interface MachineUserCursor {
  key: string | number;
  email: string;
  id: string;
}

interface SortSpec {
  /** The key expression (never null: rows without a value get a sentinel that sorts them last). */
  key: (dir: 'asc' | 'desc') => Prisma.Sql;
  type: 'text' | 'float8';
}

const epoch = (column: string, sign: 1 | -1) => (dir: 'asc' | 'desc') =>
  Prisma.sql`COALESCE(${Prisma.raw(sign === 1 ? '' : '-')}EXTRACT(EPOCH FROM ${Prisma.raw(column)})::float8, ${dir === 'asc' ? NULLS_LAST : -NULLS_LAST}::float8)`;

const SORTS: Record<InventorySort, SortSpec> = {
  project: { key: () => Prisma.sql`p.title`, type: 'text' },
  email: { key: () => Prisma.sql`m.email`, type: 'text' },
  purpose: { key: () => Prisma.sql`m.purpose::text`, type: 'text' },
  owner: { key: () => Prisma.sql`o.email`, type: 'text' },
  tokens: { key: () => Prisma.sql`COALESCE(tok.token_count, 0)::float8`, type: 'float8' },
  // Ascending age: the youngest first, i.e. the latest creation first.
  age: { key: epoch('tok.oldest_active_created_at', -1), type: 'float8' },
  rotate: { key: epoch('tok.next_rotate_by', 1), type: 'float8' },
  used: { key: epoch('tok.last_used_at', 1), type: 'float8' },
  findings: { key: () => Prisma.sql`COALESCE(fnd.open_findings, 0)::float8`, type: 'float8' },
};

/**
 * The machine-user section as `FROM … WHERE …`, with its sort key. One row per machine user (a
 * machine user serves one project); `tok` aggregates its tokens that pass the token filters, `fnd`
 * counts its open findings (linked to it, or to one of its tokens).
 */
export function machineUserSource(
  query: InventoryQuery,
  projectIds: ProjectScope,
  now: Date,
): { from: Prisma.Sql; countFrom: Prisma.Sql; key: Prisma.Sql; keyType: 'text' | 'float8'; direction: Prisma.Sql } {
  const tokenFilter = tokenCondition(query, now);
  const conditions: Prisma.Sql[] = [inScope(Prisma.sql`m.project_id`, projectIds)];
  if (query.state === 'current') conditions.push(Prisma.sql`m.state <> 'removed'`);
  if (query.state === 'removed') conditions.push(Prisma.sql`m.state = 'removed'`);
  if (query.q) conditions.push(Prisma.sql`(${containsText(Prisma.sql`m.email`, query.q)} OR ${containsText(Prisma.sql`p.title`, query.q)} OR ${containsText(Prisma.sql`p.id`, query.q)} OR ${containsText(Prisma.sql`acc.display_name`, query.q)})`);
  if (query.project) conditions.push(Prisma.sql`m.project_id = ${query.project}`);
  if (query.purpose !== 'any') conditions.push(Prisma.sql`m.purpose = ${query.purpose}::"MachinePurpose"`);
  if (query.role !== 'any') conditions.push(roleCondition(Prisma.sql`m.permissions`, query.role));
  if (query.owner === OWNER_DISABLED) conditions.push(Prisma.sql`o.disabled_at IS NOT NULL`);
  else if (query.owner) conditions.push(Prisma.sql`(m.owner_id = ${query.owner}::uuid OR m.backup_owner_id = ${query.owner}::uuid)`);
  if (query.finding === 'open') conditions.push(Prisma.sql`fnd.machine_user_id IS NOT NULL`);
  if (query.finding === 'none') conditions.push(Prisma.sql`fnd.machine_user_id IS NULL`);
  if (filtersTokens(query)) conditions.push(Prisma.sql`tok.machine_user_id IS NOT NULL`);
  if (query.status === 'none') conditions.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM api_tokens t WHERE t.machine_user_id = m.id)`);
  // The count (SourcePurpose) reads the project only for the search and the owner only for its filter.
  const from = (purpose: SourcePurpose) => Prisma.sql`
    FROM machine_users m
    ${purpose === 'count' && !query.q ? Prisma.empty : Prisma.sql`JOIN projects p ON p.id = m.project_id`}
    ${purpose === 'count' && query.owner !== OWNER_DISABLED ? Prisma.empty : Prisma.sql`JOIN users o ON o.id = m.owner_id`}
    LEFT JOIN users b ON b.id = m.backup_owner_id
    LEFT JOIN platformsh_accounts acc ON acc.id = m.platformsh_user_id
    LEFT JOIN (
      SELECT t.machine_user_id,
             COUNT(*)::int AS token_count,
             MIN(${createdAt('t')}) FILTER (WHERE t.status = 'active') AS oldest_active_created_at,
             MIN(t.rotate_by) FILTER (WHERE t.status = 'active') AS next_rotate_by,
             MAX(t.last_used_at) AS last_used_at
      FROM api_tokens t
      WHERE ${tokenFilter}
      GROUP BY t.machine_user_id
    ) tok ON tok.machine_user_id = m.id
    LEFT JOIN (
      SELECT COALESCE(f.machine_user_id, ft.machine_user_id) AS machine_user_id, COUNT(*)::int AS open_findings, array_agg(DISTINCT f.rule_id) AS rule_ids
      FROM findings f LEFT JOIN api_tokens ft ON ft.id = f.token_id
      WHERE ${openFinding('f', now)} AND COALESCE(f.machine_user_id, ft.machine_user_id) IS NOT NULL
      GROUP BY 1
    ) fnd ON fnd.machine_user_id = m.id
    WHERE ${and(conditions)}`;
  const sort = SORTS[query.sort];
  return { from: from('rows'), countFrom: from('count'), key: sort.key(query.dir), keyType: sort.type, direction: Prisma.raw(query.dir === 'asc' ? 'ASC' : 'DESC') };
}

/**
 * One page (or export batch) of machine users with every column the Inventory shows, in two steps
 * within one statement: the page's rows are chosen first (sorted and limited over the machine
 * users, their project and owners; the planner drops the token and finding aggregates from that
 * step unless the sort or a filter needs them), then the token count and open findings are read
 * for those rows only, by index. Aggregating all 20,000 tokens and every finding to show 25 rows
 * was most of the page's time (issue 19).
 */
export function machineUserRowsSql(
  source: { from: Prisma.Sql; key: Prisma.Sql; direction: Prisma.Sql },
  query: Pick<InventoryQuery, 'status' | 'age'>,
  now: Date,
  page: { after: Prisma.Sql; limit: number; offset: number },
): Prisma.Sql {
  const order = (alias: string) => Prisma.sql`${Prisma.raw(alias)}sort_key ${source.direction}, ${Prisma.raw(alias)}email ${source.direction}, ${Prisma.raw(alias)}id ${source.direction}`;
  return Prisma.sql`
    SELECT pg.*, COALESCE(tok.token_count, 0)::int AS token_count, COALESCE(fnd.open_findings, 0)::int AS open_findings,
           COALESCE(fnd.rule_ids, ARRAY[]::text[]) AS finding_rules
    FROM (
      SELECT * FROM (
        SELECT m.id, m.email, m.purpose::text AS purpose, m.state::text AS state, m.permissions, m.project_id, p.title AS project_title,
               o.email AS owner_email, (o.disabled_at IS NOT NULL) AS owner_disabled,
               b.email AS backup_owner_email, (b.disabled_at IS NOT NULL) AS backup_owner_disabled,
               ${source.key} AS sort_key
        ${source.from} AND ${page.after}
      ) chosen
      ORDER BY ${order('chosen.')} LIMIT ${page.limit} OFFSET ${page.offset}
    ) pg
    LEFT JOIN LATERAL (
      SELECT COUNT(*)::int AS token_count FROM api_tokens t WHERE t.machine_user_id = pg.id AND ${tokenCondition(query, now)}
    ) tok ON TRUE
    LEFT JOIN LATERAL (
      SELECT COUNT(*)::int AS open_findings, array_agg(DISTINCT linked.rule_id) AS rule_ids FROM (
        SELECT f.rule_id FROM findings f WHERE f.machine_user_id = pg.id AND ${openFinding('f', now)}
        UNION ALL
        SELECT f.rule_id FROM api_tokens ft JOIN findings f ON f.token_id = ft.id
        WHERE ft.machine_user_id = pg.id AND f.machine_user_id IS NULL AND ${openFinding('f', now)}
      ) linked
    ) fnd ON TRUE
    ORDER BY ${order('pg.')}`;
}

/** Keyset condition: rows after the cursor in the section's order (every column in one direction). */
export function afterCursor(source: { key: Prisma.Sql; keyType: 'text' | 'float8'; direction: Prisma.Sql }, dir: 'asc' | 'desc', cursor: MachineUserCursor | null): Prisma.Sql {
  if (!cursor) return Prisma.sql`TRUE`;
  const key = source.keyType === 'text' ? Prisma.sql`${String(cursor.key)}::text` : Prisma.sql`${Number(cursor.key)}::float8`;
  const comparison = Prisma.raw(dir === 'asc' ? '>' : '<');
  return Prisma.sql`(${source.key}, m.email, m.id) ${comparison} (${key}, ${cursor.email}::text, ${cursor.id}::uuid)`;
}

/** The tokens of some machine users that pass the token filters, newest first. */
export function tokensOf(machineUserIds: readonly string[], query: Pick<InventoryQuery, 'status' | 'age'>, now: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT t.id, t.machine_user_id, t.name, t.last_four, t.status::text AS status, t.recorded_at, ${createdAt('t')} AS created_at, t.rotate_by, t.last_used_at
    FROM api_tokens t
    WHERE t.machine_user_id IN (${Prisma.join(machineUserIds.map((id) => Prisma.sql`${id}::uuid`))}) AND ${tokenCondition(query, now)}
    ORDER BY t.recorded_at DESC, t.id`;
}

/**
 * The environments holding some tokens now, by Keywarden's journal (lib/domain/tokens/holders.ts,
 * in SQL): in each environment of the projects, the latest succeeded step of any run decides; a
 * revocation's `delete` step clears it.
 */
export function holdingsOf(projectIds: readonly string[], tokenIds: readonly string[]): Prisma.Sql {
  return Prisma.sql`
    SELECT h.token_id::text AS token_id, h.environment_id, h.environment_type
    FROM (${latestStepsSql(Prisma.sql`s.project_id IN (${Prisma.join([...projectIds])})`)}) h
    WHERE h.operation IS DISTINCT FROM 'delete' AND h.token_id IN (${Prisma.join(tokenIds.map((id) => Prisma.sql`${id}::uuid`))})
    ORDER BY h.environment_id`;
}

/**
 * CLI token variables (either vendor's name) Keywarden did not push: a variable of the environment's own
 * (inherited copies are the effect of another row) where Keywarden's journal holds no token of its
 * own now, or one set at project level (Keywarden only pushes to environments).
 */
export function foreignVariableSource(query: InventoryQuery, projectIds: ProjectScope, now: Date, purpose: SourcePurpose = 'rows'): Prisma.Sql {
  const conditions: Prisma.Sql[] = [
    Prisma.sql`v.name IN (${Prisma.join([...CLI_TOKEN_VARIABLE_NAMES])})`,
    Prisma.sql`NOT v.inherited`,
    inScope(Prisma.sql`v.project_id`, projectIds),
    Prisma.sql`(v.environment_id IS NULL OR NOT EXISTS (
      SELECT 1 FROM (
        SELECT s.operation, s.variable_name FROM push_steps s
        WHERE s.project_id = v.project_id AND s.environment_id = v.environment_id AND s.status = 'succeeded'
        ORDER BY s.updated_at DESC LIMIT 1
      ) latest WHERE latest.operation IS DISTINCT FROM 'delete' AND latest.variable_name = v.name))`,
  ];
  if (query.q) conditions.push(Prisma.sql`(${containsText(Prisma.sql`p.title`, query.q)} OR ${containsText(Prisma.sql`p.id`, query.q)} OR ${containsText(Prisma.sql`COALESCE(v.environment_id, '')`, query.q)})`);
  if (query.project) conditions.push(Prisma.sql`v.project_id = ${query.project}`);
  if (query.finding === 'open') conditions.push(Prisma.sql`vf.open_findings > 0`);
  if (query.finding === 'none') conditions.push(Prisma.sql`vf.open_findings = 0`);
  const counting = purpose === 'count';
  return Prisma.sql`
    FROM token_variables v
    ${counting && !query.q ? Prisma.empty : Prisma.sql`JOIN projects p ON p.id = v.project_id`}
    ${counting ? Prisma.empty : Prisma.sql`LEFT JOIN environments e ON e.project_id = v.project_id AND e.id = v.environment_id`}
    ${counting && query.finding === 'any' ? Prisma.empty : Prisma.sql`CROSS JOIN LATERAL (
      SELECT COUNT(*)::int AS open_findings FROM findings f
      WHERE ${openFinding('f', now)} AND f.project_id = v.project_id AND f.environment_id IS NOT DISTINCT FROM v.environment_id AND f.machine_user_id IS NULL AND f.token_id IS NULL AND f.platformsh_user_id IS NULL
    ) vf`}
    WHERE ${and(conditions)}`;
}

export const FOREIGN_VARIABLE_COLUMNS = Prisma.sql`
  v.id::text AS id, v.name, v.project_id, p.title AS project_title, v.environment_id, e.type::text AS environment_type,
  v.is_sensitive, v.is_inheritable, v.is_enabled, v.visible_build, v.visible_runtime, v.remote_updated_at, vf.open_findings`;

/** The order of the foreign-variable section (and its keyset): project, then environment (project level first). */
export const FOREIGN_VARIABLE_ORDER = Prisma.sql`p.title, p.id, COALESCE(v.environment_id, ''), v.id`;

export interface RowCursor {
  values: string[];
}

export const afterForeignVariable = (cursor: RowCursor | null): Prisma.Sql =>
  cursor ? Prisma.sql`(p.title, p.id, COALESCE(v.environment_id, ''), v.id::text) > (${Prisma.join(cursor.values.map((value) => Prisma.sql`${value}::text`))})` : Prisma.sql`TRUE`;

/**
 * Platform.sh accounts with access to a project that are not Keywarden's there: neither one of its
 * live machine users of that project nor the dashboard's own account. Named from platformsh_accounts.
 */
export function otherAccountSource(query: InventoryQuery, projectIds: ProjectScope, now: Date, purpose: SourcePurpose = 'rows'): Prisma.Sql {
  const conditions: Prisma.Sql[] = [
    inScope(Prisma.sql`a.project_id`, projectIds),
    Prisma.sql`NOT EXISTS (SELECT 1 FROM machine_users mu WHERE mu.project_id = a.project_id AND mu.platformsh_user_id = a.user_id AND mu.state <> 'removed')`,
    Prisma.sql`NOT EXISTS (SELECT 1 FROM dashboard_account d WHERE d.user_id = a.user_id)`,
  ];
  if (query.q) {
    conditions.push(
      Prisma.sql`(${containsText(Prisma.sql`p.title`, query.q)} OR ${containsText(Prisma.sql`p.id`, query.q)} OR ${containsText(Prisma.sql`acc.email`, query.q)} OR ${containsText(Prisma.sql`acc.display_name`, query.q)} OR ${containsText(Prisma.sql`a.user_id`, query.q)})`,
    );
  }
  if (query.project) conditions.push(Prisma.sql`a.project_id = ${query.project}`);
  if (query.role !== 'any') conditions.push(roleCondition(Prisma.sql`a.permissions`, query.role));
  if (query.finding === 'open') conditions.push(Prisma.sql`af.open_findings > 0`);
  if (query.finding === 'none') conditions.push(Prisma.sql`af.open_findings = 0`);
  const counting = purpose === 'count';
  return Prisma.sql`
    FROM project_user_access a
    ${counting && !query.q ? Prisma.empty : Prisma.sql`JOIN projects p ON p.id = a.project_id
    LEFT JOIN platformsh_accounts acc ON acc.id = a.user_id`}
    ${counting && query.finding === 'any' ? Prisma.empty : Prisma.sql`CROSS JOIN LATERAL (
      SELECT COUNT(*)::int AS open_findings FROM findings f
      WHERE ${openFinding('f', now)} AND f.platformsh_user_id = a.user_id AND (f.project_id = a.project_id OR f.project_id IS NULL)
    ) af`}
    WHERE ${and(conditions)}`;
}

export const OTHER_ACCOUNT_COLUMNS = Prisma.sql`
  a.project_id, p.title AS project_title, a.user_id, acc.email, acc.display_name, a.permissions, a.granted_at, af.open_findings`;

export const OTHER_ACCOUNT_ORDER = Prisma.sql`p.title, p.id, COALESCE(acc.email, ''), a.user_id`;

export const afterOtherAccount = (cursor: RowCursor | null): Prisma.Sql =>
  cursor ? Prisma.sql`(p.title, p.id, COALESCE(acc.email, ''), a.user_id) > (${Prisma.join(cursor.values.map((value) => Prisma.sql`${value}::text`))})` : Prisma.sql`TRUE`;
