import type { ReactNode } from 'react';

interface DataTableProps {
  /** Names the scrollable region for assistive technology, e.g. "Users table". */
  label: string;
  /** Read by screen readers before the table: what it lists and which page. */
  caption: string;
  columns: readonly string[];
  /** The <tr> rows. */
  children: ReactNode;
}

/**
 * A list table: labelled, captioned, with column headers, inside a region that scrolls sideways.
 * The region is focusable so that keyboard users can scroll it on a narrow screen.
 */
export function DataTable({ label, caption, columns, children }: DataTableProps) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700"
    >
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col" className="px-3 py-3 text-left text-xs font-semibold uppercase tracking-wide text-slate-700">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">{children}</tbody>
      </table>
    </div>
  );
}
