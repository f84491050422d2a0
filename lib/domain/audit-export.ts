// Exporting the audit log (issue 15 §6): the rows of the current filter as CSV or NDJSON, streamed
// from the database in batches of EXPORT_BATCH_SIZE (keyset pagination on seq: one batch in memory
// at a time, whatever the size of the log), oldest first. Every export is audited, with its filter
// and format, before the first byte. The token fingerprint is not exported (SECURITY.md T1/L3:
// an export leaves Keywarden); the mac is, so an excerpt can be matched with the chain's head.
import 'server-only';
import { stringify } from 'csv-stringify/sync';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import { getDb, type Prisma } from '@/lib/db';
import { fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import { auditExportSchema, auditFilterSchema, type AuditExportFormat, type AuditFilters } from '@/lib/validations/audit';
import { auditLogViewed, auditWhere, describeDetails, filterDescription, summarySelect } from './audit-log';
import type { VendorProfile } from '@/lib/vendor';
import type { RequestContext } from './context';
import { configuredVendor } from './platformsh-connection';

export const EXPORT_BATCH_SIZE = 1000;

/** The columns of both formats, in order (NDJSON uses the same names as keys). */
export const AUDIT_EXPORT_COLUMNS = [
  'seq',
  'occurred_at',
  'actor_email',
  'actor_role',
  'actor_claimed',
  'action',
  'event',
  'outcome',
  'target_type',
  'target_id',
  'target_name',
  'token_label',
  'reason',
  'before',
  'after',
  'step',
  'client_address',
  'details',
  'mac',
] as const;

type ExportColumn = (typeof AUDIT_EXPORT_COLUMNS)[number];
type ExportRecord = Record<ExportColumn, string | boolean | null | Prisma.JsonValue>;

const exportSelect = { ...summarySelect, mac: true } satisfies Prisma.AuditEventSelect;
type ExportRow = Prisma.AuditEventGetPayload<{ select: typeof exportSelect }>;

function toRecord(row: ExportRow, vendor: VendorProfile): ExportRecord {
  const described = describeDetails(row, vendor);
  return {
    seq: row.seq.toString(),
    occurred_at: row.occurredAt.toISOString(),
    actor_email: row.actorEmail,
    actor_role: row.actorRole,
    actor_claimed: row.actorClaimed,
    action: row.action,
    event: described.event,
    outcome: row.outcome,
    target_type: row.targetType,
    target_id: row.targetId,
    target_name: described.targetName,
    token_label: described.tokenLabel,
    reason: row.reason,
    before: described.change?.before ?? null,
    after: described.change?.after ?? null,
    step: described.step,
    client_address: row.clientAddress,
    details: row.details,
    mac: row.mac,
  };
}

/** One batch as text: CSV lines (the header before the first), or one JSON object per line. */
function encodeBatch(format: AuditExportFormat, records: ExportRecord[], first: boolean): string {
  if (format === 'ndjson') return records.map((record) => `${JSON.stringify(record)}\n`).join('');
  const rows = records.map((record) => AUDIT_EXPORT_COLUMNS.map((column) => {
    const value = record[column];
    if (value === null || value === undefined) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }));
  // escape_formulas: a value someone typed (an e-mail at a sign-in attempt) that starts with = + - @
  // is prefixed with a quote, so that a spreadsheet shows it instead of running it (CSV injection).
  return stringify(rows, { header: first, columns: [...AUDIT_EXPORT_COLUMNS], escape_formulas: true, record_delimiter: 'unix' });
}

/** Streams the rows matching `filters`, oldest first, batch after batch (never the whole log in memory). */
export function auditExportStream(filters: AuditFilters, format: AuditExportFormat, options: { batchSize?: number; after?: bigint } = {}): ReadableStream<Uint8Array> {
  const where = auditWhere(filters);
  const batchSize = options.batchSize ?? EXPORT_BATCH_SIZE;
  const encoder = new TextEncoder();
  // `after`: a SIEM's cursor (the last seq it has), so that polling reads only what is new.
  let after = options.after ?? -1n;
  let first = true;
  const vendor = configuredVendor();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const rows = await getDb().auditEvent.findMany({ where: { AND: [where, { seq: { gt: after } }] }, select: exportSelect, orderBy: { seq: 'asc' }, take: batchSize });
      if (rows.length === 0) {
        // A CSV of no rows still names its columns.
        if (first && format === 'csv') controller.enqueue(encoder.encode(encodeBatch(format, [], true)));
        controller.close();
        return;
      }
      after = rows[rows.length - 1]!.seq;
      controller.enqueue(encoder.encode(encodeBatch(format, rows.map((row) => toRecord(row, vendor)), first)));
      first = false;
    },
  });
}

