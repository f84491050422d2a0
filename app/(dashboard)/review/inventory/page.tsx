import type { Metadata } from 'next';
import Link from 'next/link';
import { InventoryExportForm, InventoryFilters, INVENTORY_PATH } from '@/components/review/inventory-filters';
import { ForeignVariablesTable, inventoryHref, InventoryMachineUsersTable, OtherAccountsTable, SectionPagination } from '@/components/review/inventory-tables';
import { ReviewTabs } from '@/components/review/review-tabs';
import { TokenAgeDistribution } from '@/components/review/token-age-distribution';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { listInventory } from '@/lib/domain/review/inventory';
import { getTokenAgeDistribution } from '@/lib/domain/review/token-ages';
import { inventoryParams, isInventoryFiltered } from '@/lib/review/inventory-query';
import { firstValues, type SearchParams } from '@/lib/utils';
import { PageForbidden } from '@/components/shell/refusal-pages';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Inventory' };

const DESCRIPTION =
  'Every credential in one place: Keywarden’s machine users with their roles, tokens, the environments holding each token and their owners; the CLI token variables Keywarden did not push; the accounts with access that are not Keywarden’s.';

export default async function InventoryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const { productName } = configuredVendor();
  const [result, tokenAges] = await Promise.all([listInventory(context, firstValues(await searchParams)), getTokenAgeDistribution(context)]);
  if (!result.ok) {
    return <PageForbidden />;
  }
  const { query, sections, machineUsers, variables, accounts, options } = result.data;
  const filtered = isInventoryFiltered(query);
  const canExport = authorize(context.actor, 'inventory.export', { projectId: context.actor.projectIds[0] }).allowed;
  const sideNote = !sections.machineUsers || !sections.variables || !sections.accounts;
  const pages = { vpage: query.vpage, upage: query.upage };
  // The machine users' page links keep the side sections' pages.
  const machineUserParams = { ...inventoryParams(query), vpage: query.vpage > 1 ? String(query.vpage) : undefined, upage: query.upage > 1 ? String(query.upage) : undefined };

  return (
    <>
      <ReviewTabs current="inventory" />
      <PageHeader title="Inventory" description={DESCRIPTION} />
      {context.actor.role === 'onboarder' ? (
        <div className="mb-4">
          <Alert tone="info">You see the inventory of the projects assigned to you.</Alert>
        </div>
      ) : null}
      {tokenAges.ok ? <TokenAgeDistribution distribution={tokenAges.data} productName={productName} /> : null}
      <InventoryFilters query={query} options={options} />
      {canExport ? <InventoryExportForm query={query} /> : null}

      {machineUsers ? (
        <section aria-labelledby="inventory-machine-users" className="mb-10">
          <h2 id="inventory-machine-users" className="mb-3 text-lg font-semibold text-slate-900">
            Machine users <span className="text-sm font-normal text-slate-700">({machineUsers.total})</span>
          </h2>
          <PagedList
            noun="machine users"
            basePath={INVENTORY_PATH}
            params={machineUserParams}
            list={machineUsers}
            shownCount={machineUsers.rows.length}
            label="Machine users inventory pages"
            empty={
              <EmptyState title={filtered ? 'No machine users match these filters' : 'No machine users yet'}>
                {filtered
                  ? 'The search looks at machine-user addresses, account names and project titles and ids. “Clear filters” above shows everything again.'
                  : 'Machine users appear here once someone onboards one from the Machine users page.'}
              </EmptyState>
            }
          >
            <InventoryMachineUsersTable
              rows={machineUsers.rows}
              query={query}
              caption={`Machine users, sorted by ${query.sort} (${query.dir === 'asc' ? 'ascending' : 'descending'}), page ${machineUsers.page}`}
            />
          </PagedList>
        </section>
      ) : null}

      {variables ? (
        <section aria-labelledby="inventory-variables" className="mb-10">
          <h2 id="inventory-variables" className="mb-1 text-lg font-semibold text-slate-900">
            CLI token variables Keywarden did not push <span className="text-sm font-normal text-slate-700">({variables.total})</span>
          </h2>
          <p className="mb-3 max-w-prose text-sm text-slate-700">
            <code className="font-mono">env:PLATFORMSH_CLI_TOKEN</code> or <code className="font-mono">env:UPSUN_CLI_TOKEN</code> set by hand, or at project level: Keywarden
            holds no record of their token. Inherited copies are not listed again.
          </p>
          {variables.total === 0 ? (
            <EmptyState title={filtered ? 'No token variables match these filters' : 'Every token variable is Keywarden’s'} />
          ) : variables.rows.length === 0 ? (
            <EmptyState title="This page is empty" action={<Link href={inventoryHref(query, {}, { ...pages, page: query.page, vpage: 1 })} className={buttonClasses('secondary')}>Go to the first page</Link>} />
          ) : (
            <>
              <ForeignVariablesTable rows={variables.rows} caption={`Token variables not pushed by Keywarden, page ${variables.page}`} productName={productName} />
              <SectionPagination label="Token variables pages" query={query} which="vpage" page={variables.page} pageSize={variables.pageSize} total={variables.total} shown={variables.rows.length} />
            </>
          )}
        </section>
      ) : null}

      {accounts ? (
        <section aria-labelledby="inventory-accounts" className="mb-10">
          <h2 id="inventory-accounts" className="mb-1 text-lg font-semibold text-slate-900">
            Accounts with access that are not Keywarden’s <span className="text-sm font-normal text-slate-700">({accounts.total})</span>
          </h2>
          <p className="mb-3 max-w-prose text-sm text-slate-700">{productName} accounts on the projects that are neither one of Keywarden’s machine users there nor the dashboard’s own account: people, or machine users made outside Keywarden.</p>
          {accounts.total === 0 ? (
            <EmptyState title={filtered ? 'No accounts match these filters' : 'No other accounts have access'} />
          ) : accounts.rows.length === 0 ? (
            <EmptyState title="This page is empty" action={<Link href={inventoryHref(query, {}, { ...pages, page: query.page, upage: 1 })} className={buttonClasses('secondary')}>Go to the first page</Link>} />
          ) : (
            <>
              <OtherAccountsTable rows={accounts.rows} caption={`Accounts with access not Keywarden’s, page ${accounts.page}`} />
              <SectionPagination label="Accounts pages" query={query} which="upage" page={accounts.page} pageSize={accounts.pageSize} total={accounts.total} shown={accounts.rows.length} />
            </>
          )}
        </section>
      ) : null}

      {sideNote ? (
        <p className="text-sm text-slate-700">
          {query.managed === 'unmanaged'
            ? 'Keywarden’s machine users are hidden: “Managed by Keywarden” is set to “Not Keywarden’s”.'
            : query.managed === 'managed'
              ? 'Token variables and accounts that are not Keywarden’s are hidden: “Managed by Keywarden” is set to Keywarden’s machine users.'
              : 'Some sections are hidden: purpose, token, owner and state filters apply to machine users only, and a token variable has no role.'}
        </p>
      ) : null}
    </>
  );
}
