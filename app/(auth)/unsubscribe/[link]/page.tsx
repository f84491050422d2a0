// The confirm page of a notification e-mail's unsubscribe link (issue 17): says what the link turns
// off and for whom, and asks for one press — a real form that posts to the one-click address, so it
// works without JavaScript and without signing in. Opening the page changes nothing (mail scanners
// follow links); a bad or expired link is explained, never a 500.
import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { describeUnsubscribeLink } from '@/lib/domain/notifications/unsubscribe';
import { CHOICE_LABELS } from '@/lib/notifications/events';
import { unsubscribeOneClickPath } from '@/lib/notifications/unsubscribe-link';

export const metadata: Metadata = { title: 'Unsubscribe', referrer: 'no-referrer' };
export const dynamic = 'force-dynamic';

export default async function UnsubscribePage({ params, searchParams }: { params: Promise<{ link: string }>; searchParams: Promise<{ done?: string }> }) {
  const { link } = await params;
  const { done } = await searchParams;
  const described = await describeUnsubscribeLink(link);
  if (!described.ok) {
    return (
      <>
        <h1 className="mb-4 text-lg font-semibold text-slate-900">This link cannot be used</h1>
        <Alert tone="error">{described.error.message}</Alert>
        <p className="mt-4 text-sm text-slate-700">
          <Link className="text-sky-700 underline" href="/settings/notifications">
            Notification preferences
          </Link>{' '}
          (sign-in needed)
        </p>
      </>
    );
  }
  const { email, eventLabel, current } = described.data;
  if (done === '1' || current === 'none') {
    return (
      <>
        <h1 className="mb-4 text-lg font-semibold text-slate-900">{done === '1' ? 'Unsubscribed' : 'Already unsubscribed'}</h1>
        <Alert tone="success">
          {email} no longer receives e-mails about “{eventLabel}”. They still appear under the bell in Keywarden.
        </Alert>
        <p className="mt-4 text-sm text-slate-700">
          Changed your mind? Choose again in{' '}
          <Link className="text-sky-700 underline" href="/settings/notifications">
            Settings → Notifications
          </Link>
          .
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold text-slate-900">Stop these e-mails?</h1>
      <p className="mb-4 text-sm text-slate-700">
        {email} receives e-mails about <strong>“{eventLabel}”</strong> ({CHOICE_LABELS[current].toLowerCase()}). Unsubscribing stops them; they still appear under the bell in
        Keywarden, and other kinds of e-mail are not changed.
      </p>
      <form method="post" action={unsubscribeOneClickPath(link)}>
        <input type="hidden" name="from" value="page" />
        <Button type="submit">Unsubscribe from these e-mails</Button>
      </form>
    </>
  );
}
