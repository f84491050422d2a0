import type { Metadata } from 'next';
import Link from 'next/link';
import { ChangePasswordForm } from '@/components/account/change-password-form';
import { EndSessionsForm, type SessionsConfirmation } from '@/components/account/end-sessions-form';
import { SessionsTable } from '@/components/account/sessions-table';
import { buttonClasses } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { ownAccount } from '@/lib/domain/account-password';
import { listOwnSessions, type SessionView } from '@/lib/domain/sessions';
import { ROLE_LABELS } from '@/lib/roles';
import { firstValue, formatDateTime, type SearchParams } from '@/lib/utils';
import { PageForbidden } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Account' };

const PAGE = '/account';
const SECTION = 'rounded-lg border border-slate-200 bg-white p-4';
const HEADING = 'mb-3 text-base font-semibold text-slate-900';

/** The confirmation the URL asks for (`?end=<session id>` or `?end=others`), when it still applies. */
function confirmationFor(end: string | undefined, sessions: SessionView[]): SessionsConfirmation | null {
  if (end === 'others') {
    const count = sessions.filter((session) => !session.isCurrent).length;
    if (count === 0) return null;
    return {
      fields: { scope: 'others' },
      title: 'End all your other sessions?',
      description: `${count === 1 ? 'Your other session' : `Your ${count} other sessions`} will be signed out at the next request. This session stays signed in.`,
      confirmLabel: 'End other sessions',
    };
  }
  const session = sessions.find((candidate) => candidate.id === end && !candidate.isCurrent);
  if (!session) return null;
  return {
    fields: { sessionId: session.id },
    title: 'End this session?',
    description: `${session.device} from ${session.clientAddress ?? 'an unknown address'}, signed in ${formatDateTime(session.createdAt)}, will be signed out at its next request.`,
    confirmLabel: 'End session',
  };
}

export default async function AccountPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  if (!authorize(context.actor, 'account.read').allowed) {
    return <PageForbidden />;
  }
  const [account, sessions] = await Promise.all([ownAccount(context), listOwnSessions(context)]);
  const end = firstValue((await searchParams).end);
  const confirmation = confirmationFor(end, sessions);
  const others = sessions.filter((session) => !session.isCurrent).length;

  return (
    <>
      <PageHeader
        title="Account"
        description={`Signed in as ${account.email}${account.name ? ` (${account.name})` : ''}, ${ROLE_LABELS[context.actor.role].toLowerCase()}.`}
      />
      <div className="space-y-6">
        <section aria-labelledby="password" className={SECTION}>
          <h2 id="password" className={HEADING}>
            Password
          </h2>
          {account.hasPassword ? (
            <>
              <p className="mb-4 max-w-prose text-sm text-slate-700">
                Changing your password signs out every other browser where you are signed in; this one stays signed in.
              </p>
              <ChangePasswordForm />
            </>
          ) : (
            <p className="max-w-prose text-sm text-slate-700">
              {account.isSso
                ? 'You sign in through single sign-on: your password (and its second factor) are managed by your identity provider.'
                : 'Your account has no password.'}
            </p>
          )}
        </section>

        <section aria-labelledby="two-factor" className={SECTION}>
          <h2 id="two-factor" className={HEADING}>
            Two-factor authentication
          </h2>
          <p className="mb-3 max-w-prose text-sm text-slate-700">A second step at sign-in: an authenticator app, a passkey, and recovery codes.</p>
          <Link href="/account/security" className={buttonClasses('secondary')}>
            Two-factor authentication
          </Link>
        </section>

        <section aria-labelledby="sessions">
          <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
            <h2 id="sessions" className="text-base font-semibold text-slate-900">
              Active sessions
            </h2>
            {others > 0 && !end ? (
              <Link href={`${PAGE}?end=others#confirm`} className={buttonClasses('secondary', 'sm')}>
                End all other sessions
              </Link>
            ) : null}
          </div>
          <p className="mb-3 max-w-prose text-sm text-slate-700">
            Each browser signed in as you. The browser is what it said it was when it signed in; the address is the one Keywarden saw. End any you do not recognise, then change your password.
          </p>
          {end ? <EndSessionsForm scope="own" returnHref={PAGE} confirmation={confirmation} /> : null}
          <SessionsTable
            label="Your sessions table"
            caption={`Your active sessions: ${sessions.length}`}
            sessions={sessions.map((session) => ({ ...session, endHref: session.isCurrent ? undefined : `${PAGE}?end=${session.id}#confirm` }))}
          />
        </section>
      </div>
    </>
  );
}
