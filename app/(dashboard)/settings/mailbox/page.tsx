import type { Metadata } from 'next';
import { SendDueForm } from '@/components/notifications/send-due-form';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { requirePageContext } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { listSandboxMail } from '@/lib/domain/notifications/dispatch';
import { firstValue, formatDateTime, type SearchParams } from '@/lib/utils';
import { PageForbidden } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Mailbox' };

const TRANSPORT_NOTES = {
  'sandbox-mailbox': 'Sandbox mode without KEYWARDEN_SMTP_URL: the e-mails Keywarden would have sent are kept here instead.',
  smtp: 'E-mail goes to the SMTP server in KEYWARDEN_SMTP_URL: new messages do not appear here.',
  disabled: 'E-mail is off (KEYWARDEN_SMTP_URL is not set): notifications appear in-app only.',
} as const;

export default async function MailboxPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const requested = Number(firstValue((await searchParams).page));
  const result = await listSandboxMail(context, { page: Number.isInteger(requested) && requested > 0 && requested <= 100_000 ? requested : 1 });
  if (!result.ok) {
    return <PageForbidden />;
  }
  const { mails } = result.data;
  return (
    <>
      <PageHeader title="Mailbox" description={TRANSPORT_NOTES[getConfig().mail.transport]} />
      <section aria-labelledby="send-due" className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="send-due" className="mb-1 text-base font-semibold text-slate-900">
          Due reminders
        </h2>
        <p className="mb-3 max-w-prose text-sm text-slate-700">
          The scheduler sends reminders on its own. To try the loop now, send what is due: nothing already sent for the same occurrence is sent again.
        </p>
        <SendDueForm />
      </section>
      <section aria-labelledby="messages">
        <h2 id="messages" className="mb-3 text-base font-semibold text-slate-900">
          Messages
        </h2>
        <PagedList
          basePath="/settings/mailbox"
          params={{}}
          list={result.data}
          shownCount={mails.length}
          label="Mailbox pages"
          noun="messages"
          empty={<EmptyState title="No messages yet">Reminders appear here when a token’s rotate-by date is near.</EmptyState>}
        >
          <ul aria-label="Messages list" className="space-y-3">
            {mails.map((mail) => (
              <li key={mail.id}>
                <article aria-label={mail.subject} className="rounded-lg border border-slate-200 bg-white p-4">
                  <h3 className="text-sm font-semibold text-slate-900">{mail.subject}</h3>
                  <p className="mt-1 text-xs text-slate-600">
                    To {mail.to} · from {mail.from} · {formatDateTime(mail.createdAt)}
                  </p>
                  <pre tabIndex={0} aria-label={`Text of “${mail.subject}”`} className="mt-2 overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs whitespace-pre-wrap text-slate-900">
                    {mail.text}
                  </pre>
                </article>
              </li>
            ))}
          </ul>
        </PagedList>
      </section>
    </>
  );
}
