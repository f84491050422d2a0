import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { requirePageContext } from '@/lib/auth/session';
import { listOnboardingBacklog } from '@/lib/domain/onboarding/checklist';
import { listIncidentOpenTasks } from '@/lib/domain/incidents/queries';
import { IncidentOpenTasks } from '@/components/incidents/incident-open-tasks';
import { getAttention, isAllClear, type Attention } from '@/lib/domain/overview';
import { CHECKLIST_STEPS, NEXT_ACTIONS } from '@/lib/onboarding';
import { overviewQuerySchema } from '@/lib/validations/onboarding';
import { firstValues, type SearchParams } from '@/lib/utils';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Overview' };

const cell = 'px-3 py-3 text-sm text-slate-800';

/** Each count, in words, with the filtered list that shows what it counts. */
const attentionItems = (productName: string): { key: Exclude<keyof Attention, 'lastRunFailed'>; label: string; href: string }[] => [
  { key: 'compromisedToDelete', label: `Compromised tokens still to delete on ${productName}`, href: '/tokens?status=compromised&revocation=undeleted' },
  { key: 'openRevocations', label: `Revocations with variables left on ${productName}`, href: '/tokens?status=all&revocation=unfinished' },
  { key: 'overdueRotations', label: 'Tokens overdue for rotation', href: '/tokens?overdue=yes' },
  { key: 'drifted', label: `Tokens with drift on ${productName}`, href: '/tokens?status=all&drift=yes' },
  { key: 'expiredInvitations', label: 'Invitations pending for more than 7 days', href: '/machine-users?state=expired' },
  { key: 'failedSyncs', label: 'Projects the last sync could not read', href: '/projects?state=failed' },
];

function AttentionSection({ attention, productName }: { attention: Attention; productName: string }) {
  if (isAllClear(attention)) {
    return (
      <section aria-labelledby="attention-heading" className="mb-8 rounded-lg border border-emerald-300 bg-emerald-50 p-4">
        <h2 id="attention-heading" className="text-lg font-semibold text-emerald-950">
          All clear
        </h2>
        <p className="mt-1 text-sm text-emerald-950">No compromised token left on {productName}, no overdue rotation, no drift, no stale invitation, no failed sync.</p>
      </section>
    );
  }
  const raised = attentionItems(productName).filter((item) => attention[item.key] > 0);
  return (
    <section aria-labelledby="attention-heading" className="mb-8 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h2 id="attention-heading" className="text-lg font-semibold text-amber-950">
        Needs attention
      </h2>
      <ul className="mt-2 space-y-1 text-sm">
        {attention.lastRunFailed ? (
          <li>
            <Link href="/projects" className="font-medium text-indigo-800 underline">
              The last sync could not list the projects
            </Link>
          </li>
        ) : null}
        {raised.map((item) => (
          <li key={item.key}>
            <Link href={item.href} className="font-medium text-indigo-800 underline">
              {item.label}: {attention[item.key]}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const { page } = overviewQuerySchema.parse(firstValues(await searchParams));
  const [backlog, attention, incidentTasks] = await Promise.all([listOnboardingBacklog(context, page), getAttention(context), listIncidentOpenTasks(context)]);
  const isOnboarder = context.actor.role === 'onboarder';
  const { productName } = configuredVendor();

  return (
    <>
      <PageHeader
        title="Overview"
        description={isOnboarder ? 'What needs attention on the projects assigned to you, then those not fully onboarded and the next step for each.' : 'What needs attention first, then the projects that are not fully onboarded and the next step for each.'}
      />
      {attention ? <AttentionSection attention={attention} productName={productName} /> : null}
      <IncidentOpenTasks rows={incidentTasks} productName={productName} />
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
                    <Badge tone={entry.progress === 0 ? 'neutral' : 'indigo'}>{`${entry.progress} of ${CHECKLIST_STEPS.length}`}</Badge>
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
