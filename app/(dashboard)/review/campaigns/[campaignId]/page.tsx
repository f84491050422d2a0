import type { Metadata } from 'next';
import Link from 'next/link';
import { CampaignItems } from '@/components/review/campaign-items';
import { CampaignProgressChart } from '@/components/review/campaign-progress-chart';
import { CloseCampaignForm } from '@/components/review/close-campaign-form';
import { CampaignEvidenceForm } from '@/components/review/evidence-form';
import { ProgressBar } from '@/components/review/progress-bar';
import { ReviewTabs } from '@/components/review/review-tabs';
import { ReviewTasksTable } from '@/components/review/review-tasks';
import { SignOffProvider } from '@/components/review/sign-off-state';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { TextField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList, pageHref } from '@/components/ui/pagination';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { auditRefusedCampaignRead, getCampaign, getCampaignProgressByDay } from '@/lib/domain/reviews/campaigns';
import { listCampaignItems, listCampaignTasks } from '@/lib/domain/reviews/items';
import { cn, firstValues, formatDateTime, type SearchParams } from '@/lib/utils';
import { PageForbidden, PageNotFound } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Access review' };

const SHOW = [
  { value: 'undecided', label: 'Undecided' },
  { value: 'mine', label: 'Decided by me' },
  { value: 'all', label: 'All' },
] as const;

function Section({ title, children, id }: { title: string; children: React.ReactNode; id?: string }) {
  return (
    <section aria-labelledby={id} className="mt-8">
      <h2 id={id} className="text-lg font-semibold text-slate-900">
        {title}
      </h2>
      <div className="mt-3">{children}</div>
    </section>
  );
}

