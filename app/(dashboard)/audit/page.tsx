import type { Metadata } from 'next';
import Link from 'next/link';
import { AuditFilterForm, type AuditFilterValues } from '@/components/audit/audit-filter-form';
import { AuditTable } from '@/components/audit/audit-table';
import { PagedList } from '@/components/ui/pagination';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { listAuditEvents } from '@/lib/domain/audit-log';
import { auditRefusedRead } from '@/lib/domain/users';
import { firstValue, type SearchParams } from '@/lib/utils';

export const metadata: Metadata = { title: 'Audit' };

const DESCRIPTION =
  'Every change, refused attempt and sign-in, newest first. Entries are append-only and never contain a token value.';
const MAX_PAGE = 100000;

/** A parameter's first value, trimmed; '' when absent or ignored (see firstValue). */
function filterValue(value: string | string[] | undefined): string {
  return firstValue(value)?.trim() ?? '';
}

/** A hand-edited page number falls back to the first page rather than an error. */
function pageFrom(value: string | string[] | undefined): number {
  const text = filterValue(value);
  if (!/^\d{1,6}$/.test(text)) return 1;
  const page = Number(text);
  return page >= 1 && page <= MAX_PAGE ? page : 1;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  if (!authorize(context.actor, 'audit.read').allowed) {
    await auditRefusedRead(context, 'audit.read');
    return (
      <>
        <PageHeader title="Audit" />
        <Alert tone="warning" title="You do not have access to this page">
          The audit log is visible to admins and reviewers. Ask an admin if you need access.
        </Alert>
      </>
    );
  }

  const params = await searchParams;
  const filters: AuditFilterValues = {
    outcome: filterValue(params.outcome),
    action: filterValue(params.action),
    actor: filterValue(params.actor),
  };
  // Filters go to the domain as typed, which validates them; a bad one is reported on its field.
  const result = await listAuditEvents(context, { ...filters, page: pageFrom(params.page) });
  const isFiltered = Boolean(filters.outcome || filters.action || filters.actor);

  return (
    <>
      <PageHeader title="Audit" description={DESCRIPTION} />
      <AuditFilterForm values={filters} errors={result.ok ? undefined : result.error.fieldErrors} />
      {!result.ok ? (
        <Alert tone="error" title={result.error.message}>
          {result.error.code === 'invalid_input' ? 'Correct the highlighted filter, or clear the filters.' : null}
        </Alert>
      ) : (
        <PagedList
          noun="matching events"
          basePath="/audit"
          params={filters}
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
              {isFiltered ? 'Try another outcome or action, or a shorter part of the e-mail address.' : 'Events appear here as people use Keywarden.'}
            </EmptyState>
          }
        >
          <AuditTable events={result.data.events} caption={`Audit events${isFiltered ? ' matching the filters' : ''}, newest first, page ${result.data.page}`} />
        </PagedList>
      )}
    </>
  );
}
