import type { Metadata } from 'next';
import Link from 'next/link';
import { ProjectFilters } from '@/components/projects/project-filters';
import { isFiltered, listParams, ProjectsTable } from '@/components/projects/projects-table';
import { SyncPanel } from '@/components/projects/sync-panel';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { listProjects } from '@/lib/domain/inventory/projects';
import { getLatestSyncRun } from '@/lib/domain/inventory/requests';
import { firstValues, type SearchParams } from '@/lib/utils';
import { SYNC_REFUSED_PARAM, syncRefusedSchema } from '@/lib/validations/inventory';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Projects' };

const description = (productName: string) => `Every ${productName} project of the organisation, with its environments, machine users and whether production has a CLI token.`;

export default async function ProjectsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const { productName } = configuredVendor();
  const params = firstValues(await searchParams);
  const [result, latestRun] = await Promise.all([listProjects(context, params), getLatestSyncRun(context)]);
  const canSync = authorize(context.actor, 'inventory.sync').allowed;
  const isOnboarder = context.actor.role === 'onboarder';

  return (
    <>
      <PageHeader title="Projects" description={description(productName)} />
      <SyncPanel initialRun={latestRun.ok ? latestRun.data : null} canSync={canSync} refused={syncRefusedSchema.parse(params[SYNC_REFUSED_PARAM])} />
      {isOnboarder ? (
        <div className="mb-4">
          <Alert tone="info">You see the projects assigned to you. An admin can assign more on the Users page.</Alert>
        </div>
      ) : null}
      {!result.ok ? (
        <Alert tone="error">{result.error.message}</Alert>
      ) : (
        <>
          <ProjectFilters query={result.data.query} productName={productName} />
          <PagedList
            noun="projects"
            basePath="/projects"
            params={listParams(result.data.query)}
            list={result.data}
            shownCount={result.data.projects.length}
            label="Projects pages"
            empty={
              <EmptyState
                title={isFiltered(result.data.query) ? 'No projects match these filters' : 'No projects yet'}
                action={
                  isFiltered(result.data.query) ? (
                    <Link href="/projects" className={buttonClasses('secondary')}>
                      Show all projects
                    </Link>
                  ) : undefined
                }
              >
                {isOnboarder
                  ? 'No project is assigned to you yet.'
                  : `Projects appear here after a sync with ${productName}. Use Sync now above, or wait for the scheduled sync.`}
              </EmptyState>
            }
          >
            <ProjectsTable
              projects={result.data.projects}
              query={result.data.query}
              caption={`Projects, sorted by ${result.data.query.sort} (${result.data.query.dir === 'asc' ? 'ascending' : 'descending'}), page ${result.data.page}`}
            />
          </PagedList>
        </>
      )}
    </>
  );
}