export default async function CampaignPage({ params, searchParams }: { params: Promise<{ campaignId: string }>; searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  if (!authorize(context.actor, 'campaign.read').allowed) {
    await auditRefusedCampaignRead(context);
    return <PageForbidden />;
  }
  const { campaignId } = await params;
  const query = firstValues(await searchParams);
  const [campaign, items, tasks, byDay] = await Promise.all([
    getCampaign(context, campaignId),
    listCampaignItems(context, campaignId, query),
    listCampaignTasks(context, campaignId),
    getCampaignProgressByDay(context, campaignId),
  ]);
  if (!campaign.ok || !items.ok || !tasks.ok || !byDay.ok) return <PageNotFound />;
  const decisionDays = byDay.data.days.filter((day) => day.decided > 0);
  const detail = campaign.data;
  const isOpen = detail.state === 'open';
  const mine = detail.reviewers.find((reviewer) => reviewer.reviewerId === context.actor.id)?.decided ?? 0;
  const counts = { undecided: detail.total - detail.decided, mine, all: detail.total };
  const show = items.data.show;
  const listParams = { show, q: items.data.q || undefined };
  const canClose = isOpen && authorize(context.actor, 'campaign.close').allowed;
  const canSignOff = isOpen && authorize(context.actor, 'campaign.sign_off').allowed;

  return (
    <>
      <ReviewTabs current="campaigns" />
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/review/campaigns" className="text-indigo-800 underline">
          Access reviews
        </Link>{' '}
        / <span className="text-slate-700">{detail.name}</span>
      </nav>
      <PageHeader
        title={detail.name}
        description={
          <>
            {detail.scope.allProjects ? 'Every project' : detail.scope.projects.map((project) => project.title).join(', ')} · due {detail.dueOn} · started {formatDateTime(detail.createdAt)} by{' '}
            {detail.createdByEmail}
            {detail.closedAt ? ` · closed ${formatDateTime(detail.closedAt)} by ${detail.closedByEmail ?? 'an admin'}` : ''}
          </>
        }
        actions={
          <>
            {isOpen ? <Badge tone="indigo">open</Badge> : <Badge>closed</Badge>}
            {detail.isOverdue ? <Badge tone="red">overdue</Badge> : null}
          </>
        }
      />
      {!isOpen ? (
        <div className="mb-4">
          <Alert tone="info" title="This campaign is closed">
            Its items and decisions are frozen as they were when it closed. Tasks for admins can still be marked done.
          </Alert>
        </div>
      ) : null}

      <section aria-label="Progress" className="grid gap-4 rounded-lg border border-slate-200 bg-white p-5 md:grid-cols-2">
        <div>
          <h2 className="text-base font-semibold text-slate-900">Progress</h2>
          <ProgressBar className="mt-2" label={`Progress of ${detail.name}`} value={detail.decided} total={detail.total} />
          <p className="mt-2 text-sm text-slate-700">
            Keep {detail.byDecision.keep} · change {detail.byDecision.change} · remove {detail.byDecision.remove} · tasks done {detail.tasks.done} of {detail.tasks.total}
          </p>
        </div>
        <div>
          <h2 className="text-base font-semibold text-slate-900">Per reviewer</h2>
          {detail.reviewers.length === 0 ? (
            <p className="mt-2 text-sm text-slate-700">Nobody has signed off an item yet.</p>
          ) : (
            <div className="mt-2">
              <DataTable label="Progress per reviewer" caption={`Decisions per reviewer in ${detail.name}`} columns={['Reviewer', 'Decided', 'Keep', 'Change', 'Remove']}>
                {detail.reviewers.map((reviewer) => (
                  <tr key={reviewer.reviewerId}>
                    <td className="px-3 py-2 text-sm break-words text-slate-900">{reviewer.reviewerEmail}</td>
                    <td className="px-3 py-2 text-sm text-slate-900">{reviewer.decided}</td>
                    <td className="px-3 py-2 text-sm text-slate-900">{reviewer.keep}</td>
                    <td className="px-3 py-2 text-sm text-slate-900">{reviewer.change}</td>
                    <td className="px-3 py-2 text-sm text-slate-900">{reviewer.remove}</td>
                  </tr>
                ))}
              </DataTable>
            </div>
          )}
        </div>
      </section>

      <section aria-labelledby="over-time" className="mt-4 grid gap-4 rounded-lg border border-slate-200 bg-white p-5 md:grid-cols-2">
        <div>
          <h2 id="over-time" className="text-base font-semibold text-slate-900">
            Progress over time
          </h2>
          <CampaignProgressChart
            days={byDay.data.days}
            total={byDay.data.total}
            summary={`Items decided so far, day by day from ${byDay.data.days[0]?.day ?? detail.dueOn} to ${byDay.data.days.at(-1)?.day ?? detail.dueOn}: ${detail.decided} of ${detail.total}. The table beside it gives the same numbers.`}
          />
        </div>
        <div>
          <h3 className="text-sm font-semibold text-slate-900">The same, as a table</h3>
          {decisionDays.length === 0 ? (
            <p className="mt-2 text-sm text-slate-700">No decision yet.</p>
          ) : (
            <div className="mt-2">
              <DataTable label="Progress by day" caption={`Decisions per day in ${detail.name}, oldest first`} columns={['Day', 'Decided that day', 'Decided so far']}>
                {decisionDays.map((day) => (
                  <tr key={day.day}>
                    <td className="px-3 py-2 text-sm whitespace-nowrap text-slate-900">{day.day}</td>
                    <td className="px-3 py-2 text-sm text-slate-900">{day.decided}</td>
                    <td className="px-3 py-2 text-sm text-slate-900">
                      {day.cumulative} of {byDay.data.total}
                    </td>
                  </tr>
                ))}
              </DataTable>
            </div>
          )}
        </div>
      </section>

      <Section title="Machine users" id="items">
        {isOpen && !canSignOff ? <p className="mb-3 text-sm text-slate-700">Your role cannot sign off items.</p> : null}
        <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
          <nav aria-label="Which items" className="flex flex-wrap gap-2">
            {SHOW.map((choice) => (
              <Link
                key={choice.value}
                // The search is kept across views (the counts are the whole campaign's).
                href={pageHref(`/review/campaigns/${detail.id}`, { ...listParams, show: choice.value }, 1)}
                aria-current={show === choice.value ? 'page' : undefined}
                className={cn(buttonClasses(show === choice.value ? 'primary' : 'secondary', 'sm'))}
              >
                {choice.label} ({counts[choice.value]})
              </Link>
            ))}
          </nav>
          <form method="get" role="search" aria-label="Search items" className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="show" value={show} />
            <TextField label="Machine user or project" name="q" type="search" defaultValue={items.data.q} autoComplete="off" />
            <button type="submit" className={buttonClasses('secondary')}>
              Search
            </button>
          </form>
        </div>
        <SignOffProvider>
          <PagedList
            noun="items"
            basePath={`/review/campaigns/${detail.id}`}
            params={listParams}
            list={items.data}
            shownCount={items.data.items.length}
            label="Item pages"
            empty={
              <EmptyState title={show === 'undecided' && !items.data.q ? 'Every item is decided' : 'No items match'}>
                {show === 'undecided' && !items.data.q
                  ? isOpen
                    ? 'Nothing is left to sign off. An admin can close the campaign to freeze it.'
                    : 'This campaign is closed.'
                  : 'Try another filter or search.'}
              </EmptyState>
            }
          >
            <CampaignItems items={items.data.items} isOpen={isOpen} />
          </PagedList>
        </SignOffProvider>
      </Section>

      <Section title="Tasks for admins" id="tasks">
        {tasks.data.tasks.length === 0 ? (
          <p className="text-sm text-slate-700">No decision asks for a change or a removal yet.</p>
        ) : (
          <>
            <ReviewTasksTable tasks={tasks.data.tasks} canComplete={authorize(context.actor, 'campaign.complete_task').allowed} label="Tasks table" caption={`Tasks from ${detail.name}, open ones first`} />
            {tasks.data.total > tasks.data.tasks.length ? (
              <p className="mt-2 text-sm text-slate-700">
                Showing {tasks.data.tasks.length} of {tasks.data.total} tasks: the rest are on each machine user’s page and in the evidence pack.
              </p>
            ) : null}
          </>
        )}
      </Section>

      {authorize(context.actor, 'evidence.export').allowed ? (
        <Section title="Evidence pack" id="evidence">
          <p className="mb-3 text-sm text-slate-700">
            A signed ZIP of this campaign for auditors: the machine users as reviewed, the decisions, tasks, today’s inventory and findings of its projects, and the audit log from its start to its
            close{isOpen ? ' (to now, while it is open)' : ''}.
          </p>
          <CampaignEvidenceForm campaignId={detail.id} name={detail.name} />
        </Section>
      ) : null}

      {canClose ? (
        <Section title="Close the campaign" id="close">
          <CloseCampaignForm campaignId={detail.id} name={detail.name} undecided={counts.undecided} />
        </Section>
      ) : null}
    </>
  );
}
