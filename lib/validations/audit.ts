// The Audit page's URL state (`?action=&actor=&target=&targetType=&outcome=&from=&to=&sort=&dir=&page=`),
// shared by the page, the export route and the bench. Filters are validated (a bad one is reported
// on its field); sort, direction and page fall back to their defaults, as on every list.
import { z } from 'zod';
import { textSchema } from './text';

export const AUDIT_OUTCOMES = ['succeeded', 'refused', 'invalid', 'failed'] as const;
export const AUDIT_SORTS = ['time', 'actor', 'action', 'target', 'outcome'] as const;
export type AuditSort = (typeof AUDIT_SORTS)[number];
export const AUDIT_TARGET_TYPES = ['machine_user', 'project', 'user', 'token', 'inventory', 'audit_log', 'api_key'] as const;
export const AUDIT_EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

/** '' (an empty form field) is no filter. */
const optionalFilter = <Schema extends z.ZodType>(schema: Schema) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

const day = (label: string) =>
  z.iso.date({ error: `Enter the ${label} date as YYYY-MM-DD.` });

export const auditFilterSchema = z
  .object({
    outcome: optionalFilter(z.enum(AUDIT_OUTCOMES, { error: 'Choose succeeded, refused, invalid or failed.' })),
    action: optionalFilter(
      z
        .string()
        .trim()
        .regex(/^[a-z_.]{1,60}$/, 'Choose an action from the list (such as user.invite).'),
    ),
    // Filters of stored rows: a token-like filter matches nothing, and its description on the audit
    // log withholds it (lib/domain/audit-log.ts).
    actor: optionalFilter(textSchema({ max: 254, tokenLike: 'allowed' })),
    /** A target's id or name (part of it). */
    target: optionalFilter(textSchema({ max: 254, tokenLike: 'allowed' })),
    targetType: optionalFilter(z.enum(AUDIT_TARGET_TYPES, { error: 'Choose a kind of target from the list.' })),
    from: optionalFilter(day('first')),
    to: optionalFilter(day('last')),
  })
  .refine((filters) => !filters.from || !filters.to || filters.from <= filters.to, { path: ['to'], message: 'The last date comes on or after the first.' });

export type AuditFilters = z.output<typeof auditFilterSchema>;

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) => z.enum(values).catch(fallback);

export const auditOrderSchema = z.object({
  sort: oneOf(AUDIT_SORTS, 'time').default('time'),
  dir: oneOf(['asc', 'desc'], 'desc').default('desc'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

export type AuditOrder = z.output<typeof auditOrderSchema>;
export type AuditEventQuery = AuditFilters & AuditOrder;

export const auditExportSchema = z.object({ format: z.enum(AUDIT_EXPORT_FORMATS, { error: 'Choose CSV or NDJSON.' }) });
