import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { DataTable, type ColumnSpec } from '@/components/ui/data-table';
import { pageHref } from '@/components/ui/pagination';
import type { ProjectSummary } from '@/lib/domain/inventory/projects';
import { formatDateTime } from '@/lib/utils';
import type { ProjectListQuery, ProjectSort } from '@/lib/validations/inventory';

/** The list's URL parameters other than the page (which a new sort or filter resets). */
export function listParams(query: ProjectListQuery, overrides: Partial<ProjectListQuery> = {}): Record<string, string | undefined> {
  const merged = { ...query, ...overrides };
  return {
    q: merged.q || undefined,
    variable: merged.variable === 'any' ? undefined : merged.variable,
    state: merged.state === 'current' ? undefined : merged.state,
    sort: merged.sort === 'title' ? undefined : merged.sort,
    dir: merged.dir === 'asc' ? undefined : merged.dir,
  };
}

/** Whether the list is narrowed by a search or a filter (the sort does not narrow it). */
export function isFiltered(query: ProjectListQuery): boolean {
  return query.q !== '' || query.variable !== 'any' || query.state !== 'current';
}

function sortable(label: string, sort: ProjectSort, query: ProjectListQuery): ColumnSpec {
  const active = query.sort === sort;
  const nextDir = active && query.dir === 'asc' ? 'desc' : 'asc';
  return {
    label,
    sortHref: pageHref('/projects', listParams(query, { sort, dir: nextDir }), 1),
    sorted: active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined,
  };
}

function EnvironmentCounts({ environments }: { environments: ProjectSummary['environments'] }) {
  return (
    <span className="text-sm text-slate-800">
      {environments.total}
      <span className="ml-1 text-slate-600">
        ({environments.production} production, {environments.staging} staging, {environments.development} development)
      </span>
    </span>
  );
}

export function ProjectsTable({ projects, query, caption }: { projects: ProjectSummary[]; query: ProjectListQuery; caption: string }) {
  const columns = [
    sortable('Project', 'title', query),
    sortable('Region', 'region', query),
    sortable('Environments', 'environments', query),
    'Machine users',
    sortable('CLI token on production', 'token', query),
    sortable('Last sync', 'synced', query),
  ];
  return (
    <DataTable label="Projects table" caption={caption} columns={columns}>
      {projects.map((project) => (
        <tr key={project.id}>
          <td className="px-3 py-3">
            <Link href={`/projects/${project.id}`} className="font-medium text-indigo-800 underline-offset-2 hover:underline">
              {project.title}
            </Link>
            <div className="font-mono text-xs text-slate-600">{project.id}</div>
          </td>
          <td className="px-3 py-3 text-sm text-slate-800">{project.region ?? '—'}</td>
          <td className="px-3 py-3">
            <EnvironmentCounts environments={project.environments} />
          </td>
          <td className="px-3 py-3 text-sm text-slate-800">{project.machineUsers}</td>
          <td className="px-3 py-3">
            {project.tokenOnProduction ? <Badge tone="green">Set</Badge> : <Badge>Not set</Badge>}
          </td>
          <td className="px-3 py-3 text-sm text-slate-800">
            {formatDateTime(project.lastSyncedAt)}
            {project.lastSyncError ? (
              <div className="mt-1">
                <Badge tone="red">Last sync failed</Badge>
                <p className="mt-1 max-w-xs text-xs text-red-900">{project.lastSyncError}</p>
              </div>
            ) : null}
            {project.missingSince ? (
              <div className="mt-1">
                <Badge tone="neutral">Gone since {formatDateTime(project.missingSince)}</Badge>
              </div>
            ) : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
