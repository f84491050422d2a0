import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import type { AuditEventSummary } from '@/lib/domain/audit-log';
import type { AuditOutcome } from '@/lib/audit/record';

type AuditEventRow = AuditEventSummary;

const AUDIT_COLUMNS = ['Time (UTC)', 'Actor', 'Action', 'Target', 'Outcome', 'Reason', 'Client address'];

const OUTCOME_TONES = { succeeded: 'green', invalid: 'amber', refused: 'red', failed: 'red' } as const satisfies Record<AuditOutcome, string>;

/** To the second, in UTC: the order of events within a minute matters when reading a log. */
function formatEventTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 19);
}

function Target({ event }: { event: AuditEventRow }) {
  if (!event.targetType) return <>—</>;
  return (
    <span className="inline-block min-w-48 break-all font-mono text-xs">
      {event.targetType}
      {event.targetId ? `:${event.targetId}` : ''}
    </span>
  );
}

export function AuditTable({ events, caption }: { events: readonly AuditEventRow[]; caption: string }) {
  const cell = 'px-3 py-2 align-top text-sm text-slate-800';
  return (
    <DataTable label="Audit events table" caption={caption} columns={AUDIT_COLUMNS}>
      {events.map((event) => (
        <tr key={event.seq}>
          <td className={`${cell} whitespace-nowrap font-mono text-xs`}>
            <time dateTime={event.occurredAt}>{formatEventTime(event.occurredAt)}</time>
          </td>
          <td className={cell}>
            <span className="whitespace-nowrap text-slate-900">{event.actorEmail ?? '—'}</span>
            <span className="block text-xs text-slate-700">
              {event.actorClaimed ? `claimed by a caller not signed in${event.actorRole ? ` (account: ${event.actorRole})` : ''}` : (event.actorRole ?? 'not signed in')}
            </span>
          </td>
          <td className={`${cell} whitespace-nowrap font-mono text-xs`}>{event.action}</td>
          <td className={cell}>
            <Target event={event} />
          </td>
          <td className={cell}>
            <Badge tone={OUTCOME_TONES[event.outcome]}>{event.outcome}</Badge>
          </td>
          <td className={`${cell} min-w-48 max-w-md break-words`}>{event.reason ?? '—'}</td>
          <td className={`${cell} whitespace-nowrap font-mono text-xs`}>{event.clientAddress ?? '—'}</td>
        </tr>
      ))}
    </DataTable>
  );
}
