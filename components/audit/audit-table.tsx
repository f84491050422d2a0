import { Badge } from '@/components/ui/badge';
import type { AuditEventSummary } from '@/lib/domain/audit-log';
import type { AuditOutcome } from '@/lib/audit/record';

type AuditEventRow = AuditEventSummary;

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
  const headerCell = 'px-3 py-3 text-left text-xs font-semibold uppercase tracking-wide text-slate-700';
  const cell = 'px-3 py-2 align-top text-sm text-slate-800';
  return (
    // Focusable so that keyboard users can scroll the table sideways on a narrow screen.
    <div
      role="region"
      aria-label="Audit events table"
      tabIndex={0}
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700"
    >
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={headerCell}>Time (UTC)</th>
            <th scope="col" className={headerCell}>Actor</th>
            <th scope="col" className={headerCell}>Action</th>
            <th scope="col" className={headerCell}>Target</th>
            <th scope="col" className={headerCell}>Outcome</th>
            <th scope="col" className={headerCell}>Reason</th>
            <th scope="col" className={headerCell}>Client address</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {events.map((event) => (
            <tr key={event.seq}>
              <td className={`${cell} whitespace-nowrap font-mono text-xs`}>
                <time dateTime={event.occurredAt}>{formatEventTime(event.occurredAt)}</time>
              </td>
              <td className={cell}>
                <span className="whitespace-nowrap text-slate-900">{event.actorEmail ?? '—'}</span>
                <span className="block text-xs text-slate-700">{event.actorRole ?? 'not signed in'}</span>
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
        </tbody>
      </table>
    </div>
  );
}
