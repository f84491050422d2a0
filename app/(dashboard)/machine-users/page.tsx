import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { machineUserListParams, MachineUsersTable } from '@/components/machine-users/machine-users-table';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField, TextField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { ruleFor } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { listMachineUsers } from '@/lib/domain/machine-users/queries';
import { firstValues, type SearchParams } from '@/lib/utils';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Machine users' };

const description = (productName: string) => `One ${productName} account per project and purpose, with the narrowest roles, each with an owner.`;


const STATE_OPTIONS = [
  ['current', 'All but removed'],
  ['invited', 'Invitation pending'],
  ['active', 'Active'],
  ['expired', 'Invitation expired'],
  ['error', 'Needs attention'],
  ['cancelled', 'Invitation cancelled'],
  ['removed', 'Removed'],
  ['all', 'All'],
] as const;

export default async function MachineUsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const params = firstValues(await searchParams);
  const result = await listMachineUsers(context, params);
  const canOnboard = ruleFor(context.actor.role, 'machine_user.invite') !== 'deny';
  const onboard = canOnboard ? (
    <Link href="/machine-users/new" className={buttonClasses('primary')}>
      Onboard a machine user
    </Link>
  ) : undefined;

  if (!result.ok) {
    return (
      <>
        <PageHeader title="Machine users" />
        <Alert tone="error">{result.error.message}</Alert>
      </>
    );
  }
  const { query } = result.data;
  const filtered = Boolean(query.q || query.project || query.state !== 'current');

  return (
    <>
      <PageHeader title="Machine users" description={description(configuredVendor().productName)} actions={onboard} />
      {context.actor.role === 'reviewer' ? (
        <div className="mb-4">
          <Alert tone="info">Reviewers can see every machine user but not change them.</Alert>
        </div>
      ) : null}
      <Form action="/machine-users" role="search" aria-label="Machine users" className="mb-4 flex flex-wrap items-end gap-3">
        <div className="w-full max-w-xs">
          <TextField label="Search machine users" name="q" type="search" defaultValue={query.q} maxLength={100} placeholder="Address, owner or project" autoComplete="off" />
        </div>
        <div className="w-56">
          <SelectField label="State" name="state" defaultValue={query.state}>
            {STATE_OPTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
        </div>
        {query.project ? <input type="hidden" name="project" value={query.project} /> : null}
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {/* With nothing matching, the empty state below offers it instead (one link, not two). */}
        {filtered && result.data.total > 0 ? (
          <Link href="/machine-users" className="rounded-md px-2.5 py-2 text-sm font-medium text-indigo-800 underline">
            Clear filters
          </Link>
        ) : null}
      </Form>
      <PagedList
        noun="machine users"
        basePath="/machine-users"
        params={machineUserListParams(query)}
        list={result.data}
        shownCount={result.data.machineUsers.length}
        label="Machine users pages"
        empty={
          <EmptyState
            title={filtered ? 'No machine users match these filters' : 'No machine users yet'}
            action={
              filtered ? (
                <Link href="/machine-users" className={buttonClasses('secondary')}>
                  Clear filters
                </Link>
              ) : (
                onboard
              )
            }
          >
            {filtered
              ? 'The search looks at machine-user addresses, their owners’ addresses and names, and project titles.'
              : 'Give each automated project its own machine user, with the narrowest roles its job needs.'}
          </EmptyState>
        }
      >
        <MachineUsersTable
          machineUsers={result.data.machineUsers}
          query={query}
          caption={`Machine users${filtered ? ' matching the filters' : ''}, sorted by ${query.sort} (${query.dir === 'asc' ? 'ascending' : 'descending'}), page ${result.data.page}`}
        />
      </PagedList>
    </>
  );
}
