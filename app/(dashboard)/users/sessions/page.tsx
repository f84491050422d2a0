import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { EndSessionsForm, type SessionsConfirmation } from '@/components/account/end-sessions-form';
import { SessionsTable } from '@/components/account/sessions-table';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { TextField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { PagedList } from '@/components/ui/pagination';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { auditRefusedSessionsRead, listActiveSessions, type UserSessionView } from '@/lib/domain/sessions';
import { firstValue, formatDateTime, type SearchParams } from '@/lib/utils';
import { PageForbidden } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Sessions' };

const PAGE = '/users/sessions';
const MAX_QUERY_LENGTH = 100;
const DESCRIPTION = 'Every browser signed in to Keywarden. Ending a session signs that browser out at its next request.';

function pageFrom(value: string | undefined): number {
  if (!value || !/^\d{1,6}$/.test(value)) return 1;
  return Math.max(1, Number(value));
}

function hrefWith(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const text = search.toString();
  return text ? `${PAGE}?${text}` : PAGE;
}

/** The confirmation the URL asks for: one session (`end`) or all of a user's (`endAll`), when on this page. */
function confirmationFor(params: { end?: string; endAll?: string }, sessions: UserSessionView[]): SessionsConfirmation | null {
  if (params.endAll) {
    const mine = sessions.filter((session) => session.userId === params.endAll);
    const email = mine[0]?.userEmail;
    if (!email) return null;
    return {
      fields: { userId: params.endAll },
      title: `End every session of ${email}?`,
      description: `Every browser signed in as ${email} is signed out at its next request${mine.some((session) => session.isCurrent) ? ', this one included' : ''}. They can sign in again; disable the user to stop that.`,
      confirmLabel: 'End all their sessions',
    };
  }
  const session = sessions.find((candidate) => candidate.id === params.end);
  if (!session) return null;
  return {
    fields: { userId: session.userId, sessionId: session.id },
    title: `End a session of ${session.userEmail}?`,
    description: `${session.device} from ${session.clientAddress ?? 'an unknown address'}, signed in ${formatDateTime(session.createdAt)}, is signed out at its next request.`,
    confirmLabel: 'End session',
  };
}

export default async function SessionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  if (!authorize(context.actor, 'user.read_sessions').allowed) {
    await auditRefusedSessionsRead(context);
    return <PageForbidden />;
  }

  const params = await searchParams;
  const rawQuery = firstValue(params.q)?.trim() ?? '';
  const query = rawQuery.length <= MAX_QUERY_LENGTH ? rawQuery : '';
  const page = pageFrom(firstValue(params.page));
  const result = await listActiveSessions(context, { page, query });
  const returnHref = hrefWith({ q: query, page: page > 1 ? String(page) : undefined });

  return (
    <>
      <PageHeader
        title="Sessions"
        description={DESCRIPTION}
        actions={
          <Link href="/users" className={buttonClasses('secondary')}>
            Back to Users
          </Link>
        }
      />
      <Form action={PAGE} role="search" aria-label="Sessions" className="mb-4 flex flex-wrap items-end gap-2">
        <div className="w-full max-w-sm">
          <TextField label="User’s e-mail" name="q" type="search" defaultValue={query} maxLength={MAX_QUERY_LENGTH} autoComplete="off" />
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </Form>
      {!result.ok ? (
        <Alert tone="error">{result.error.message}</Alert>
      ) : (
        <>
          {params.end || params.endAll ? (
            <EndSessionsForm
              scope="user"
              returnHref={returnHref}
              confirmation={confirmationFor({ end: firstValue(params.end), endAll: firstValue(params.endAll) }, result.data.sessions)}
            />
          ) : null}
          {query && result.data.sessions.length > 0 && new Set(result.data.sessions.map((session) => session.userId)).size === 1 ? (
            <p className="mb-3">
              <Link href={`${hrefWith({ q: query, endAll: result.data.sessions[0]!.userId })}#confirm`} className={buttonClasses('danger', 'sm')}>
                End every session of {result.data.sessions[0]!.userEmail}
              </Link>
            </p>
          ) : null}
          <PagedList
            noun="sessions"
            basePath={PAGE}
            params={{ q: query }}
            list={result.data}
            shownCount={result.data.sessions.length}
            label="Sessions pages"
            empty={<EmptyState title={query ? `No active sessions match “${query}”` : 'No active sessions'} />}
          >
            <SessionsTable
              label="Sessions table"
              caption={`Active sessions, page ${result.data.page}`}
              showUser
              sessions={result.data.sessions.map((session) => ({
                ...session,
                endHref: session.isCurrent ? undefined : `${hrefWith({ q: query, page: page > 1 ? String(page) : undefined, end: session.id })}#confirm`,
              }))}
            />
          </PagedList>
        </>
      )}
    </>
  );
}
