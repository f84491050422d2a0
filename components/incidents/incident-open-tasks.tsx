import Link from 'next/link';

export interface IncidentOpenTasksRow {
  incidentId: string;
  name: string;
  tokensToDelete: number;
  tokensWithVariablesLeft: number;
}

/** The Overview's list of incidents with open tasks (issue 18.3), until each is done. */
export function IncidentOpenTasks({ rows, productName }: { rows: IncidentOpenTasksRow[]; productName: string }) {
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="incident-tasks-heading" className="mb-8 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h2 id="incident-tasks-heading" className="text-lg font-semibold text-amber-950">
        Incident open tasks
      </h2>
      <ul className="mt-2 space-y-1 text-sm text-amber-950">
        {rows.map((row) => (
          <li key={row.incidentId}>
            <Link href={`/incidents/${row.incidentId}`} className="font-medium text-indigo-800 underline">
              {row.name}
            </Link>
            : {row.tokensToDelete} token{row.tokensToDelete === 1 ? '' : 's'} to delete on {productName} with a live token of its machine user
            {row.tokensWithVariablesLeft ? `, ${row.tokensWithVariablesLeft} with variables left` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
