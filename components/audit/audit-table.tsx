import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { DataTable, type ColumnSpec } from '@/components/ui/data-table';
import { pageHref } from '@/components/ui/pagination';
import type { AuditEventSummary } from '@/lib/domain/audit-log';
import type { AuditOutcome } from '@/lib/audit/record';
import type { AuditEventQuery, AuditSort } from '@/lib/validations/audit';
import { auditListParams, type AuditFilterValues } from './audit-list-params';

const OUTCOME_TONES = { succeeded: 'green', invalid: 'amber', refused: 'red', failed: 'red' } as const satisfies Record<AuditOutcome, string>;

/** To the second, in UTC: the order of events within a minute matters when reading a log. */
function formatEventTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 19);
}

function sortable(label: string, sort: AuditSort, filters: AuditFilterValues, order: Pick<AuditEventQuery, 'sort' | 'dir'>): ColumnSpec {
  const active = order.sort === sort;
  // A new column starts in the direction people expect of it: newest first for time, A→Z otherwise.
  const firstDir = sort === 'time' ? 'desc' : 'asc';
  const nextDir = active ? (order.dir === 'asc' ? 'desc' : 'asc') : firstDir;
  return {
    label,
    sortHref: pageHref('/audit', auditListParams(filters, { sort, dir: nextDir }), 1),
    sorted: active ? (order.dir === 'asc' ? 'ascending' : 'descending') : undefined,
  };
}

/** The target as people know it — its name, linking to its page — with its kind and id beside it. */
function Target({ event }: { event: AuditEventSummary }) {
  if (!event.targetType) return <>—</>;
  const name = event.targetName ?? event.targetId;
  return (
    <span className="inline-block min-w-48">
      {name ? (
        event.targetHref ? (
          <Link href={event.targetHref} className="break-words font-medium text-indigo-800 underline-offset-2 hover:underline">
            {name}
          </Link>
        ) : (
          <span className="break-words text-slate-900">{name}</span>
        )
      ) : null}
      <span className="block break-all font-mono text-xs text-slate-600">
        {event.targetType}
        {event.targetId ? `:${event.targetId}` : ''}
      </span>
      {event.tokenLabel ? <span className="block text-xs text-slate-700">token {event.tokenLabel}</span> : null}
    </span>
  );
}

/** The reason given, and for a change what it was and what it became (the step is in the Action column's words). */
function What({ event }: { event: AuditEventSummary }) {
  if (!event.reason && !event.change) return <>—</>;
  return (
    <>
      {event.reason ? <span className="block">{event.reason}</span> : null}
      {event.change ? (
        <span className="block text-xs text-slate-700">
          <span className="sr-only">Changed from </span>
          <span className="font-mono">{event.change.before}</span>
          <span aria-hidden="true"> → </span>
          <span className="sr-only"> to </span>
          <span className="font-mono">{event.change.after}</span>
        </span>
      ) : null}
    </>
  );
}

export function AuditTable({
  events,
  caption,
  filters,
  order,
}: {
  events: readonly AuditEventSummary[];
  caption: string;
  filters: AuditFilterValues;
  order: Pick<AuditEventQuery, 'sort' | 'dir'>;
}) {
  const cell = 'px-3 py-2 align-top text-sm text-slate-800';
  const columns = [
    sortable('Time (UTC)', 'time', filters, order),
    sortable('Actor', 'actor', filters, order),
    sortable('Action', 'action', filters, order),
    sortable('Target', 'target', filters, order),
    sortable('Outcome', 'outcome', filters, order),
    'Reason and change',
    'Client address',
  ];
  return (
    <DataTable label="Audit events table" caption={caption} columns={columns}>
      {events.map((event) => (
        <tr key={event.seq}>
          <td className={`${cell} whitespace-nowrap font-mono text-xs`}>
            <time dateTime={event.occurredAt}>{formatEventTime(event.occurredAt)}</time>
            <span className="block text-slate-600">#{event.seq}</span>
          </td>
          <td className={cell}>
            <span className="whitespace-nowrap text-slate-900">{event.actorEmail ?? '—'}</span>
            <span className="block text-xs text-slate-700">
              {event.actorClaimed ? `claimed by a caller not signed in${event.actorRole ? ` (account: ${event.actorRole})` : ''}` : (event.actorRole ?? 'not signed in')}
            </span>
          </td>
          <td className={`${cell} min-w-48`}>
            {/* The event in words (its step included); the code name beside it is what the filter and the export match on. */}
            <span className="block text-slate-900">{event.event}</span>
            <span className="block break-all font-mono text-xs text-slate-600">{event.action}</span>
          </td>
          <td className={cell}>
            <Target event={event} />
          </td>
          <td className={cell}>
            <Badge tone={OUTCOME_TONES[event.outcome]}>{event.outcome}</Badge>
          </td>
          <td className={`${cell} min-w-48 max-w-md break-words`}>
            <What event={event} />
          </td>
          <td className={`${cell} whitespace-nowrap font-mono text-xs`}>{event.clientAddress ?? '—'}</td>
        </tr>
      ))}
    </DataTable>
  );
}
