// The reviewer's Inventory (issue 15 §1): its URL state as plain data, importable from any layer (the
// filter form, the page, the export route, the domain). The zod schema that parses a URL into an
// InventoryQuery lives in lib/validations/review-inventory.ts.
import { ENVIRONMENT_TYPES, type Purpose } from '@/lib/machine-users/roles';

/** Sort keys of the machine-user section (each an SQL expression in lib/domain/review/inventory-sql.ts). */
export const INVENTORY_SORTS = ['project', 'email', 'purpose', 'owner', 'tokens', 'age', 'rotate', 'used', 'findings'] as const;
export type InventorySort = (typeof INVENTORY_SORTS)[number];

/**
 * Token status filter. `overdue`: active and past its rotate-by date; `none`: machine users with no
 * token record at all. The parameter is `status`: a name with "token" in it is stripped from every
 * URL as secret-looking (lib/security/secret-query.ts).
 */
export const INVENTORY_TOKEN_STATUSES = ['any', 'active', 'overdue', 'superseded', 'revoked', 'compromised', 'none'] as const;
export type InventoryTokenStatusFilter = (typeof INVENTORY_TOKEN_STATUSES)[number];

/** Token age since its creation on Platform.sh (or its recording, when Keywarden did not see it made). */
export const INVENTORY_AGE_BUCKETS = ['any', 'lt30', '30to90', '90to180', '180to365', 'gt365'] as const;
export type InventoryAgeBucket = (typeof INVENTORY_AGE_BUCKETS)[number];

/** Bounds of each bucket in days: [at least, less than). */
export const AGE_BUCKET_DAYS: Record<Exclude<InventoryAgeBucket, 'any'>, [number, number | null]> = {
  lt30: [0, 30],
  '30to90': [30, 90],
  '90to180': [90, 180],
  '180to365': [180, 365],
  gt365: [365, null],
};

const ROLE_LEVELS = ['admin', 'contributor', 'viewer', 'none'] as const;

/**
 * Role filter, in effective terms: `admin` is a project admin; `<type>:<role>` is that role on that
 * environment type once a project admin's implied admin is counted (`production:none`: no access).
 */
export const INVENTORY_ROLE_FILTERS = ['any', 'admin', ...ENVIRONMENT_TYPES.flatMap((type) => ROLE_LEVELS.map((level) => `${type}:${level}` as const))] as const;
export type InventoryRoleFilter = 'any' | 'admin' | `${(typeof ENVIRONMENT_TYPES)[number]}:${(typeof ROLE_LEVELS)[number]}`;

/** `managed`: Keywarden's machine users only; `unmanaged`: only the token variables and accounts that are not Keywarden's. */
export const INVENTORY_MANAGED_FILTERS = ['all', 'managed', 'unmanaged'] as const;
export const INVENTORY_FINDING_FILTERS = ['any', 'open', 'none'] as const;
/** `current`: every machine user but the removed ones (whose record stays for the audit trail). */
export const INVENTORY_STATE_FILTERS = ['current', 'all', 'removed'] as const;

/** `owner` is a dashboard user id, or this: the owner's account is disabled. */
export const OWNER_DISABLED = 'disabled';

export interface InventoryQuery {
  q: string;
  /** A project id, or '' for every project. */
  project: string;
  purpose: 'any' | Purpose;
  role: InventoryRoleFilter;
  status: InventoryTokenStatusFilter;
  age: InventoryAgeBucket;
  /** A dashboard user's id (owner or backup owner), OWNER_DISABLED, or ''. */
  owner: string;
  finding: (typeof INVENTORY_FINDING_FILTERS)[number];
  managed: (typeof INVENTORY_MANAGED_FILTERS)[number];
  state: (typeof INVENTORY_STATE_FILTERS)[number];
  sort: InventorySort;
  dir: 'asc' | 'desc';
  /** The machine-user section's page. */
  page: number;
  /** The foreign token variables' page. */
  vpage: number;
  /** The other Platform.sh accounts' page. */
  upage: number;
}

export interface InventorySections {
  machineUsers: boolean;
  variables: boolean;
  accounts: boolean;
}

/**
 * Which sections the filters leave. A filter that only a machine user can match (purpose, token
 * status or age, owner, state) hides the other two; the role filter hides the variables (a variable
 * has no role); `managed` picks Keywarden's side or the other.
 */
export function sectionsFor(query: InventoryQuery): InventorySections {
  const machineUserOnly = query.purpose !== 'any' || query.status !== 'any' || query.age !== 'any' || query.owner !== '' || query.state !== 'current';
  const managed = query.managed !== 'unmanaged';
  const unmanaged = query.managed !== 'managed' && !machineUserOnly;
  return { machineUsers: managed, variables: unmanaged && query.role === 'any', accounts: unmanaged };
}

/** Whether anything narrows the inventory (the sort and the pages do not). */
export function isInventoryFiltered(query: InventoryQuery): boolean {
  return (
    query.q !== '' ||
    query.project !== '' ||
    query.purpose !== 'any' ||
    query.role !== 'any' ||
    query.status !== 'any' ||
    query.age !== 'any' ||
    query.owner !== '' ||
    query.finding !== 'any' ||
    query.managed !== 'all' ||
    query.state !== 'current'
  );
}

/** The URL parameters of a query, defaults left out; the pages are left out (a new filter or sort starts at page 1). */
export function inventoryParams(query: InventoryQuery, overrides: Partial<InventoryQuery> = {}): Record<string, string | undefined> {
  const merged = { ...query, ...overrides };
  const unlessDefault = (value: string, fallback: string) => (value === fallback ? undefined : value);
  return {
    q: merged.q || undefined,
    project: merged.project || undefined,
    purpose: unlessDefault(merged.purpose, 'any'),
    role: unlessDefault(merged.role, 'any'),
    status: unlessDefault(merged.status, 'any'),
    age: unlessDefault(merged.age, 'any'),
    owner: merged.owner || undefined,
    finding: unlessDefault(merged.finding, 'any'),
    managed: unlessDefault(merged.managed, 'all'),
    state: unlessDefault(merged.state, 'current'),
    sort: unlessDefault(merged.sort, 'project'),
    dir: unlessDefault(merged.dir, 'asc'),
  };
}
