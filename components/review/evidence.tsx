// What a rule saw, as a definition list: keys in words, dates in UTC, lists joined. Drift evidence
// (`differences`, lib/domain/findings/rules/both-sides.ts) is shown side by side: what Keywarden
// approved or set and when, against what Platform.sh has and when a sync saw it.
import { formatDateTime } from '@/lib/utils';

type EvidenceValue = string | number | boolean | null | EvidenceValue[] | { [key: string]: EvidenceValue };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** `daysOverdue` → "Days overdue"; `changedOnPlatformshAt` → "Changed on Platform.sh at" (Upsun's organisation: "Changed on Upsun at"). */
export function labelOf(key: string, productName: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\bplatformsh\b/g, productName);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatEvidence(value: EvidenceValue, productName: string): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return ISO_DATE.test(value) ? formatDateTime(value) : value;
  if (Array.isArray(value)) return value.length ? value.map((item) => formatEvidence(item, productName)).join(', ') : 'none';
  return Object.entries(value)
    .map(([key, inner]) => `${labelOf(key, productName)}: ${formatEvidence(inner, productName)}`)
    .join('; ');
}

interface Difference {
  where: string | null;
  keywarden: string;
  keywardenAt: string | null;
  platformsh: string;
  platformshAt: string | null;
  text: string;
}

const textOrNull = (value: EvidenceValue | undefined): value is string | null => value === null || typeof value === 'string';

/** The drift rules' differences, when `value` has their shape; null otherwise (shown as plain evidence). */
export function differencesOf(value: EvidenceValue | undefined): Difference[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const differences: Difference[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
    const { where, keywarden, keywardenAt, platformsh, platformshAt, text } = entry;
    if (typeof keywarden !== 'string' || typeof platformsh !== 'string' || typeof text !== 'string' || !textOrNull(where) || !textOrNull(keywardenAt) || !textOrNull(platformshAt)) return null;
    differences.push({ where, keywarden, keywardenAt, platformsh, platformshAt, text });
  }
  return differences;
}

function Side({ label, where, words, when, tone }: { label: string; where: string | null; words: string; when: string; tone: 'keywarden' | 'platformsh' }) {
  return (
    <div className={tone === 'keywarden' ? 'rounded-md border border-slate-200 bg-slate-50 p-2' : 'rounded-md border border-amber-300 bg-amber-50 p-2'}>
      <p className="text-xs font-semibold tracking-wide text-slate-700 uppercase">
        {label}
        {where ? ` · ${where}` : ''}
      </p>
      <p className="break-words text-slate-900">{words}</p>
      <p className="text-xs text-slate-700">{when}</p>
    </div>
  );
}

/** Both sides of each difference, Keywarden's beside the vendor's (stacked on a narrow screen). */
export function BothSides({ differences, productName }: { differences: Difference[]; productName: string }) {
  return (
    <ul aria-label={`Differences between Keywarden and ${productName}`} className="space-y-2 text-sm">
      {differences.map((difference) => (
        <li key={difference.text} className="grid gap-2 sm:grid-cols-2">
          <Side
            label="Keywarden"
            where={difference.where}
            words={difference.keywarden}
            when={difference.keywardenAt ? `Recorded ${formatDateTime(difference.keywardenAt)}` : 'Nothing recorded'}
            tone="keywarden"
          />
          <Side
            label={productName}
            where={difference.where}
            words={difference.platformsh}
            when={difference.platformshAt ? `Seen by the sync of ${formatDateTime(difference.platformshAt)}` : 'Not seen by a sync yet'}
            tone="platformsh"
          />
        </li>
      ))}
    </ul>
  );
}

export function Evidence({ evidence, productName }: { evidence: Record<string, EvidenceValue>; productName: string }) {
  const differences = differencesOf(evidence.differences);
  const entries = Object.entries(evidence).filter(([key]) => !(differences && key === 'differences'));
  if (entries.length === 0 && !differences) return null;
  return (
    <div className="space-y-2">
      {differences ? <BothSides differences={differences} productName={productName} /> : null}
      {entries.length > 0 ? (
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          {entries.map(([key, value]) => (
            <div key={key} className="contents">
              <dt className="font-medium text-slate-700">{labelOf(key, productName)}</dt>
              <dd className="break-words text-slate-900">{formatEvidence(value, productName)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
