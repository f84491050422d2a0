import Link from 'next/link';
import { DataTable, type ColumnSpec } from '@/components/ui/data-table';
import { pageHref } from '@/components/ui/pagination';
import { Truncated } from '@/components/ui/truncated';
import type { MachineUserSummary } from '@/lib/domain/machine-users/queries';
import { describePermissions, PRESETS } from '@/lib/machine-users/roles';
import { formatDateTime } from '@/lib/utils';
import type { MachineUserListQuery, MachineUserListSort } from '@/lib/validations/machine-users';
import { MachineUserStateBadge } from './state-badge';

const cell = 'px-3 py-3 text-sm text-slate-800';

/** The list's URL parameters other than the page (which a new sort or filter resets). */
export function machineUserListParams(query: MachineUserListQuery, overrides: Partial<MachineUserListQuery> = {}): Record<string, string | undefined> {
  const merged = { ...query, ...overrides };
  return {
    q: merged.q || undefined,
    project: merged.project || undefined,
    state: merged.state === 'current' ? undefined : merged.state,
    sort: merged.sort === 'project' ? undefined : merged.sort,
    dir: merged.dir === 'asc' ? undefined : merged.dir,
  };
}

function sortable(label: string, sort: MachineUserListSort, query: MachineUserListQuery): ColumnSpec {
  const active = query.sort === sort;
  return {
    label,
    sortHref: pageHref('/machine-users', machineUserListParams(query, { sort, dir: active && query.dir === 'asc' ? 'desc' : 'asc' }), 1),
    sorted: active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined,
  };
}

export function MachineUsersTable({ machineUsers, caption, query }: { machineUsers: MachineUserSummary[]; caption: string; query: MachineUserListQuery }) {
  const columns = [
    sortable('Machine user', 'email', query),
    sortable('Project', 'project', query),
    sortable('Purpose', 'purpose', query),
    'Roles',
    'State',
    sortable('Owner', 'owner', query),
  ];
  return (
    <DataTable label="Machine users table" caption={caption} columns={columns}>
      {machineUsers.map((machineUser) => (
        <tr key={machineUser.id}>
          <td className={cell}>
            {/* A link is focusable already: it carries the cut-short address's title itself. */}
            <Link href={`/machine-users/${machineUser.id}`} title={machineUser.email} className="inline-block max-w-64 truncate align-bottom font-medium text-indigo-800 underline-offset-2 hover:underline">
              {machineUser.email}
            </Link>
            {machineUser.lastError ? <p className="mt-1 max-w-xs text-xs text-red-900">{machineUser.lastError}</p> : null}
          </td>
          <td className={cell}>
            <Link href={`/projects/${machineUser.project.id}`} className="underline-offset-2 hover:underline">
              {machineUser.project.title}
            </Link>
          </td>
          <td className={cell}>{PRESETS[machineUser.purpose].label}</td>
          <td className={cell}>{describePermissions(machineUser.permissions)}</td>
          <td className={cell}>
            <MachineUserStateBadge state={machineUser.state} />
            {machineUser.state === 'invited' && machineUser.invitationExpiresAt ? (
              <div className="mt-1 text-xs text-slate-600">until {formatDateTime(machineUser.invitationExpiresAt)}</div>
            ) : null}
          </td>
          <td className={cell}>
            <Truncated value={machineUser.owner.email} maxWidth="max-w-56" />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
