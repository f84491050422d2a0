import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { Truncated } from '@/components/ui/truncated';
import { formatDateTime } from '@/lib/utils';
import type { AssignableProject } from './project-checklist';
import { ROLE_LABELS } from '@/lib/roles';
import type { UserStatus, UserSummary as UserRow } from '@/lib/domain/users';
import { UserRowActions } from './user-row-actions';

const STATUS_TONES = { active: 'green', invited: 'indigo', disabled: 'neutral' } as const satisfies Record<UserStatus, string>;

interface UsersTableProps {
  users: readonly UserRow[];
  /** For project titles; the row actions read the same list from AssignableProjectsProvider. */
  projects: readonly AssignableProject[];
  currentUserId: string;
  canManage: boolean;
  caption: string;
}

function ProjectList({ user, titles }: { user: UserRow; titles: ReadonlyMap<string, string> }) {
  // Admins and reviewers are not scoped to projects.
  if (user.role !== 'onboarder') return <span className="whitespace-nowrap text-slate-700">All projects</span>;
  if (user.projectIds.length === 0) return <span className="text-slate-700">None assigned</span>;
  return (
    <ul className="space-y-0.5">
      {user.projectIds.map((projectId) => (
        <li key={projectId}>{titles.get(projectId) ?? projectId}</li>
      ))}
    </ul>
  );
}

/** Date and time on separate lines, so that a narrow column never breaks inside a date. */
function SignInTime({ iso }: { iso: string }) {
  const [date, ...time] = formatDateTime(iso).split(' ');
  return (
    <time dateTime={iso}>
      <span className="block whitespace-nowrap">{date}</span>
      <span className="block whitespace-nowrap">{time.join(' ')}</span>
    </time>
  );
}

const USER_COLUMNS = ['E-mail', 'Name', 'Role', 'Status', 'Projects', 'Last sign-in'];

export function UsersTable({ users, projects, currentUserId, canManage, caption }: UsersTableProps) {
  const titles = new Map(projects.map((project) => [project.id, project.title]));
  const cellBase = 'px-3 py-3 align-top text-sm';
  const cell = `${cellBase} text-slate-800`;
  return (
    <DataTable label="Users table" caption={caption} columns={canManage ? [...USER_COLUMNS, 'Actions'] : USER_COLUMNS}>
      {users.map((user) => {
        const isCurrentUser = user.id === currentUserId;
        return (
          <tr key={user.id}>
            <td className={`${cellBase} whitespace-nowrap font-medium text-slate-900`}>
              <Truncated value={user.email} maxWidth="max-w-64" />
              {isCurrentUser ? <span className="ml-1 font-normal text-slate-700">(you)</span> : null}
              {user.isSso ? (
                <span className="ml-2">
                  <Badge tone="indigo">SSO</Badge>
                </span>
              ) : null}
            </td>
            <td className={`${cell} min-w-32 break-words`}>{user.name ?? '—'}</td>
            <td className={cell}>
              <Badge tone={user.role === 'admin' ? 'indigo' : 'neutral'}>{ROLE_LABELS[user.role]}</Badge>
            </td>
            <td className={cell}>
              <Badge tone={STATUS_TONES[user.status]}>{user.status}</Badge>
            </td>
            <td className={cell}>
              <ProjectList user={user} titles={titles} />
            </td>
            <td className={cell}>{user.lastSignInAt ? <SignInTime iso={user.lastSignInAt} /> : 'Never'}</td>
            {canManage ? (
              <td className={`${cell} min-w-80`}>
                {isCurrentUser ? (
                  <span className="text-slate-700">Your own account</span>
                ) : (
                  <UserRowActions
                    user={{ id: user.id, email: user.email, role: user.role, status: user.status, projectIds: user.projectIds }}
                  />
                )}
              </td>
            ) : null}
          </tr>
        );
      })}
    </DataTable>
  );
}
