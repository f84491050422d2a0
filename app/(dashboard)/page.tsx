import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { requirePageContext } from '@/lib/auth/session';
import { listOnboardingBacklog } from '@/lib/domain/onboarding/checklist';
import { CHECKLIST_STEPS, NEXT_ACTIONS } from '@/lib/onboarding';
import { overviewQuerySchema } from '@/lib/validations/onboarding';
import { firstValues, type SearchParams } from '@/lib/utils';

export const metadata: Metadata = { title: 'Overview' };

const cell = 'px-3 py-3 text-sm text-slate-800';

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const { page } = overviewQuerySchema.parse(firstValues(await searchParams));
  const backlog = await listOnboardingBacklog(context, page);
  const isOnboarder = context.actor.role === 'onboarder';

  return (
    <>
      <PageHeader
        title="Overview"
        description={isOnboarder ? 'The projects assigned to you that are not fully onboarded, and the next step for each.' : 'Projects that are not fully onboarded, and the next step for each.'}
      />
      {!backlog || backlog.projectCount === 0 ? (
        <EmptyState title="Nothing to report yet">
          {isOnboarder ? 'No project is assigned to you yet: an admin can assign projects on the Users page.' : 'Keywarden has not synced any projects yet. Once the inventory is synced, each project’s onboarding progress shows here.'}
        </EmptyState>
      ) : (
        <PagedList
          noun="projects not fully onboarded"
          basePath="/"
          params={{}}
          list={backlog}
          shownCount={backlog.entries.length}
          label="Overview pages"
          empty={
            <EmptyState title="Every project is fully onboarded">
              All {backlog.projectCount} projects have a machine user whose token is on production and has been used by the cron.
            </EmptyState>
          }
        >
          <section aria-labelledby="backlog-heading">
            <h2 id="backlog-heading" className="mb-3 text-lg font-semibold text-slate-900">
              Not fully onboarded: {backlog.total} of {backlog.projectCount} projects
            </h2>
            <DataTable
              label="Projects not fully onboarded"
              caption={`Projects not fully onboarded, furthest along first, page ${backlog.page}`}
              columns={['Project', 'Progress', 'Next step', 'Machine user']}
            >
              {backlog.entries.map((entry) => (
                <tr key={entry.projectId}>
                  <td className={cell}>
                    <Link href={`/projects/${entry.projectId}`} className="font-medium text-indigo-800 underline">
                      {entry.title}
                    </Link>
                    <div className="font-mono text-xs text-slate-600">{entry.projectId}</div>
                  </td>
                  <td className={cell}>
                    <Badge tone={entry.progress === 0 ? 'neutral' : 'amber'}>{`${entry.progress} of ${CHECKLIST_STEPS.length}`}</Badge>
                  </td>
                  <td className={cell}>
                    <Link href={`/projects/${entry.projectId}/onboarding`} className="text-indigo-800 underline">
                      {NEXT_ACTIONS[entry.nextStep]}
                    </Link>
                  </td>
                  <td className={cell}>{entry.machineUserEmail ?? '—'}</td>
                </tr>
              ))}
            </DataTable>
          </section>
        </PagedList>
      )}
    </>
  );
}
