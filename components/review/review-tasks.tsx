// Tasks for admins that change and remove decisions create: on a campaign's page and on the machine
// user's page. Admins mark them done (audited); everyone else sees their state.
import Link from 'next/link';
import { DataTable } from '@/components/ui/data-table';
import type { ReviewTaskView } from '@/lib/domain/reviews/items';
import { formatDateTime } from '@/lib/utils';
import { DecisionBadge } from './campaign-items';
import { CompleteTaskForm } from './complete-task-form';

export function ReviewTasksTable({ tasks, canComplete, label, caption, showCampaign }: { tasks: ReviewTaskView[]; canComplete: boolean; label: string; caption: string; showCampaign?: boolean }) {
  const columns = [showCampaign ? 'Campaign' : 'Machine user', 'Asks to', 'Note', 'Requested', 'State'];
  return (
    <DataTable label={label} caption={caption} columns={columns}>
      {tasks.map((task) => (
        <tr key={task.itemId}>
          <td className="px-3 py-2 text-sm text-slate-900">
            {showCampaign ? (
              <Link href={`/review/campaigns/${task.campaign.id}`} className="text-indigo-800 underline">
                {task.campaign.name}
              </Link>
            ) : (
              <>
                <Link href={`/machine-users/${task.machineUser.id}`} className="text-indigo-800 underline">
                  {task.machineUser.email}
                </Link>
                <div className="text-xs text-slate-700">{task.machineUser.projectTitle}</div>
              </>
            )}
          </td>
          <td className="px-3 py-2 text-sm">
            <DecisionBadge kind={task.kind} />
          </td>
          <td className="max-w-md px-3 py-2 text-sm text-slate-800">{task.note}</td>
          <td className="px-3 py-2 text-sm text-slate-800">
            {formatDateTime(task.createdAt)}
            <div className="text-xs text-slate-700">by {task.requestedByEmail}</div>
          </td>
          <td className="px-3 py-2 text-sm text-slate-800">
            {task.doneAt ? (
              <>
                Done {formatDateTime(task.doneAt)}
                <div className="text-xs text-slate-700">by {task.doneByEmail}</div>
              </>
            ) : canComplete ? (
              <CompleteTaskForm itemId={task.itemId} machineUserId={task.machineUser.id} email={task.machineUser.email} />
            ) : (
              'Open'
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
