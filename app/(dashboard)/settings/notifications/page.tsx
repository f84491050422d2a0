import type { Metadata } from 'next';
import Link from 'next/link';
import { NotificationSettingsForm } from '@/components/notifications/settings-form';
import { PreferencesForm } from '@/components/notifications/preferences-form';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';
import { getPreferencesView } from '@/lib/domain/notifications/settings';

export const metadata: Metadata = { title: 'Notification settings' };

const TRANSPORT_NOTES = {
  smtp: { tone: 'info', text: 'E-mail is sent through the SMTP server in KEYWARDEN_SMTP_URL.' },
  'sandbox-mailbox': { tone: 'info', text: 'Sandbox mode: e-mails are kept in the sandbox mailbox (Settings → Mailbox, admins) instead of being sent.' },
  disabled: { tone: 'warning', text: 'E-mail is off: KEYWARDEN_SMTP_URL is not set. Notifications appear in-app (the bell) only; an admin can configure SMTP.' },
} as const;

export default async function NotificationSettingsPage() {
  const context = await requirePageContext();
  const result = await getPreferencesView(context);
  if (!result.ok) {
    return (
      <>
        <PageHeader title="Notification settings" />
        <Alert tone="error">{result.error.message}</Alert>
      </>
    );
  }
  const view = result.data;
  const note = TRANSPORT_NOTES[view.mailTransport];
  return (
    <>
      <PageHeader
        title="Notification settings"
        description={
          <>
            How Keywarden tells you about tokens due for rotation and high findings. Everything also appears under the bell (
            <Link href="/notifications" className="font-medium underline">
              Notifications
            </Link>
            ).
          </>
        }
      />
      <div className="mb-6">
        <Alert tone={note.tone}>{note.text}</Alert>
      </div>
      <section aria-labelledby="own-preferences" className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="own-preferences" className="mb-3 text-base font-semibold text-slate-900">
          Your preferences
        </h2>
        <PreferencesForm own={view.own} defaults={view.settings.defaults} />
      </section>
      {view.canEditDefaults ? (
        <section aria-labelledby="organisation-defaults" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="organisation-defaults" className="mb-1 text-base font-semibold text-slate-900">
            Organisation defaults
          </h2>
          <p className="mb-3 max-w-prose text-sm text-slate-700">For everyone who has not chosen for themselves, and the reminder days for every token.</p>
          <NotificationSettingsForm defaults={view.settings.defaults} reminderDays={view.settings.reminderDays} revocationOpenHours={view.settings.revocationOpenHours} campaignDueDays={view.settings.campaignDueDays} />
        </section>
      ) : (
        <p className="text-sm text-slate-700">Reminders go out {view.settings.reminderDays.join(' and ')} days before a token’s rotate-by date, on the day, and weekly once it is past (set by admins).</p>
      )}
    </>
  );
}
