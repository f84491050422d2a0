// The counts at the top of the Findings view: open findings per severity (each a link to the list
// filtered by it), then accepted risks and resolved findings.
import Link from 'next/link';
import type { FindingSummary } from '@/lib/domain/findings/queries';
import { cn } from '@/lib/utils';
import { SEVERITY_LABEL, type SeverityName } from './severity';

const CARD: Record<SeverityName, string> = {
  critical: 'border-red-300 bg-red-50',
  high: 'border-red-200 bg-white',
  medium: 'border-amber-200 bg-white',
  low: 'border-slate-200 bg-white',
};

export function FindingsSummary({ summary }: { summary: FindingSummary }) {
  const severities = ['critical', 'high', 'medium', 'low'] as const;
  return (
    <section aria-labelledby="findings-summary" className="mb-6">
      <h2 id="findings-summary" className="sr-only">
        Summary
      </h2>
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {severities.map((severity) => (
          <li key={severity}>
            <Link
              href={`/review?severity=${severity}`}
              className={cn('block rounded-lg border p-3 hover:border-indigo-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700', CARD[severity])}
            >
              <span className="block text-2xl font-semibold text-slate-900">{summary.open[severity]}</span>
              <span className="text-sm text-slate-800">{SEVERITY_LABEL[severity]} open</span>
            </Link>
          </li>
        ))}
        <li>
          <Link href="/review?status=accepted" className="block rounded-lg border border-slate-200 bg-white p-3 hover:border-indigo-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700">
            <span className="block text-2xl font-semibold text-slate-900">{summary.accepted}</span>
            <span className="text-sm text-slate-800">Accepted risks</span>
          </Link>
        </li>
        <li>
          <Link href="/review?status=resolved" className="block rounded-lg border border-slate-200 bg-white p-3 hover:border-indigo-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700">
            <span className="block text-2xl font-semibold text-slate-900">{summary.resolved}</span>
            <span className="text-sm text-slate-800">Resolved</span>
          </Link>
        </li>
      </ul>
    </section>
  );
}
