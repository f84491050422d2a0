// What a rule saw, as a definition list: keys in words, dates in UTC, lists joined.
import { formatDateTime } from '@/lib/utils';

type EvidenceValue = string | number | boolean | null | EvidenceValue[] | { [key: string]: EvidenceValue };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** `daysOverdue` → "Days overdue". */
export function labelOf(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatEvidence(value: EvidenceValue): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return ISO_DATE.test(value) ? formatDateTime(value) : value;
  if (Array.isArray(value)) return value.length ? value.map(formatEvidence).join(', ') : 'none';
  return Object.entries(value)
    .map(([key, inner]) => `${labelOf(key)}: ${formatEvidence(inner)}`)
    .join('; ');
}

export function Evidence({ evidence }: { evidence: Record<string, EvidenceValue> }) {
  const entries = Object.entries(evidence);
  if (entries.length === 0) return null;
  return (
    <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="font-medium text-slate-700">{labelOf(key)}</dt>
          <dd className="break-words text-slate-900">{formatEvidence(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
