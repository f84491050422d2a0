import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

interface ListPaginationProps {
  /** Where the list lives, e.g. "/users". */
  basePath: string;
  /** The list's other URL parameters (filters), kept on every page link. */
  params: Record<string, string | undefined>;
  page: number;
  pageSize: number;
  total: number;
  /** Rows on this page. */
  shownCount: number;
  /** Names the list for assistive technology, e.g. "Users pages". */
  label: string;
}

export function pageHref(basePath: string, params: Record<string, string | undefined>, page: number): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  if (page > 1) search.set('page', String(page));
  const query = search.toString();
  return query ? `${basePath}?${query}` : basePath;
}

/** Previous/Next links over a list whose state lives in the URL. */
export function ListPagination({ basePath, params, page, pageSize, total, shownCount, label }: ListPaginationProps) {
  const first = shownCount === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = shownCount === 0 ? 0 : first + shownCount - 1;
  const hasPrevious = page > 1;
  const hasNext = page * pageSize < total;
  const inactive = 'inline-flex items-center rounded-md px-2.5 py-1.5 text-sm text-slate-600';
  return (
    <nav aria-label={label} className="mt-4 flex flex-wrap items-center justify-between gap-3">
      <p className="text-sm text-slate-700">
        Showing {first}–{last} of {total}
      </p>
      {hasPrevious || hasNext ? (
        <div className="flex gap-2">
          {hasPrevious ? (
            <Link href={pageHref(basePath, params, page - 1)} className={buttonClasses('secondary', 'sm')} rel="prev">
              Previous
            </Link>
          ) : (
            <span className={inactive}>Previous</span>
          )}
          {hasNext ? (
            <Link href={pageHref(basePath, params, page + 1)} className={buttonClasses('secondary', 'sm')} rel="next">
              Next
            </Link>
          ) : (
            <span className={inactive}>Next</span>
          )}
        </div>
      ) : null}
    </nav>
  );
}

/**
 * A paginated list page's body: the table and its pagination; `empty` when nothing matches; and,
 * past the last page (an old link), a way back to the first one.
 */
export function PagedList({
  noun,
  empty,
  children,
  list,
  ...rest
}: Omit<ListPaginationProps, 'page' | 'pageSize' | 'total'> & {
  /** The page as the domain answered it. */
  list: { page: number; pageSize: number; total: number };
  /** Plural, e.g. "machine users". */
  noun: string;
  empty: ReactNode;
  children: ReactNode;
}) {
  const pagination = { ...rest, page: list.page, pageSize: list.pageSize, total: list.total };
  if (pagination.shownCount === 0 && pagination.total === 0) return empty;
  if (pagination.shownCount === 0) {
    return (
      <EmptyState
        title="This page is empty"
        action={
          <Link href={pageHref(pagination.basePath, pagination.params, 1)} className={buttonClasses('secondary')}>
            Go to the first page
          </Link>
        }
      >
        There are {pagination.total} {noun}, fewer than this page number needs.
      </EmptyState>
    );
  }
  return (
    <>
      {children}
      <ListPagination {...pagination} />
    </>
  );
}
