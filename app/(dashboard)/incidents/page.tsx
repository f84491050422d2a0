import type { Metadata } from 'next';
import Link from 'next/link';
import { CreateIncidentForm } from '@/components/incidents/create-incident-form';
import { IncidentStateBadge } from '@/components/incidents/state-badge';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { auditRefusedIncidentRead, incidentFormChoices, INCIDENTS_PER_PAGE, listIncidents } from '@/lib/domain/incidents/queries';
import { incidentPageQuerySchema } from '@/lib/validations/incidents';
import { firstValues, formatDateTime, type SearchParams } from '@/lib/utils';
import { PageForbidden } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Incident response' };

const DESCRIPTION =
  'When a place that held tokens is breached (a CI provider, a laptop, a repository): select the tokens, review the plan and a dry run, then revoke them all (or rotate them with minted tokens) in one resumable run that verifies every environment and reports what remains.';
export default async function IncidentsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  if (!authorize(context.actor, 'incident.read').allowed) {
    await auditRefusedIncidentRead(context);
    return <PageForbidden />;
  }
  const { page } = incidentPageQuerySchema.parse(firstValues(await searchParams));
  const canPlan = authorize(context.actor, 'incident.plan').allowed;
  const [list, choices] = await Promise.all([listIncidents(context, page), canPlan ? incidentFormChoices() : null]);
  const rows = list?.rows ?? [];
  return (
    <>
      <PageHeader title="Incident response" description={DESCRIPTION} />
      <PagedList
        noun="incidents"
        basePath="/incidents"
        params={{}}
        list={{ page, pageSize: INCIDENTS_PER_PAGE, total: list?.total ?? 0 }}
        shownCount={rows.length}
        label="Incident pages"
        empty={<EmptyState title="No incidents yet">{canPlan ? 'Plan one below when tokens may have leaked.' : 'Admins plan incidents; their reports appear here.'}</EmptyState>}
      >
        <DataTable label="Incidents table" caption={`Incidents, newest first, page ${page}`} columns={['Incident', 'Tokens', 'State']}>
          {rows.map((incident) => (
            <tr key={incident.id}>
              <td className="px-3 py-3 text-sm">
                <Link href={`/incidents/${incident.id}`} className="font-medium text-indigo-800 underline">
                  {incident.name}
                </Link>
                <div className="text-xs text-slate-700">
                  {incident.kind === 'rotation' ? 'bulk rotation' : 'bulk revocation'}, planned {formatDateTime(incident.createdAt.toISOString())}
                </div>
              </td>
              <td className="px-3 py-3 text-sm text-slate-800">{incident.tokens}</td>
              <td className="px-3 py-3 text-sm">
                <IncidentStateBadge state={incident.state} />
              </td>
            </tr>
          ))}
        </DataTable>
      </PagedList>
      {choices ? (
        <section aria-labelledby="plan-heading" className="mt-8 rounded-lg border border-slate-200 bg-white p-5">
          <h2 id="plan-heading" className="text-base font-semibold text-slate-900">
            Plan an incident
          </h2>
          <div className="mt-3">
            <CreateIncidentForm choices={choices} />
          </div>
        </section>
      ) : null}
    </>
  );
}
