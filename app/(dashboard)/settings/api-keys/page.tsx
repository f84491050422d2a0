import type { Metadata } from 'next';
import Link from 'next/link';
import { CreateApiKeyForm } from '@/components/api-keys/create-api-key-form';
import { RevokeApiKeyButton } from '@/components/api-keys/revoke-api-key-button';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { requirePageContext } from '@/lib/auth/session';
import { listApiKeys, type ApiKeyState } from '@/lib/domain/api-keys';
import { ROLE_LABELS } from '@/lib/roles';
import { formatDateTime } from '@/lib/utils';

export const metadata: Metadata = { title: 'API keys' };

const STATE_TONES: Record<ApiKeyState, 'green' | 'amber' | 'neutral'> = { active: 'green', expired: 'amber', revoked: 'neutral' };

export default async function ApiKeysPage({ searchParams }: { searchParams: Promise<{ page?: string | string[] }> }) {
  const context = await requirePageContext();
  const requested = Number((await searchParams).page);
  const result = await listApiKeys(context, { page: Number.isInteger(requested) && requested > 0 && requested <= 100_000 ? requested : 1 });
  if (!result.ok) {
    return (
      <>
        <PageHeader title="API keys" />
        <Alert tone="error">{result.error.message}</Alert>
      </>
    );
  }
  const { apiKeys, everyone, creatableRoles } = result.data;
  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys for scripts and systems that use Keywarden’s REST API (see the{' '}
            <Link href="/api/docs" className="font-medium underline">
              API reference
            </Link>
            ). A key acts as you, with a role no higher than yours, until it expires or is revoked.
          </>
        }
      />
      <section aria-labelledby="create-key" className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="create-key" className="mb-3 text-base font-semibold text-slate-900">
          Create a key
        </h2>
        <CreateApiKeyForm ownRole={context.actor.role} creatableRoles={creatableRoles} />
      </section>
      <section aria-labelledby="keys">
        <h2 id="keys" className="mb-3 text-base font-semibold text-slate-900">
          {everyone ? 'Every user’s keys' : 'Your keys'}
        </h2>
        <PagedList
          basePath="/settings/api-keys"
          params={{}}
          list={result.data}
          shownCount={apiKeys.length}
          label="API keys pages"
          noun="API keys"
          empty={<EmptyState title="No API keys yet">Create one above; it is shown once, when it is created.</EmptyState>}
        >
          <DataTable
            label="API keys table"
            caption={`API keys, page ${result.data.page}`}
            columns={['Name', 'Key', ...(everyone ? ['Owner'] : []), 'Role', 'State', 'Expires', 'Last used', 'Actions']}
          >
            {apiKeys.map((key) => (
              <tr key={key.id}>
                <td className="px-3 py-2 text-sm text-slate-900">{key.name}</td>
                <td className="px-3 py-2 font-mono text-sm text-slate-800">{key.prefix}…</td>
                {everyone ? <td className="px-3 py-2 text-sm text-slate-800">{key.owner.email}</td> : null}
                <td className="px-3 py-2 text-sm text-slate-800">{ROLE_LABELS[key.role]}</td>
                <td className="px-3 py-2 text-sm">
                  <Badge tone={STATE_TONES[key.state]}>{key.state}</Badge>
                </td>
                <td className="px-3 py-2 text-sm text-slate-800">{formatDateTime(key.expiresAt)}</td>
                <td className="px-3 py-2 text-sm text-slate-800">{key.lastUsedAt ? `${formatDateTime(key.lastUsedAt)}${key.lastUsedFrom ? ` from ${key.lastUsedFrom}` : ''}` : 'never'}</td>
                <td className="px-3 py-2 text-sm">
                  {key.canRevoke ? <RevokeApiKeyButton keyId={key.id} name={key.name} prefix={key.prefix} ownerEmail={key.owner.email} own={key.owner.id === context.actor.id} /> : null}
                </td>
              </tr>
            ))}
          </DataTable>
        </PagedList>
      </section>
    </>
  );
}
