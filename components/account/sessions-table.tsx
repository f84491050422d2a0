// Live dashboard sessions: the Account page's own list and the admins' Sessions page. Ending one is
// a link to the page's confirmation step (no JavaScript needed), never a one-click action.
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { Truncated } from '@/components/ui/truncated';
import type { SessionView } from '@/lib/domain/sessions';
import { formatDateTime } from '@/lib/utils';

const CELL = 'px-3 py-2 text-sm text-slate-800';
const LINK = 'rounded-sm font-medium text-indigo-800 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';

export interface SessionRow extends SessionView {
  /** Shown in a first column when the table lists several users' sessions. */
  userEmail?: string;
  /** The confirmation step that ends it; none for the session in use (Sign out ends that one). */
  endHref?: string;
}

export function SessionsTable({ label, caption, sessions, showUser = false }: { label: string; caption: string; sessions: SessionRow[]; showUser?: boolean }) {
  return (
    <DataTable label={label} caption={caption} columns={[...(showUser ? ['User'] : []), 'Browser', 'Client address', 'Signed in', 'Last seen', 'Actions']}>
      {sessions.map((session) => (
        <tr key={session.id}>
          {showUser ? (
            <td className={CELL}>
              <Truncated value={session.userEmail ?? ''} maxWidth="max-w-64" />
            </td>
          ) : null}
          <td className={`${CELL} text-slate-900`}>
            <span className="flex flex-wrap items-center gap-2">
              {session.device}
              {session.isCurrent ? <Badge tone="green">This session</Badge> : null}
            </span>
          </td>
          <td className={`${CELL} font-mono`}>{session.clientAddress ?? 'unknown'}</td>
          <td className={CELL}>{formatDateTime(session.createdAt)}</td>
          <td className={CELL}>{formatDateTime(session.lastSeenAt)}</td>
          <td className={CELL}>
            {session.endHref ? (
              <Link href={session.endHref} className={LINK} aria-label={`End session: ${session.device} from ${session.clientAddress ?? 'an unknown address'}${showUser && session.userEmail ? `, ${session.userEmail}` : ''}`}>
                End session
              </Link>
            ) : (
              <span className="text-slate-600">Sign out to end it</span>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
