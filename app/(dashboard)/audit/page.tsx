import type { Metadata } from 'next';
import Link from 'next/link';
import { AuditExportForm } from '@/components/audit/audit-export-form';
import { AuditFilterForm } from '@/components/audit/audit-filter-form';
import { auditListParams, isAuditFiltered, type AuditFilterValues } from '@/components/audit/audit-list-params';
import { AuditTable } from '@/components/audit/audit-table';
import { ChainStatusPanel } from '@/components/audit/chain-status';
import { PagedList } from '@/components/ui/pagination';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { auditLogViewed, listAuditActions, listAuditEvents } from '@/lib/domain/audit-log';
import { latestChainStatus } from '@/lib/domain/audit-verification';
import { auditRefusedRead } from '@/lib/domain/users';
import { firstValues, type SearchParams } from '@/lib/utils';
import { PageForbidden } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Audit' };

const DESCRIPTION =
  'Every change, refused attempt and sign-in. Entries are append-only, hash-chained with a key kept outside the database, and never contain a token value.';

const SORT_NAMES = { time: 'time', actor: 'actor', action: 'action', target: 'target', outcome: 'outcome' } as const;

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  if (!authorize(context.actor, 'audit.read').allowed) {
    await auditRefusedRead(context, 'audit.read');
    return <PageForbidden />;
  }

  const params = firstValues(await searchParams);
  const filters: AuditFilterValues = {
    action: params.action?.trim() ?? '',
    actor: params.actor?.trim() ?? '',
    target: params.target?.trim() ?? '',
    targetType: params.targetType?.trim() ?? '',
    outcome: params.outcome?.trim() ?? '',
    from: params.from?.trim() ?? '',
    to: params.to?.trim() ?? '',
  };
  // Filters go to the domain as typed, which validates them; a bad one is reported on its field.
  const [result, actions, status] = await Promise.all([listAuditEvents(context, params), listAuditActions(), latestChainStatus(context)]);
  if (result.ok) await auditLogViewed(context, result.data.query);
  const order = result.ok ? { sort: result.data.query.sort, dir: result.data.query.dir } : { sort: 'time' as const, dir: 'desc' as const };
  const isFiltered = isAuditFiltered(filters);

  return (
    <>
      <PageHeader title="Audit" description={DESCRIPTION} />
      <ChainStatusPanel status={status.ok ? status.data : null} canVerify={authorize(context.actor, 'audit.verify').allowed} />
      <AuditFilterForm values={filters} order={order} actions={actions} errors={result.ok ? undefined : result.error.fieldErrors} />
      {!result.ok ? (
        <Alert tone="error" title={result.error.message}>
          {result.error.code === 'invalid_input' ? 'Correct the highlighted filter, or clear the filters.' : null}
        </Alert>
      ) : (
        <>
          {authorize(context.actor, 'audit.export').allowed && result.data.total > 0 ? (
            <div className="mb-4">
              <AuditExportForm filters={filters} />
            </div>
          ) : null}
          <PagedList
            noun="matching events"
            basePath="/audit"
            params={auditListParams(filters, order)}
            list={result.data}
            shownCount={result.data.events.length}
            label="Audit pages"
            empty={
              <EmptyState
                title={isFiltered ? 'No events match these filters' : 'No events yet'}
                action={
                  isFiltered ? (
                    <Link href="/audit" className={buttonClasses('secondary')}>
                      Clear filters
                    </Link>
                  ) : undefined
                }
              >
                {isFiltered ? 'Try another action, outcome or date range, or a shorter part of a name or e-mail address.' : 'Events appear here as people use Keywarden.'}
              </EmptyState>
            }
          >
            <AuditTable
              events={result.data.events}
              filters={filters}
              order={order}
              caption={`Audit events${isFiltered ? ' matching the filters' : ''}, sorted by ${SORT_NAMES[order.sort]} (${order.dir === 'asc' ? 'ascending' : 'descending'}), page ${result.data.page}`}
            />
          </PagedList>
        </>
      )}
    </>
  );
}
