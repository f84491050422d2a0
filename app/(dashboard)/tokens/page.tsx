import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { LookupForm } from '@/components/tokens/lookup-form';
import { TokensTable } from '@/components/tokens/tokens-table';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { listTokens, type TokenStatus } from '@/lib/domain/tokens/queries';
import { firstValues, type SearchParams } from '@/lib/utils';

export const metadata: Metadata = { title: 'Tokens' };

const STATUSES = ['all', 'active', 'superseded', 'revoked', 'compromised'] as const;

export default async function TokensPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const params = firstValues(await searchParams);
  const first = (value: string | undefined) => value ?? '';
  const status = (STATUSES as readonly string[]).includes(first(params.status)) ? (first(params.status) as TokenStatus | 'all') : 'active';
  const overdue = first(params.overdue) === 'yes';
  const project = /^[a-z0-9-]{0,64}$/.test(first(params.project)) ? first(params.project) : '';
  const drift = first(params.drift) === 'yes';
  const result = await listTokens(context, { status, overdue, project, drift });
  const canLookUp = authorize(context.actor, 'token.lookup').allowed;

  return (
    <>
      <PageHeader title="Tokens" description="Every machine-user API token Keywarden recorded: a fingerprint and the last four characters, never the value." />
      <Form action="/tokens" role="search" aria-label="Tokens" className="mb-4 flex flex-wrap items-end gap-3">
        <div className="w-48">
          <SelectField label="Status" name="status" defaultValue={status}>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {value === 'all' ? 'All' : value[0]?.toUpperCase() + value.slice(1)}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="w-48">
          <SelectField label="Rotation" name="overdue" defaultValue={overdue ? 'yes' : ''}>
            <option value="">Any</option>
            <option value="yes">Overdue</option>
          </SelectField>
        </div>
        {project ? <input type="hidden" name="project" value={project} /> : null}
        {drift ? <input type="hidden" name="drift" value="yes" /> : null}
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {status !== 'active' || overdue || project || drift ? (
          <Link href="/tokens" className="rounded-md px-2.5 py-2 text-sm font-medium text-indigo-800 underline">
            Clear filters
          </Link>
        ) : null}
      </Form>
      {!result.ok ? (
        <Alert tone="error">{result.error.message}</Alert>
      ) : result.data.length === 0 ? (
        <EmptyState title="No tokens match">Tokens are recorded from a machine user’s page, once its invitation is accepted.</EmptyState>
      ) : (
        <TokensTable tokens={result.data} caption="Recorded tokens" />
      )}
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
