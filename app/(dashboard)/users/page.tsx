import type { Metadata } from 'next';
import Link from 'next/link';
import { AssignableProjectsProvider } from '@/components/users/assignable-projects';
import { InviteUserDialog } from '@/components/users/invite-user-dialog';
import { PagedList } from '@/components/ui/pagination';
import { UserSearchForm } from '@/components/users/user-search-form';
import { UsersTable } from '@/components/users/users-table';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { auditRefusedRead, listAssignableProjects, listUsers } from '@/lib/domain/users';
import { firstValue, type SearchParams } from '@/lib/utils';
import { PageForbidden } from '@/components/shell/refusal-pages';

export const metadata: Metadata = { title: 'Users' };

const DESCRIPTION = 'People who can sign in to Keywarden, and what each of them may do.';
const MAX_QUERY_LENGTH = 100;
const MAX_PAGE = 100000;


/** A hand-edited URL falls back to the first page rather than an error page. */
function pageFrom(value: string | string[] | undefined): number {
  const text = firstValue(value)?.trim() ?? '';
  if (!/^\d{1,6}$/.test(text)) return 1;
  const page = Number(text);
  return page >= 1 && page <= MAX_PAGE ? page : 1;
}

function queryFrom(value: string | string[] | undefined): string {
  const text = firstValue(value)?.trim() ?? '';
  return text.length <= MAX_QUERY_LENGTH ? text : '';
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const context = await requirePageContext();
  if (!authorize(context.actor, 'user.list').allowed) {
    await auditRefusedRead(context, 'user.list');
    return <PageForbidden />;
  }

  const params = await searchParams;
  const page = pageFrom(params.page);
  const query = queryFrom(params.q);
  const canManage = authorize(context.actor, 'user.invite').allowed;
  const canSeeSessions = authorize(context.actor, 'user.read_sessions').allowed;
  const [result, projects] = await Promise.all([listUsers(context, { page, query }), listAssignableProjects(context)]);

  const content = (
    <>
      <PageHeader
        title="Users"
        description={DESCRIPTION}
        actions={
          canManage || canSeeSessions ? (
            <>
              {canSeeSessions ? (
                <Link href="/users/sessions" className={buttonClasses('secondary')}>
                  Sessions
                </Link>
              ) : null}
              {canManage ? <InviteUserDialog /> : null}
            </>
          ) : undefined
        }
      />
      {canManage ? null : (
        <div className="mb-4">
          <Alert tone="info">Reviewers can see users but not change them.</Alert>
        </div>
      )}
      <UserSearchForm query={query} />
      {!result.ok ? (
        <Alert tone="error">{result.error.message}</Alert>
      ) : (
        <PagedList
          noun="users"
          basePath="/users"
          params={{ q: query }}
          list={result.data}
          shownCount={result.data.users.length}
          label="Users pages"
          empty={
            <EmptyState
              title={query ? `No users match “${query}”` : 'No users yet'}
              action={
                query ? (
                  <Link href="/users" className={buttonClasses('secondary')}>
                    Show all users
                  </Link>
                ) : undefined
              }
            >
              {query ? 'The search looks at e-mail addresses and names.' : canManage ? 'Invite the first user with Invite user.' : null}
            </EmptyState>
          }
        >
          <UsersTable
            users={result.data.users}
            projects={projects}
            currentUserId={context.actor.id}
            canManage={canManage}
            caption={query ? `Dashboard users matching “${query}”, page ${result.data.page}` : `Dashboard users, page ${result.data.page}`}
          />
        </PagedList>
      )}
    </>
  );

  return canManage ? <AssignableProjectsProvider projects={projects}>{content}</AssignableProjectsProvider> : content;
}
