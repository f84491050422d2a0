import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { LookupForm } from '@/components/tokens/lookup-form';
import { isTokenListFiltered, tokenListParams, TokensTable } from '@/components/tokens/tokens-table';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField, TextField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { listTokens } from '@/lib/domain/tokens/queries';
import { firstValues, type SearchParams } from '@/lib/utils';
import { TOKEN_LIST_STATUSES } from '@/lib/validations/tokens';

export const metadata: Metadata = { title: 'Tokens' };

const SORT_WORDS = { name: 'name', machine_user: 'machine user', status: 'status', age: 'age', rotate: 'rotate-by date', used: 'last use' } as const;

export default async function TokensPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const result = await listTokens(context, firstValues(await searchParams));
  const canLookUp = authorize(context.actor, 'token.lookup').allowed;
  const header = <PageHeader title="Tokens" description="Every machine-user API token Keywarden recorded: a fingerprint and the last four characters, never the value." />;
  if (!result.ok) {
    return (
      <>
        {header}
        <Alert tone="error">{result.error.message}</Alert>
      </>
    );
  }
  const { query } = result.data;
  const filtered = isTokenListFiltered(query);
  const clear = (
    <Link href="/tokens" className={buttonClasses('secondary')}>
      Clear filters
    </Link>
  );

  return (
    <>
      {header}
      <Form action="/tokens" role="search" aria-label="Tokens" className="mb-4 flex flex-wrap items-end gap-3">
        <div className="w-full max-w-xs">
          <TextField label="Search tokens" name="q" type="search" defaultValue={query.q} maxLength={100} placeholder="Token name, machine user or project" autoComplete="off" />
        </div>
        <div className="w-48">
          <SelectField label="Status" name="status" defaultValue={query.status}>
            {TOKEN_LIST_STATUSES.map((value) => (
              <option key={value} value={value}>
                {value === 'all' ? 'All' : value[0]?.toUpperCase() + value.slice(1)}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="w-48">
          <SelectField label="Rotation" name="overdue" defaultValue={query.overdue}>
            <option value="">Any</option>
            <option value="yes">Overdue</option>
          </SelectField>
        </div>
        {query.project ? <input type="hidden" name="project" value={query.project} /> : null}
        {query.drift ? <input type="hidden" name="drift" value="yes" /> : null}
        {query.revocation ? <input type="hidden" name="revocation" value={query.revocation} /> : null}
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {/* With nothing matching, the empty state below offers it instead (one link, not two). */}
        {filtered && result.data.total > 0 ? (
          <Link href="/tokens" className="rounded-md px-2.5 py-2 text-sm font-medium text-indigo-800 underline">
            Clear filters
          </Link>
        ) : null}
      </Form>
      <PagedList
        noun="tokens"
        basePath="/tokens"
        params={tokenListParams(query)}
        list={result.data}
        shownCount={result.data.tokens.length}
        label="Tokens pages"
        empty={
          filtered ? (
            <EmptyState title="No tokens match these filters" action={clear}>
              The search looks at token names, machine-user addresses and project titles.
            </EmptyState>
          ) : (
            <EmptyState title="No active tokens">
              Tokens are recorded from a machine user’s page, once its invitation is accepted. Rotated, revoked and compromised ones are listed under Status: All.
            </EmptyState>
          )
        }
      >
        <TokensTable
          tokens={result.data.tokens}
          query={query}
          caption={`Recorded tokens${filtered ? ' matching the filters' : ''}, sorted by ${SORT_WORDS[query.sort]} (${query.dir === 'asc' ? 'ascending' : 'descending'}), page ${result.data.page}`}
        />
      </PagedList>
      {canLookUp ? (
        <section className="mt-8 max-w-xl rounded-lg border border-slate-200 bg-white p-5">
          <h2 className="text-base font-semibold text-slate-900">Leaked-token lookup</h2>
          <p className="mt-1 text-sm text-slate-700">Found a string that looks like a token in a log, a ticket or a repository? Check whether it is one of ours.</p>
          <div className="mt-3">
            <LookupForm />
          </div>
        </section>
      ) : null}
    </>
  );
}
