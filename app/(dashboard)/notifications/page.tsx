import type { Metadata } from 'next';
import Link from 'next/link';
import { MarkReadForm } from '@/components/notifications/mark-read-form';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { requirePageContext } from '@/lib/auth/session';
import { listNotifications } from '@/lib/domain/notifications/inbox';
import { EVENT_LABELS } from '@/lib/notifications/events';
import { cn, firstValue, formatDateTime, type SearchParams } from '@/lib/utils';

export const metadata: Metadata = { title: 'Notifications' };

const EMAIL_STATES: Record<string, string> = {
  pending: 'e-mail queued',
  digest: 'in tomorrow’s digest',
  sending: 'e-mail being sent',
  sent: 'e-mailed',
  failed: 'e-mail failed',
  skipped: 'e-mail off',
};

export default async function NotificationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  const params = await searchParams;
  const filter = firstValue(params.filter) === 'unread' ? 'unread' : 'all';
  const requested = Number(firstValue(params.page));
  const result = await listNotifications(context, { filter, page: Number.isInteger(requested) && requested > 0 && requested <= 100_000 ? requested : 1 });
  if (!result.ok) {
    return (
      <>
        <PageHeader title="Notifications" />
        <Alert tone="error">{result.error.message}</Alert>
      </>
    );
  }
  const { notifications, unread } = result.data;
  const tab = (value: 'all' | 'unread', label: string) => (
    <Link
      href={value === 'all' ? '/notifications' : '/notifications?filter=unread'}
      aria-current={filter === value ? 'page' : undefined}
      className={cn('rounded-md px-3 py-1.5 text-sm font-medium', filter === value ? 'bg-indigo-100 text-indigo-900' : 'text-slate-800 underline underline-offset-2')}
    >
      {label}
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Notifications"
        description={
          <>
            What Keywarden told you: rotation reminders and high findings. Choose what reaches you by e-mail in{' '}
            <Link href="/settings/notifications" className="font-medium underline">
              Settings → Notifications
            </Link>
            .
          </>
        }
      />
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <nav aria-label="Notification filter" className="flex gap-2">
          {tab('all', 'All')}
          {tab('unread', `Unread (${unread})`)}
        </nav>
        {unread > 0 ? (
          <div className="ml-auto">
            <MarkReadForm />
          </div>
        ) : null}
      </div>
      <PagedList
        basePath="/notifications"
        params={{ filter: filter === 'unread' ? 'unread' : undefined }}
        list={result.data}
        shownCount={notifications.length}
        label="Notifications pages"
        noun="notifications"
        empty={<EmptyState title={filter === 'unread' ? 'Nothing unread' : 'No notifications yet'}>Reminders appear here before a token’s rotate-by date.</EmptyState>}
      >
        <ul aria-label="Notifications list" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {notifications.map((notification) => (
            <li key={notification.id} className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-start">
              <div className="min-w-0 flex-1 space-y-1">
                <p className="text-sm font-medium text-slate-900">
                  {notification.readAt ? null : (
                    <span className="mr-2">
                      <Badge tone="indigo">new</Badge>
                    </span>
                  )}
                  <Link href={notification.linkPath} className="underline underline-offset-2">
                    {notification.title}
                  </Link>
                </p>
                <p className="text-sm text-slate-800">{notification.body}</p>
                <p className="text-xs text-slate-600">
                  {EVENT_LABELS[notification.event].label} · {formatDateTime(notification.createdAt)}
                  {notification.email ? ` · ${EMAIL_STATES[notification.email.status] ?? notification.email.status}` : ' · in-app only'}
                  {notification.email?.lastError ? ` (${notification.email.lastError})` : ''}
                </p>
              </div>
              {notification.readAt ? null : <MarkReadForm notificationId={notification.id} title={notification.title} />}
            </li>
          ))}
        </ul>
      </PagedList>
    </>
  );
}
