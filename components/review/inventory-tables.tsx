// The Inventory's three tables: Keywarden's machine users (sortable by its column headers, the sort
// in the URL), the token variables Keywarden did not push, and the accounts with access that are not
// Keywarden's. Server components: links and plain text, no JavaScript needed.
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { DataTable, type ColumnSpec } from '@/components/ui/data-table';
import { pageHref } from '@/components/ui/pagination';
import { Truncated } from '@/components/ui/truncated';
import type { InventoryForeignVariable, InventoryMachineUser, InventoryOtherAccount, InventoryRoles, InventoryToken } from '@/lib/domain/review/inventory-shape';
import { ENVIRONMENT_TYPES, PRESETS } from '@/lib/machine-users/roles';
import { inventoryParams, type InventoryQuery, type InventorySort } from '@/lib/review/inventory-query';
import { formatDateTime } from '@/lib/utils';
import { INVENTORY_PATH } from './inventory-filters';

const cell = 'px-3 py-3 align-top text-sm text-slate-800';
const date = (iso: string | null) => (iso ? formatDateTime(iso).slice(0, 10) : '—');

const TOKEN_TONES: Record<InventoryToken['status'], 'green' | 'neutral' | 'red'> = { active: 'green', superseded: 'neutral', revoked: 'neutral', compromised: 'red' };

/** The URL of the inventory with the query, keeping the side sections' pages. */
export function inventoryHref(query: InventoryQuery, overrides: Partial<InventoryQuery> = {}, pages: { page?: number; vpage?: number; upage?: number } = {}): string {
  const params: Record<string, string | undefined> = { ...inventoryParams(query, overrides) };
  if (pages.vpage && pages.vpage > 1) params.vpage = String(pages.vpage);
  if (pages.upage && pages.upage > 1) params.upage = String(pages.upage);
  return pageHref(INVENTORY_PATH, params, pages.page ?? 1);
}

function sortable(label: string, sort: InventorySort, query: InventoryQuery): ColumnSpec {
  const active = query.sort === sort;
  const nextDir = active && query.dir === 'asc' ? 'desc' : 'asc';
  return {
    label,
    // A new sort starts the machine users at their first page; the side sections keep theirs.
    sortHref: inventoryHref(query, { sort, dir: nextDir }, { vpage: query.vpage, upage: query.upage }),
    sorted: active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined,
  };
}

function Roles({ roles }: { roles: InventoryRoles }) {
  if (roles.project === 'admin') return <Badge tone="amber">Project admin</Badge>;
  return (
    <ul className="space-y-0.5 whitespace-nowrap">
      <li>Project viewer</li>
      {ENVIRONMENT_TYPES.map((type) => (
        <li key={type} className={roles.environments[type] === 'none' ? 'text-slate-600' : undefined}>
          {type}: {roles.environments[type] === 'none' ? 'no access' : roles.environments[type]}
        </li>
      ))}
    </ul>
  );
}

