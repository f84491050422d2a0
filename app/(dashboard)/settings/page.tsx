import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { getEvidenceSigningKey } from '@/lib/config/evidence-key';
import { formatFingerprint } from '@/lib/evidence/format';
import { checkHealth } from '@/lib/domain/health';
import { configuredVendor, describeConnection } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const { actor } = await requirePageContext();
  // Links only to the pages this role may open (the others answer 403).
  const canReadJobs = authorize(actor, 'jobs.read').allowed;
  const canReadMailbox = authorize(actor, 'mailbox.read').allowed;
  const canManageWebhooks = authorize(actor, 'webhook.manage').allowed;
  const config = getConfig();
  const { productName } = configuredVendor();
  const [health, connection] = await Promise.all([checkHealth(), describeConnection()]);
  const rows: [string, React.ReactNode][] = [
    ['Version', config.version],
    [`${productName} connection`, config.platformsh.mode === 'live' ? <Badge tone="green">live</Badge> : <Badge tone="amber">sandbox (simulator)</Badge>],
    [
      `${productName} API`,
      connection.accountEmail
        ? `${connection.apiOrigin} — signed in as ${connection.accountEmail} (circuit ${connection.circuit})`
        : `${connection.apiOrigin ?? 'not connected'} — ${connection.problem ?? 'no answer'}`,
    ],
    ['Database', `${health.database.kind === 'pglite' ? 'PGlite (embedded, in the data directory)' : 'PostgreSQL server'} — ${health.database.reachable ? 'reachable' : 'unreachable'}`],
    ['Migrations', `${health.migrations.applied} of ${health.migrations.expected} applied (${health.migrations.state})`],
    ['Public URL', config.publicUrl.origin],
    ['E-mail', config.mail.transport === 'smtp' ? `SMTP (${new URL(config.mail.smtpUrl).host}), from ${config.mail.from}` : config.mail.transport === 'sandbox-mailbox' ? 'sandbox mailbox (no SMTP server configured)' : 'off — KEYWARDEN_SMTP_URL is not set'],
    ['Single sign-on', config.oidc ? `${config.oidc.displayName} (${config.oidc.issuer})` : 'not configured'],
    ['Secrets', Object.values(config.configuredSecrets).every(Boolean) ? 'from the environment' : 'generated in the data directory (mode 0600)'],
  ];
  const evidenceKey = getEvidenceSigningKey(config);
  return (
    <>
      <PageHeader title="Settings" description="How this Keywarden installation is configured. Settings come from environment variables (see the README); nothing secret is shown here." />
      <nav aria-label="Settings pages" className="mb-6">
        <ul className="space-y-2">
          <li>
            <Link href="/settings/api-keys" className="text-sm font-medium text-indigo-700 underline underline-offset-2">
              API keys — keys for scripts and systems that use the REST API
            </Link>
          </li>
          {canReadJobs ? (
            <li>
              <Link href="/settings/jobs" className="text-sm font-medium text-indigo-700 underline underline-offset-2">
                Jobs — the background work: inventory sync and findings, their schedules and failures
              </Link>
            </li>
          ) : null}
          <li>
            <Link href="/settings/notifications" className="text-sm font-medium text-indigo-700 underline underline-offset-2">
              Notifications — what reaches you by e-mail, and the organisation’s defaults
            </Link>
          </li>
          <li>
            <Link href="/account/security" className="text-sm font-medium text-indigo-700 underline underline-offset-2">
              Account security — your second factor (authenticator app, recovery codes) and who must use one
            </Link>
          </li>
          {canReadMailbox ? (
            <li>
              <Link href="/settings/mailbox" className="text-sm font-medium text-indigo-700 underline underline-offset-2">
                Mailbox — the e-mails the sandbox would have sent; send due reminders now
              </Link>
            </li>
          ) : null}
          {canManageWebhooks ? (
            <li>
              <Link href="/settings/webhooks" className="text-sm font-medium text-indigo-700 underline underline-offset-2">
                Webhooks — signed notification events for other systems
              </Link>
            </li>
          ) : null}
        </ul>
      </nav>
      <dl className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {rows.map(([label, value]) => (
          <div key={label} className="grid grid-cols-1 gap-1 px-4 py-3 sm:grid-cols-3">
            <dt className="text-sm font-medium text-slate-900">{label}</dt>
            <dd className="text-sm text-slate-800 sm:col-span-2">{value}</dd>
          </div>
        ))}
      </dl>
      <section aria-labelledby="evidence-key" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="evidence-key" className="text-base font-semibold text-slate-900">
          Evidence signing key
        </h2>
        <p className="mt-1 max-w-prose text-sm text-slate-700">
          Evidence packs are signed with this Ed25519 key ({evidenceKey.source === 'environment' ? 'from KEYWARDEN_EVIDENCE_KEY' : 'generated in the data directory, secrets/evidence-ed25519.pem'}). Give auditors the
          public key or its fingerprint through a channel other than the pack, so that they can check who signed it.
        </p>
        <dl className="mt-3 space-y-2 text-sm">
          <div>
            <dt className="font-medium text-slate-900">SHA-256 fingerprint (of the public key’s DER)</dt>
            <dd className="font-mono break-all text-slate-800">{formatFingerprint(evidenceKey.fingerprint)}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-900">Public key (PEM)</dt>
            <dd>
              <pre tabIndex={0} aria-label="Evidence public key" className="mt-1 overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs text-slate-900">
                {evidenceKey.publicKeyPem}
              </pre>
            </dd>
          </div>
        </dl>
      </section>
    </>
  );
}
