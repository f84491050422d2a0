import Link from 'next/link';
import type { ReactNode } from 'react';

/** A column header; with `sortHref`, a link that sorts the list by it (the state lives in the URL). */
export interface ColumnSpec {
  label: string;
  sortHref?: string;
  sorted?: 'ascending' | 'descending';
}

interface DataTableProps {
  /** Names the scrollable region for assistive technology, e.g. "Users table". */
  label: string;
  /** Read by screen readers before the table: what it lists and which page. */
  caption: string;
  columns: readonly (string | ColumnSpec)[];
  /** The <tr> rows. */
  children: ReactNode;
}

const headerClasses = 'px-3 py-3 text-left text-xs font-semibold uppercase tracking-wide text-slate-700';

function Header({ column }: { column: string | ColumnSpec }) {
  const spec = typeof column === 'string' ? { label: column } : column;
  if (!spec.sortHref) {
    return (
      <th scope="col" className={headerClasses}>
        {spec.label}
      </th>
    );
  }
  const arrow = spec.sorted === 'ascending' ? '▲' : spec.sorted === 'descending' ? '▼' : '';
  return (
    <th scope="col" className={headerClasses} aria-sort={spec.sorted ?? 'none'}>
      <Link
        href={spec.sortHref}
        className="inline-flex items-center gap-1 rounded-sm underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700"
      >
        {spec.label}
        <span aria-hidden="true">{arrow}</span>
      </Link>
    </th>
  );
}

/**
 * A list table: labelled, captioned, with column headers, inside a region that scrolls sideways
 * (the page itself never does). The region is focusable so that keyboard users can scroll it on a
 * narrow screen. Long values in cells: components/ui/truncated.tsx.
 */
export function DataTable({ label, caption, columns, children }: DataTableProps) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      // inline-size containment: the table's width never widens the page, whatever holds the card;
      // relative: visually hidden (absolute) text in the cells is clipped here, not by the page.
      className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white [contain:inline-size] focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700"
    >
      {/* Cells keep their words whole (the page wraps anywhere): a wide table scrolls instead. */}
      <table className="min-w-full divide-y divide-slate-200 [overflow-wrap:normal]">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            {columns.map((column) => (
              <Header key={typeof column === 'string' ? column : column.label} column={column} />
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">{children}</tbody>
      </table>
    </div>
  );
}