function Tokens({ tokens, total }: { tokens: InventoryToken[]; total: number }) {
  if (tokens.length === 0) return <span className="text-slate-600">None recorded</span>;
  return (
    <ul className="space-y-2" aria-label={`${total} tokens`}>
      {tokens.map((token) => (
        <li key={token.id} className="whitespace-nowrap">
          <Truncated value={token.name} maxWidth="max-w-40" className="font-medium" /> <span className="font-mono text-slate-600">…{token.lastFour}</span>{' '}
          <Badge tone={TOKEN_TONES[token.status]}>{token.status}</Badge> {token.overdue ? <Badge tone="amber">rotation overdue</Badge> : null}
          <div className="text-xs text-slate-700">
            {token.ageDays} days old · rotate by {date(token.rotateBy)} · last used {date(token.lastUsedAt)}
          </div>
          <div className="text-xs text-slate-700">
            {token.environments.length ? (
              <>
                held by <span className="font-mono">{token.environments.map((environment) => environment.id).join(', ')}</span>
              </>
            ) : (
              'held by no environment'
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

function oldestActive(tokens: InventoryToken[]): number | null {
  const ages = tokens.filter((token) => token.status === 'active').map((token) => token.ageDays);
  return ages.length ? Math.max(...ages) : null;
}

function nextRotateBy(tokens: InventoryToken[]): string | null {
  const dates = tokens.filter((token) => token.status === 'active').map((token) => token.rotateBy).sort();
  return dates[0] ?? null;
}

function lastUsed(tokens: InventoryToken[]): string | null {
  const dates = tokens.flatMap((token) => (token.lastUsedAt ? [token.lastUsedAt] : [])).sort();
  return dates[dates.length - 1] ?? null;
}

function Findings({ count, rules }: { count: number; rules?: string[] }) {
  if (count === 0) return <span className="text-slate-600">None</span>;
  return (
    <div>
      <Badge tone="amber">{count} open</Badge>
      {rules?.length ? <div className="mt-1 font-mono text-xs text-slate-700">{rules.join(', ')}</div> : null}
    </div>
  );
}

export function InventoryMachineUsersTable({ rows, query, caption }: { rows: InventoryMachineUser[]; query: InventoryQuery; caption: string }) {
  const columns = [
    sortable('Machine user', 'email', query),
    sortable('Project', 'project', query),
    sortable('Purpose', 'purpose', query),
    'Roles',
    sortable('Tokens', 'tokens', query),
    sortable('Oldest active token', 'age', query),
    sortable('Next rotate-by', 'rotate', query),
    sortable('Last used', 'used', query),
    sortable('Owner', 'owner', query),
    sortable('Open findings', 'findings', query),
  ];
  return (
    <DataTable label="Machine users inventory" caption={caption} columns={columns}>
      {rows.map((row) => {
        const age = oldestActive(row.tokens);
        return (
          <tr key={row.id}>
            <td className={cell}>
              <Link href={`/machine-users/${row.id}`} title={row.email} className="inline-block max-w-64 truncate align-bottom font-medium text-indigo-800 underline-offset-2 hover:underline">
                {row.email}
              </Link>
              {row.state !== 'active' ? (
                <div className="mt-1">
                  <Badge tone={row.state === 'error' || row.state === 'expired' ? 'amber' : 'neutral'}>{row.state}</Badge>
                </div>
              ) : null}
            </td>
            <td className={cell}>
              <Link href={`/projects/${row.project.id}`} className="underline-offset-2 hover:underline">
                {row.project.title}
              </Link>
              <div className="font-mono text-xs text-slate-600">{row.project.id}</div>
            </td>
            <td className={cell}>{PRESETS[row.purpose].label}</td>
            <td className={cell}>
              <Roles roles={row.roles} />
            </td>
            <td className={cell}>
              <Tokens tokens={row.tokens} total={row.tokens.length} />
            </td>
            <td className={cell}>{age === null ? '—' : `${age} days`}</td>
            <td className={cell}>{date(nextRotateBy(row.tokens))}</td>
            <td className={cell}>{date(lastUsed(row.tokens))}</td>
            <td className={cell}>
              <Truncated value={row.owner.email} maxWidth="max-w-56" /> {row.owner.disabled ? <Badge tone="amber">disabled</Badge> : null}
              {row.backupOwner ? (
                <div className="mt-1 text-xs text-slate-700">
                  backup: <Truncated value={row.backupOwner.email} maxWidth="max-w-48" /> {row.backupOwner.disabled ? <Badge tone="amber">disabled</Badge> : null}
                </div>
              ) : (
                <div className="mt-1 text-xs text-slate-600">no backup owner</div>
              )}
            </td>
            <td className={cell}>
              <Findings count={row.openFindings} rules={row.findingRules} />
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

function Flag({ on, label, good }: { on: boolean; label: string; good: boolean }) {
  // Amber only for what needs attention: a flag in the state Keywarden would not set.
  return <Badge tone={on === good ? 'neutral' : 'amber'}>{on ? label : `not ${label}`}</Badge>;
}

export function ForeignVariablesTable({ rows, caption, productName }: { rows: InventoryForeignVariable[]; caption: string; productName: string }) {
  return (
    <DataTable label="Token variables not pushed by Keywarden" caption={caption} columns={['Project', 'Where', 'Flags', `Updated on ${productName}`, 'Open findings']}>
      {rows.map((row) => (
        <tr key={row.id}>
          <td className={cell}>
            <Link href={`/projects/${row.project.id}`} className="underline-offset-2 hover:underline">
              {row.project.title}
            </Link>
            <div className="font-mono text-xs text-slate-600">{row.project.id}</div>
          </td>
          <td className={cell}>
            {row.environmentId === null ? (
              <Badge tone="amber">project level</Badge>
            ) : (
              <>
                <span className="font-mono">{row.environmentId}</span>
                {row.environmentType ? <div className="text-xs text-slate-600">{row.environmentType}</div> : null}
              </>
            )}
            <div className="font-mono text-xs text-slate-600">{row.name}</div>
          </td>
          <td className={cell}>
            <div className="flex max-w-72 flex-wrap gap-1">
              <Flag on={row.isSensitive} label="sensitive" good />
              <Flag on={row.isInheritable} label="inheritable" good={false} />
              <Flag on={row.isEnabled} label="enabled" good />
              <Badge>{[row.visibleBuild && 'build', row.visibleRuntime && 'runtime'].filter(Boolean).join(' + ') || 'not visible'}</Badge>
            </div>
          </td>
          <td className={cell}>{formatDateTime(row.updatedAt)}</td>
          <td className={cell}>
            <Findings count={row.openFindings} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function describeRoles(roles: InventoryRoles): string {
  if (roles.project === 'admin') return 'Project admin';
  const grants = ENVIRONMENT_TYPES.filter((type) => roles.environments[type] !== 'none').map((type) => `${type}: ${roles.environments[type]}`);
  return grants.length ? `Project viewer; ${grants.join(', ')}` : 'Project viewer';
}

export function OtherAccountsTable({ rows, caption }: { rows: InventoryOtherAccount[]; caption: string }) {
  return (
    <DataTable label="Accounts with access not Keywarden’s" caption={caption} columns={['Account', 'Project', 'Roles', 'Granted', 'Open findings']}>
      {rows.map((row) => (
        <tr key={`${row.project.id}/${row.userId}`}>
          <td className={cell}>
            {row.email ? <Truncated value={row.email} maxWidth="max-w-64" className="font-medium" /> : <span className="text-slate-600">E-mail unknown</span>}
            {row.displayName ? <div className="text-xs text-slate-700">{row.displayName}</div> : null}
            <div className="font-mono text-xs text-slate-600">{row.userId}</div>
          </td>
          <td className={cell}>
            <Link href={`/projects/${row.project.id}`} className="underline-offset-2 hover:underline">
              {row.project.title}
            </Link>
          </td>
          <td className={cell}>{row.roles.project === 'admin' ? <Badge tone="amber">Project admin</Badge> : describeRoles(row.roles)}</td>
          <td className={cell}>{formatDateTime(row.grantedAt)}</td>
          <td className={cell}>
            <Findings count={row.openFindings} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** Previous/Next over one side section, keeping the other sections' pages and the filters. */
export function SectionPagination({ label, query, which, page, pageSize, total, shown }: { label: string; query: InventoryQuery; which: 'vpage' | 'upage'; page: number; pageSize: number; total: number; shown: number }) {
  const first = shown === 0 ? 0 : (page - 1) * pageSize + 1;
  const pages = { page: query.page, vpage: query.vpage, upage: query.upage };
  const href = (target: number) => inventoryHref(query, {}, { ...pages, [which]: target });
  const inactive = 'inline-flex items-center rounded-md px-2.5 py-1.5 text-sm text-slate-600';
  return (
    <nav aria-label={label} className="mt-3 flex flex-wrap items-center justify-between gap-3">
      <p className="text-sm text-slate-700">
        Showing {first}–{shown === 0 ? 0 : first + shown - 1} of {total}
      </p>
      {page > 1 || page * pageSize < total ? (
        <div className="flex gap-2">
          {page > 1 ? (
            <Link href={href(page - 1)} className={buttonClasses('secondary', 'sm')} rel="prev">
              Previous
            </Link>
          ) : (
            <span className={inactive}>Previous</span>
          )}
          {page * pageSize < total ? (
            <Link href={href(page + 1)} className={buttonClasses('secondary', 'sm')} rel="next">
              Next
            </Link>
          ) : (
            <span className={inactive}>Next</span>
          )}
        </div>
      ) : null}
    </nav>
  );
}
