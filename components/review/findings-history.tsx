// The Findings view's picture of the last 90 days: the chart (a client component, fed the numbers
// computed on the server), and the same numbers as a table in a disclosure under it — 90 rows would
// bury the list if always shown. Assistive technology reads the table; the chart is one image.
import { DataTable } from '@/components/ui/data-table';
import type { FindingsHistory as History } from '@/lib/domain/findings/history';
import { FindingsHistoryChart } from './findings-history-chart';
import { SEVERITY_LABEL } from './severity';

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

export function FindingsHistory({ history }: { history: History }) {
  const { days } = history;
  const first = days[0];
  const today = days.at(-1);
  return (
    <section aria-labelledby="findings-history" className="mb-6 min-w-0 rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
      <h2 id="findings-history" className="text-base font-semibold text-slate-900">
        Findings by severity over time
      </h2>
      <p className="mt-1 max-w-prose text-sm text-slate-700">
        Unresolved findings at the end of each day (UTC) over the last {history.windowDays} days, accepted risks included, whatever the filters below.
      </p>
      {!first || !today ? (
        <p className="mt-3 text-sm text-slate-700">No finding has been seen yet: the chart starts with the first one.</p>
      ) : (
        <>
          <div className="mt-3">
            <FindingsHistoryChart
              days={days}
              summary={`Unresolved findings per day by severity, from ${first.day} to ${today.day}. At the end of ${first.day}: ${first.total}. Now: ${today.total} (${SEVERITIES.map((severity) => `${today[severity]} ${severity}`).join(', ')}). The table under the chart gives every day's numbers.`}
            />
          </div>
          <details className="mt-3 text-sm">
            <summary className="cursor-pointer rounded-sm text-indigo-800 underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700">Show as a table</summary>
            <div className="mt-2">
              <DataTable
                label="Findings by severity over time, table"
                caption={`Unresolved findings at the end of each day, by severity, newest first, ${today.day} back to ${first.day}`}
                columns={['Day', ...SEVERITIES.map((severity) => SEVERITY_LABEL[severity]), 'Total']}
              >
                {days
                  .slice()
                  .reverse()
                  .map((day) => (
                    <tr key={day.day}>
                      <th scope="row" className="px-3 py-2 text-left text-sm font-normal whitespace-nowrap text-slate-900">
                        {day.day}
                      </th>
                      {SEVERITIES.map((severity) => (
                        <td key={severity} className="px-3 py-2 text-sm text-slate-900">
                          {day[severity]}
                        </td>
                      ))}
                      <td className="px-3 py-2 text-sm font-semibold text-slate-900">{day.total}</td>
                    </tr>
                  ))}
              </DataTable>
            </div>
          </details>
        </>
      )}
    </section>
  );
}
