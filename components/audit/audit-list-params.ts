import type { AuditEventQuery, AuditFilters } from '@/lib/validations/audit';

/** The filters as the URL and the forms carry them ('' when unset). */
export type AuditFilterValues = Record<keyof AuditFilters, string>;

export const AUDIT_FILTER_KEYS = ['action', 'actor', 'target', 'targetType', 'outcome', 'from', 'to'] as const satisfies readonly (keyof AuditFilters)[];

/** The list's URL parameters other than the page (which a new sort or filter resets). */
export function auditListParams(filters: AuditFilterValues, order: Pick<AuditEventQuery, 'sort' | 'dir'>): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {};
  for (const key of AUDIT_FILTER_KEYS) params[key] = filters[key] || undefined;
  params.sort = order.sort === 'time' ? undefined : order.sort;
  params.dir = order.dir === 'desc' ? undefined : order.dir;
  return params;
}

/** Whether the list is narrowed by a filter (the sort does not narrow it). */
export function isAuditFiltered(filters: AuditFilterValues): boolean {
  return AUDIT_FILTER_KEYS.some((key) => filters[key] !== '');
}
