// The Inventory's filters and its export: two GET forms, so both work without JavaScript and the
// filter lives in the URL (a reload, a bookmark or a shared link shows the same inventory).
import Link from 'next/link';
import { Button, buttonClasses } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { PRESETS, PURPOSES } from '@/lib/machine-users/roles';
import {
  INVENTORY_AGE_BUCKETS,
  INVENTORY_ROLE_FILTERS,
  INVENTORY_TOKEN_STATUSES,
  inventoryParams,
  isInventoryFiltered,
  OWNER_DISABLED,
  type InventoryQuery,
} from '@/lib/review/inventory-query';

export const INVENTORY_PATH = '/review/inventory';
export const INVENTORY_EXPORT_PATH = '/api/review/inventory/export';

const linkClasses =
  'rounded-md px-2.5 py-2 text-sm font-medium text-indigo-800 underline hover:text-indigo-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';

const STATUS_LABELS: Record<(typeof INVENTORY_TOKEN_STATUSES)[number], string> = {
  any: 'Any',
  active: 'Active',
  overdue: 'Rotation overdue',
  superseded: 'Superseded',
  revoked: 'Revoked',
  compromised: 'Compromised',
  none: 'No token recorded',
};

export const AGE_LABELS: Record<(typeof INVENTORY_AGE_BUCKETS)[number], string> = {
  any: 'Any',
  lt30: 'Under 30 days',
  '30to90': '30–90 days',
  '90to180': '90–180 days',
  '180to365': '180–365 days',
  gt365: 'Over a year',
};

function roleLabel(role: (typeof INVENTORY_ROLE_FILTERS)[number]): string {
  if (role === 'any') return 'Any';
  if (role === 'admin') return 'Project admin';
  const [type, level] = role.split(':');
  return level === 'none' ? `No access to ${type}` : `${level?.[0]?.toUpperCase()}${level?.slice(1)} on ${type}`;
}

export interface InventoryFilterOptions {
  projects: { id: string; title: string }[];
  owners: { id: string; email: string; disabled: boolean }[];
}

export function InventoryFilters({ query, options }: { query: InventoryQuery; options: InventoryFilterOptions }) {
  return (
    <form action={INVENTORY_PATH} method="get" role="search" aria-label="Inventory filters" className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
      <div className="sm:col-span-2">
        <TextField label="Search" name="q" type="search" defaultValue={query.q} maxLength={100} placeholder="E-mail, name or project" autoComplete="off" />
      </div>
      <SelectField label="Project" name="project" defaultValue={query.project}>
        <option value="">All projects</option>
        {options.projects.map((project) => (
          <option key={project.id} value={project.id}>
            {project.title} ({project.id})
          </option>
        ))}
      </SelectField>
      <SelectField label="Purpose" name="purpose" defaultValue={query.purpose}>
        <option value="any">Any</option>
        {PURPOSES.map((purpose) => (
          <option key={purpose} value={purpose}>
            {PRESETS[purpose].label}
          </option>
        ))}
      </SelectField>
      <SelectField label="Role" name="role" defaultValue={query.role}>
        {INVENTORY_ROLE_FILTERS.map((role) => (
          <option key={role} value={role}>
            {roleLabel(role)}
          </option>
        ))}
      </SelectField>
      <SelectField label="Token status" name="status" defaultValue={query.status}>
        {INVENTORY_TOKEN_STATUSES.map((status) => (
          <option key={status} value={status}>
            {STATUS_LABELS[status]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Token age" name="age" defaultValue={query.age}>
        {INVENTORY_AGE_BUCKETS.map((age) => (
          <option key={age} value={age}>
            {AGE_LABELS[age]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Owner" name="owner" defaultValue={query.owner}>
        <option value="">Anyone</option>
        <option value={OWNER_DISABLED}>Owner’s account disabled</option>
        {options.owners.map((owner) => (
          <option key={owner.id} value={owner.id}>
            {owner.email}
            {owner.disabled ? ' (disabled)' : ''}
          </option>
        ))}
      </SelectField>
      <SelectField label="Open findings" name="finding" defaultValue={query.finding}>
        <option value="any">Any</option>
        <option value="open">At least one</option>
        <option value="none">None</option>
      </SelectField>
      <SelectField label="Managed by Keywarden" name="managed" defaultValue={query.managed}>
        <option value="all">Both</option>
        <option value="managed">Keywarden’s machine users</option>
        <option value="unmanaged">Not Keywarden’s</option>
      </SelectField>
      <SelectField label="Machine user state" name="state" defaultValue={query.state}>
        <option value="current">All but removed</option>
        <option value="removed">Removed</option>
        <option value="all">All</option>
      </SelectField>
      <input type="hidden" name="sort" value={query.sort} />
      <input type="hidden" name="dir" value={query.dir} />
      <div className="flex flex-wrap items-end gap-2 sm:col-span-2 lg:col-span-4">
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {isInventoryFiltered(query) ? (
          <Link href={INVENTORY_PATH} className={linkClasses}>
            Clear filters
          </Link>
        ) : null}
      </div>
    </form>
  );
}

/**
 * The export of the current filter (and sort): a GET form to the route handler, which answers with
 * an attachment; the buttons name the format.
 */
export function InventoryExportForm({ query }: { query: InventoryQuery }) {
  const params = Object.entries(inventoryParams(query)).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return (
    <form action={INVENTORY_EXPORT_PATH} method="get" aria-label="Export inventory" className="mb-6 flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-white px-4 py-3">
      <p className="mr-2 text-sm text-slate-700">
        Export {isInventoryFiltered(query) ? 'what these filters show' : 'the whole inventory'} (no token value, no fingerprint):
      </p>
      {params.map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" name="format" value="csv" className={buttonClasses('secondary', 'sm')}>
        Export CSV
      </button>
      <button type="submit" name="format" value="json" className={buttonClasses('secondary', 'sm')}>
        Export JSON
      </button>
      <button type="submit" name="format" value="ndjson" className={buttonClasses('secondary', 'sm')}>
        Export NDJSON
      </button>
    </form>
  );
}
