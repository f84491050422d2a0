import type { Metadata } from 'next';
import { CreateWebhookForm, DeleteWebhookForm, WebhookTestForm } from '@/components/notifications/webhook-forms';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';
import { listWebhookEndpoints } from '@/lib/domain/notifications/webhooks';
import { EVENT_LABELS } from '@/lib/notifications/events';
import { formatDateTime } from '@/lib/utils';
import { PageForbidden } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Webhooks' };

const STATUS_TONES: Record<string, 'green' | 'amber' | 'red' | 'neutral'> = { succeeded: 'green', pending: 'amber', sending: 'amber', failed: 'red' };

export default async function WebhooksPage() {
  const context = await requirePageContext();
  const result = await listWebhookEndpoints(context);
  if (!result.ok) {
    return <PageForbidden />;
  }
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Keywarden POSTs each notification event once to the endpoints that want it, as JSON signed with the endpoint’s secret (the Keywarden-Signature header: HMAC-SHA256 over the timestamp, a dot and the body; see the README)."
      />
      <section aria-labelledby="new-endpoint" className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="new-endpoint" className="mb-3 text-base font-semibold text-slate-900">
          Register an endpoint
        </h2>
        <CreateWebhookForm />
      </section>
      <section aria-labelledby="endpoints" className="space-y-4">
        <h2 id="endpoints" className="text-base font-semibold text-slate-900">
          Endpoints
        </h2>
        {result.data.length === 0 ? <EmptyState title="No endpoints yet">Register one above.</EmptyState> : null}
        {result.data.map((endpoint) => (
          <article key={endpoint.id} aria-label={endpoint.url} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
            <h3 className="font-mono text-sm font-semibold break-all text-slate-900">{endpoint.url}</h3>
            <p className="text-sm text-slate-800">
              {endpoint.events.map((event) => EVENT_LABELS[event].label).join(' · ')}
              {endpoint.format === 'slack' ? ' · Slack-compatible body' : ''}
              {endpoint.allowPrivate ? ' · private targets allowed' : ''} · registered {formatDateTime(endpoint.createdAt)}
            </p>
            <div className="flex flex-wrap items-start gap-4">
              <WebhookTestForm endpointId={endpoint.id} url={endpoint.url} />
              <DeleteWebhookForm endpointId={endpoint.id} url={endpoint.url} />
            </div>
            {endpoint.deliveries.length === 0 ? (
              <p className="text-sm text-slate-700">No deliveries yet.</p>
            ) : (
              <DataTable label={`Deliveries to ${endpoint.url}`} caption="The last ten deliveries" columns={['Event', 'Status', 'Attempts', 'Last answer', 'Created']}>
                {endpoint.deliveries.map((delivery) => (
                  <tr key={delivery.id}>
                    <td className="px-3 py-2 text-sm text-slate-800">{delivery.event}</td>
                    <td className="px-3 py-2 text-sm">
                      <Badge tone={STATUS_TONES[delivery.status] ?? 'neutral'}>{delivery.status}</Badge>
                    </td>
                    <td className="px-3 py-2 text-sm text-slate-800">{delivery.attempts}</td>
                    <td className="px-3 py-2 text-sm text-slate-800">{delivery.lastError ?? (delivery.lastStatusCode ? `HTTP ${delivery.lastStatusCode}` : '—')}</td>
                    <td className="px-3 py-2 text-sm text-slate-800">{formatDateTime(delivery.createdAt)}</td>
                  </tr>
                ))}
              </DataTable>
            )}
          </article>
        ))}
      </section>
    </>
  );
}
