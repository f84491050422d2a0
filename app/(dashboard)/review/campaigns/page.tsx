import type { Metadata } from 'next';
import Link from 'next/link';
import { RangeEvidenceForm } from '@/components/review/evidence-form';
import { CreateCampaignForm } from '@/components/review/create-campaign-form';
import { ProgressBar } from '@/components/review/progress-bar';
import { ReviewTabs } from '@/components/review/review-tabs';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { auditRefusedCampaignRead, dayOf, listCampaigns, listScopeChoices } from '@/lib/domain/reviews/campaigns';
import { fieldErrorsOf, type ErrorBody } from '@/lib/errors';
import { cn, firstValues, formatDateTime, type SearchParams } from '@/lib/utils';
import { EVIDENCE_RANGE_PARAMS, evidenceRangeSchema } from '@/lib/validations/reviews';
import { PageForbidden } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Access reviews' };

const DESCRIPTION =
  'Campaigns in which reviewers sign off every machine user in scope — keep, change or remove — and the evidence packs that prove it.';

const FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'open', label: 'Open' },
  { value: 'closed', label: 'Closed' },
] as const;

function Section({ id, title, children }: { id?: string; title: string; children: React.ReactNode }) {
  return (
    <section id={id} className="mt-8 scroll-mt-20 rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      <div className="mt-3">{children}</div>
    </section>
  );
}

/**
 * The range the evidence route refused, back in the URL (EVIDENCE_RANGE_PARAMS): the days as typed,
 * and the same schema's errors on their fields. Undefined when the page was not reached that way.
 */
function refusedEvidenceRange(params: Record<string, string | undefined>): { from: string; to: string; error: ErrorBody | undefined } | undefined {
  const from = params[EVIDENCE_RANGE_PARAMS.from];
  const to = params[EVIDENCE_RANGE_PARAMS.to];
  if (from === undefined && to === undefined) return undefined;
  const parsed = evidenceRangeSchema.safeParse({ from: from ?? '', to: to ?? '' });
  const error: ErrorBody | undefined = parsed.success ? undefined : { code: 'invalid_input', message: 'No evidence pack was made: correct the days below.', fieldErrors: fieldErrorsOf(parsed.error) };
  return { from: from ?? '', to: to ?? '', error };
}

export default async function CampaignsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  if (!authorize(context.actor, 'campaign.read').allowed) {
    await auditRefusedCampaignRead(context);
    return <PageForbidden />;
  }
  const canCreate = authorize(context.actor, 'campaign.create').allowed;
  const canExport = authorize(context.actor, 'evidence.export').allowed;
  const params = firstValues(await searchParams);
  const [result, projects] = await Promise.all([listCampaigns(context, params), canCreate ? listScopeChoices(context) : []]);
  const today = new Date();
  const inDays = (days: number) => dayOf(new Date(today.getTime() + days * 86_400_000));
  const evidenceRange = refusedEvidenceRange(params) ?? { from: inDays(-90), to: inDays(0), error: undefined };

  return (
    <>
      <ReviewTabs current="campaigns" />
      <PageHeader title="Access reviews" description={DESCRIPTION} />
      {!result.ok ? (
        <Alert tone="error">{result.error.message}</Alert>
      ) : (
        <>
          <nav aria-label="Campaign state" className="mb-4 flex flex-wrap gap-2">
            {FILTERS.map((filter) => (
              <Link
                key={filter.value}
                href={filter.value === 'all' ? '/review/campaigns' : `/review/campaigns?state=${filter.value}`}
                aria-current={result.data.query.state === filter.value ? 'page' : undefined}
                className={cn(buttonClasses(result.data.query.state === filter.value ? 'primary' : 'secondary', 'sm'))}
              >
                {filter.label}
              </Link>
            ))}
          </nav>
          <PagedList
            noun="campaigns"
            basePath="/review/campaigns"
            params={{ state: result.data.query.state === 'all' ? undefined : result.data.query.state }}
            list={result.data}
            shownCount={result.data.campaigns.length}
            label="Campaign pages"
            empty={
              <EmptyState title={result.data.query.state === 'all' ? 'No access reviews yet' : `No ${result.data.query.state} access reviews`}>
                {canCreate ? 'Start one below: choose a name, a due date and which projects it covers.' : 'An admin starts access reviews; they appear here.'}
              </EmptyState>
            }
          >
            <DataTable label="Campaigns table" caption={`Access-review campaigns (${result.data.query.state}), open ones first, page ${result.data.page}`} columns={['Campaign', 'Scope', 'Due', 'Progress', 'State']}>
              {result.data.campaigns.map((campaign) => (
                <tr key={campaign.id}>
                  <td className="px-3 py-3 text-sm">
                    <Link href={`/review/campaigns/${campaign.id}`} className="font-medium text-indigo-800 underline">
                      {campaign.name}
                    </Link>
                    <div className="text-xs text-slate-700">started {formatDateTime(campaign.createdAt)}</div>
                  </td>
                  <td className="px-3 py-3 text-sm text-slate-800">
                    {campaign.scope.allProjects ? 'Every project' : campaign.scope.projects.map((project) => project.title).join(', ')}
                  </td>
                  <td className="px-3 py-3 text-sm whitespace-nowrap text-slate-800">
                    {campaign.dueOn} {campaign.isOverdue ? <Badge tone="red">overdue</Badge> : null}
                  </td>
                  <td className="min-w-40 px-3 py-3 text-sm">
                    <ProgressBar label={`Progress of ${campaign.name}`} value={campaign.decided} total={campaign.total} />
                  </td>
                  <td className="px-3 py-3 text-sm">
                    {campaign.state === 'open' ? <Badge tone="indigo">open</Badge> : <Badge>closed {campaign.closedAt ? campaign.closedAt.slice(0, 10) : ''}</Badge>}
                  </td>
                </tr>
              ))}
            </DataTable>
          </PagedList>
        </>
      )}

      {canCreate ? (
        <Section title="Start an access review">
          <CreateCampaignForm projects={projects} defaultDueOn={inDays(30)} minDueOn={inDays(0)} />
        </Section>
      ) : null}

      {canExport ? (
        <Section id="evidence-pack" title="Evidence pack for a period">
          <p className="mb-3 text-sm text-slate-700">
            A signed ZIP for auditors: the inventory, findings with their history, sign-offs made in the period, the audit log of the period and the audit chain’s head. Each campaign’s page has
            its own pack. Verify one with <code className="font-mono">npm run evidence:verify -- pack.zip</code>, or offline (README, “Evidence packs”).
          </p>
          <RangeEvidenceForm from={evidenceRange.from} to={evidenceRange.to} error={evidenceRange.error} />
        </Section>
      ) : null}
    </>
  );
}