export interface AuditExport {
  format: AuditExportFormat;
  fileName: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

/** Authorizes (audit.export), validates the filter, audits the export, and hands back its stream. */
export async function exportAuditLog(context: RequestContext, rawQuery: Record<string, string | undefined>): Promise<ActionResult<AuditExport>> {
  const db = getDb();
  const audit = (outcome: 'succeeded' | 'refused' | 'invalid', reason?: string, details?: Prisma.InputJsonValue) =>
    recordAudit(db, { actor: context.actor, action: 'audit.export', outcome, reason, clientAddress: context.clientAddress, target: { type: 'audit_log' }, details });
  const decision = authorize(context.actor, 'audit.export');
  if (!decision.allowed) {
    await audit('refused', decision.reason);
    return fail('forbidden', 'You do not have permission to export the audit log.');
  }
  const filters = auditFilterSchema.safeParse(rawQuery);
  const format = auditExportSchema.safeParse(rawQuery);
  if (!filters.success || !format.success) {
    await audit('invalid', 'export filters failed validation');
    return fail('invalid_input', 'Some filters are not valid.', { ...(filters.success ? {} : fieldErrorsOf(filters.error)), ...(format.success ? {} : fieldErrorsOf(format.error)) });
  }
  const chosen = format.data.format;
  await audit('succeeded', undefined, { format: chosen, filter: JSON.stringify(filterDescription(filters.data)) });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return ok({
    format: chosen,
    fileName: `keywarden-audit-${stamp}.${chosen}`,
    contentType: chosen === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    body: auditExportStream(filters.data, chosen),
  });
}

export type AuditRecord = ExportRecord;

export const AUDIT_POLL_DEFAULT_LIMIT = 100;
export const AUDIT_POLL_MAX_LIMIT = 1000;

export type AuditPoll =
  | { format: 'json'; events: AuditRecord[]; nextSince: string | null }
  | { format: 'ndjson'; body: ReadableStream<Uint8Array> };

/**
 * The REST API's audit feed (`GET /api/v1/audit`): the rows after `since` (a seq), oldest first, in
 * the export's record shape — a page of at most `limit` as JSON, or everything after `since` as a
 * streamed NDJSON export. JSON needs audit.read, NDJSON audit.export (the same roles today). The
 * read is audited like a view of the Audit page (once per person and filter in a window), so that a
 * SIEM polling every minute does not write a row per poll that its next poll would read back.
 */
export async function pollAuditLog(
  context: RequestContext,
  request: { filters: AuditFilters; since: bigint | null; limit: number; format: 'json' | 'ndjson' },
): Promise<ActionResult<AuditPoll>> {
  const permission = request.format === 'ndjson' ? 'audit.export' : 'audit.read';
  const decision = authorize(context.actor, permission);
  if (!decision.allowed) {
    await recordAudit(getDb(), { actor: context.actor, action: permission, outcome: 'refused', reason: decision.reason, clientAddress: context.clientAddress, target: { type: 'audit_log' } });
    return fail('forbidden', 'You do not have permission to read the audit log.');
  }
  await auditLogViewed(context, request.filters);
  const after = request.since ?? -1n;
  if (request.format === 'ndjson') return ok({ format: 'ndjson', body: auditExportStream(request.filters, 'ndjson', { after }) });
  const rows = await getDb().auditEvent.findMany({
    where: { AND: [auditWhere(request.filters), { seq: { gt: after } }] },
    select: exportSelect,
    orderBy: { seq: 'asc' },
    take: request.limit,
  });
  const last = rows[rows.length - 1];
  const vendor = configuredVendor();
  return ok({ format: 'json', events: rows.map((row) => toRecord(row, vendor)), nextSince: last ? last.seq.toString() : request.since?.toString() ?? null });
}
