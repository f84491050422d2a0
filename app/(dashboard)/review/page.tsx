import type { Metadata } from 'next';
import Link from 'next/link';
import { FindingFilters, findingParams, isFindingFiltered } from '@/components/review/finding-filters';
import { FindingsHistory } from '@/components/review/findings-history';
import { FindingsList } from '@/components/review/findings-list';
import { FindingsSummary } from '@/components/review/findings-summary';
import { ReviewTabs } from '@/components/review/review-tabs';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PageNoticeProvider } from '@/components/ui/page-notice';
import { PagedList } from '@/components/ui/pagination';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { dateAfter } from '@/lib/domain/findings/accept';
import { getFindingsHistory } from '@/lib/domain/findings/history';
import { listFindings } from '@/lib/domain/findings/queries';
import { firstValues, type SearchParams } from '@/lib/utils';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Findings' };

const DESCRIPTION =
  'What the policy checks found across machine users, tokens, variables and access, recomputed after every sync and every change. Each finding says what was seen, why it matters and how to fix it.';

const EMPTY_TEXT = {
  open: 'Nothing breaks the policy right now. Findings appear here after a sync or a change that gives a rule something to report.',
  accepted: 'No finding is accepted as a risk. An admin can accept an open finding, with a reason and an end date.',
  resolved: 'No finding has been resolved yet.',
} as const;

const FILTERED_EMPTY_TEXT = 'Findings of other severities, rules or projects are not shown. Try another filter, or clear them.';

export default async function ReviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const now = new Date();
  const [result, history] = await Promise.all([listFindings(context, firstValues(await searchParams), now), getFindingsHistory(context, now)]);
  const canAccept = authorize(context.actor, 'finding.accept_risk').allowed;

  return (
    <>
      <ReviewTabs current="findings" />
      <PageHeader title="Findings" description={DESCRIPTION} />
      {context.actor.role === 'onboarder' ? (
        <div className="mb-4">
          <Alert tone="info">You see the findings of the projects assigned to you.</Alert>
        </div>
      ) : null}
      {!result.ok ? (
        <Alert tone="error">{result.error.message}</Alert>
      ) : (
        <PageNoticeProvider>
          <FindingsSummary summary={result.data.summary} />
          {history.ok ? <FindingsHistory history={history.data} /> : null}
          <FindingFilters query={result.data.query} rules={result.data.rules} projects={result.data.projects} />
          <PagedList
            noun="findings"
            basePath="/review"
            params={findingParams(result.data.query)}
            list={result.data}
            shownCount={result.data.findings.length}
            label="Findings pages"
            empty={
              <EmptyState
                title={isFindingFiltered(result.data.query) ? 'No findings match these filters' : `No ${result.data.query.status === 'accepted' ? 'accepted risks' : `${result.data.query.status} findings`}`}
                action={
                  isFindingFiltered(result.data.query) ? (
                    // Clears the filters, not the status: the list being read stays the same.
                    <Link href={`/review${result.data.query.status === 'open' ? '' : `?status=${result.data.query.status}`}`} className={buttonClasses('secondary')}>
                      Clear filters
                    </Link>
                  ) : undefined
                }
              >
                {/* Filtered, the status's own empty text would be false ("Nothing breaks the policy" with findings of other severities). */}
                {isFindingFiltered(result.data.query) ? FILTERED_EMPTY_TEXT : EMPTY_TEXT[result.data.query.status]}
              </EmptyState>
            }
          >
            <FindingsList
              findings={result.data.findings}
              productName={configuredVendor().productName}
              acceptWindow={canAccept ? { earliest: dateAfter(now, 1), latest: dateAfter(now, result.data.acceptRiskMaxDays), maxDays: result.data.acceptRiskMaxDays } : null}
            />
          </PagedList>
        </PageNoticeProvider>
      )}
    </>
  );
}
