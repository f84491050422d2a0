// Reading the audit log (issue 15 §6, issue 14.11): filtered, sorted and paginated in SQL with the
// state in the URL (STYLE.md habit 6). Returns DTOs with what the Audit page shows: the target's name
// and a link beside its id, the reason, before → after for changes. Fingerprints and macs stay in
// the database. Viewing is audited here too, at most once per person and filter every
// VIEW_AUDIT_WINDOW_MINUTES (a page view per click would flood the log it protects).
import 'server-only';
import { AUDIT_ACTIONS, auditActionGroup } from '@/lib/audit/actions';
import { auditActionLabel, describeAuditEvent } from '@/lib/audit/labels';
import { recordAudit, type AuditOutcome } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import { getDb, Prisma } from '@/lib/db';
import { escapeLike } from '@/lib/db/like';
import { fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import { auditFilterSchema, auditOrderSchema, type AuditEventQuery, type AuditFilters, type AuditSort } from '@/lib/validations/audit';
import { withholdTokenLike } from '@/lib/validations/text';
import type { RequestContext } from './context';
import { configuredVendor } from './platformsh-connection';
import type { VendorProfile } from '@/lib/vendor';

export { AUDIT_OUTCOMES } from '@/lib/validations/audit';
export type { AuditEventQuery } from '@/lib/validations/audit';

export const AUDIT_PAGE_SIZE = 50;

/** A page view is audited again after this long, or when its filters change. */
export const VIEW_AUDIT_WINDOW_MINUTES = 15;

export interface AuditEventSummary {
  /** BigInt in the database; a string here so that it survives JSON and the RSC payload. */
  seq: string;
  occurredAt: string;
  actorEmail: string | null;
  actorRole: string | null;
  /** The actor is what a caller without a session typed or named, not a verified identity. */
  actorClaimed: boolean;
  action: string;
  /** The action and its step in words (lib/audit/labels.ts); `action` is the code name beside it. */
  event: string;
  targetType: string | null;
  targetId: string | null;
  /** What a person calls the target, as it was when the row was written. */
  targetName: string | null;
  /** Where the target's page is, when it has one. */
  targetHref: string | null;
  /** "name …last four" of the token a row is about. */
  tokenLabel: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  /** A change: what it was, and what it became. */
  change: { before: string; after: string } | null;
  /** The step of a multi-step operation (recorded, invitation_sent, …). */
  step: string | null;
  clientAddress: string | null;
}

export interface AuditEventPage {
  events: AuditEventSummary[];
  total: number;
  page: number;
  pageSize: number;
  query: AuditEventQuery;
}

export const summarySelect = {
  seq: true,
  occurredAt: true,
  actorEmail: true,
  actorRole: true,
  actorClaimed: true,
  action: true,
  targetType: true,
  targetId: true,
  outcome: true,
  reason: true,
  clientAddress: true,
  details: true,
} satisfies Prisma.AuditEventSelect;

export type AuditEventRow = Prisma.AuditEventGetPayload<{ select: typeof summarySelect }>;

function detailsOf(row: { details: Prisma.JsonValue }): Prisma.JsonObject {
  return typeof row.details === 'object' && row.details !== null && !Array.isArray(row.details) ? row.details : {};
}

function stringOf(value: Prisma.JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/** A value of a change as people read it: a list joined, settings as "name: value", nothing as "(none)". */
function formatChangeValue(value: Prisma.JsonValue | undefined): string {
  if (value === null || value === undefined || value === '') return '(none)';
  if (Array.isArray(value)) return value.length ? value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ') : '(none)';
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? entries.map(([key, item]) => `${key}: ${typeof item === 'string' ? item : JSON.stringify(item)}`).join('; ') : '(none)';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The two sides of a change. Writers name them `from`/`to` (roles, a user's role, projects) or
 * `before`/`after` (the organisation policy, the second-factor rule, notification settings, an
 * accepted risk): both are a change a reviewer must see.
 */
function changeOf(details: Prisma.JsonObject): { before: string; after: string } | null {
  if ('from' in details || 'to' in details) return { before: formatChangeValue(details.from), after: formatChangeValue(details.to) };
  if ('before' in details || 'after' in details) return { before: formatChangeValue(details.before), after: formatChangeValue(details.after) };
  return null;
}

/** The page of a target, when it has one (ids are URL-encoded: they come from the log). */
export function targetHref(type: string | null, id: string | null): string | null {
  if (!type || !id) return null;
  switch (type) {
    case 'machine_user':
      return `/machine-users/${encodeURIComponent(id)}`;
    case 'project':
      return `/projects/${encodeURIComponent(id)}`;
    case 'user':
      return '/users';
    default:
      return null;
  }
}

/** What a row says beyond its columns: the event in words, names, the change, the step (the export uses it too). */
export function describeDetails(row: Pick<AuditEventRow, 'action' | 'details' | 'targetType' | 'targetId'>, vendor: VendorProfile) {
  const details = detailsOf(row);
  return {
    event: describeAuditEvent(row.action, details, vendor),
    targetName: stringOf(details.targetName),
    tokenLabel: stringOf(details.tokenLabel),
    change: changeOf(details),
    step: stringOf(details.step),
  };
}

function toSummary(row: AuditEventRow, vendor: VendorProfile): AuditEventSummary {
  return {
    seq: row.seq.toString(),
    occurredAt: row.occurredAt.toISOString(),
    actorEmail: row.actorEmail,
    actorRole: row.actorRole,
    actorClaimed: row.actorClaimed,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    targetHref: targetHref(row.targetType, row.targetId),
    outcome: row.outcome,
    reason: row.reason,
    clientAddress: row.clientAddress,
    ...describeDetails(row, vendor),
  };
}

/** The filters as SQL (Prisma): every one of them narrows in the database, never in JavaScript. */
export function auditWhere(filters: AuditFilters): Prisma.AuditEventWhereInput {
  const conditions: Prisma.AuditEventWhereInput[] = [];
  if (filters.outcome) conditions.push({ outcome: filters.outcome });
  if (filters.action) conditions.push({ action: filters.action });
  if (filters.actor) conditions.push({ actorEmail: { contains: escapeLike(filters.actor), mode: 'insensitive' } });
  if (filters.targetType) conditions.push({ targetType: filters.targetType });
  if (filters.target) {
    const pattern = escapeLike(filters.target);
    conditions.push({
      OR: [
        { targetId: { contains: pattern, mode: 'insensitive' } },
        { details: { path: ['targetName'], string_contains: pattern, mode: 'insensitive' } },
        { details: { path: ['tokenLabel'], string_contains: pattern, mode: 'insensitive' } },
      ],
    });
  }
  // Whole days in UTC, as the page shows times: "to" includes that day.
  if (filters.from) conditions.push({ occurredAt: { gte: new Date(`${filters.from}T00:00:00.000Z`) } });
  if (filters.to) conditions.push({ occurredAt: { lt: new Date(new Date(`${filters.to}T00:00:00.000Z`).getTime() + 86_400_000) } });
  return conditions.length ? { AND: conditions } : {};
}

function auditOrder(sort: AuditSort, dir: 'asc' | 'desc'): Prisma.AuditEventOrderByWithRelationInput[] {
  // seq breaks ties in the same direction: it is the log's own order (occurredAt can tie or step back).
  const tieBreak = { seq: dir };
  switch (sort) {
    case 'time':
      return [tieBreak];
    case 'actor':
      return [{ actorEmail: { sort: dir, nulls: 'last' } }, tieBreak];
    case 'action':
      return [{ action: dir }, tieBreak];
    case 'target':
      return [{ targetType: { sort: dir, nulls: 'last' } }, { targetId: { sort: dir, nulls: 'last' } }, tieBreak];
    case 'outcome':
      return [{ outcome: dir }, tieBreak];
  }
}

/** Validates the URL state: filters with field errors, the order with fallbacks. */
export function parseAuditQuery(raw: unknown): ActionResult<AuditEventQuery> {
  const filters = auditFilterSchema.safeParse(raw ?? {});
  if (!filters.success) return fail('invalid_input', 'Some filters are not valid.', fieldErrorsOf(filters.error));
  return ok({ ...filters.data, ...auditOrderSchema.parse(raw ?? {}) });
}

export async function listAuditEvents(context: RequestContext, rawQuery: unknown): Promise<ActionResult<AuditEventPage>> {
  const decision = authorize(context.actor, 'audit.read');
  if (!decision.allowed) return fail('forbidden', 'You do not have permission to read the audit log.');
  const parsed = parseAuditQuery(rawQuery);
  if (!parsed.ok) return parsed;
  const query = parsed.data;
  const where = auditWhere(query);
  const db = getDb();
  const [rows, total] = await Promise.all([
    db.auditEvent.findMany({ where, select: summarySelect, orderBy: auditOrder(query.sort, query.dir), skip: (query.page - 1) * AUDIT_PAGE_SIZE, take: AUDIT_PAGE_SIZE }),
    db.auditEvent.count({ where }),
  ]);
  const vendor = configuredVendor();
  return ok({ events: rows.map((row) => toSummary(row, vendor)), total, page: query.page, pageSize: AUDIT_PAGE_SIZE, query });
}

// A token-like run is no email, id or name a reader searches for: it is a token pasted into the
// filter by mistake (or on purpose). The search may use it (the filters are `allowed` through,
// lib/validations/audit.ts); the audit row that records the search never keeps it (SECURITY.md
// T1), by the same shape free text is refused by. Found by the API canary scan.
const withheld = (text: string | undefined) => (text === undefined ? undefined : withholdTokenLike(text));

/**
 * The filters that narrow the list, in a stable text: what a view or an export is audited with —
 * the fields set, free text with anything token-like withheld.
 */
export function filterDescription(filters: AuditFilters): Record<string, string> {
  const entries = Object.entries({
    action: filters.action,
    actor: withheld(filters.actor),
    target: withheld(filters.target),
    targetType: filters.targetType,
    outcome: filters.outcome,
    from: filters.from,
    to: filters.to,
  }).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '');
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Audits a view of the audit log (issue 15 §6): once per person and filter within
 * VIEW_AUDIT_WINDOW_MINUTES — paging and sorting are the same view. Returns whether a row was written.
 */
export async function auditLogViewed(context: RequestContext, filters: AuditFilters, now = new Date()): Promise<boolean> {
  const filter = JSON.stringify(filterDescription(filters));
  const db = getDb();
  const recent = await db.auditEvent.findFirst({
    where: {
      actorId: context.actor.id,
      occurredAt: { gte: new Date(now.getTime() - VIEW_AUDIT_WINDOW_MINUTES * 60_000) },
      action: 'audit.read',
      outcome: 'succeeded',
      details: { path: ['filter'], equals: filter },
    },
    select: { seq: true },
  });
  if (recent) return false;
  await recordAudit(db, { actor: context.actor, action: 'audit.read', outcome: 'succeeded', clientAddress: context.clientAddress, target: { type: 'audit_log' }, details: { filter } });
  return true;
}

export interface AuditActionOption {
  value: string;
  label: string;
  group: string;
}

/**
 * The action list of the filter: every action Keywarden knows, plus any other the log holds (an
 * older name, an action added since). The log's distinct actions come from a loose index scan on
 * (action, seq): one index probe per distinct action, not a read of every row.
 */
export async function listAuditActions(): Promise<AuditActionOption[]> {
  const rows = await getDb().$queryRaw<{ action: string }[]>(Prisma.sql`
    WITH RECURSIVE actions(action) AS (
      (SELECT action FROM audit_events ORDER BY action LIMIT 1)
      UNION ALL
      SELECT (SELECT e.action FROM audit_events e WHERE e.action > actions.action ORDER BY e.action LIMIT 1)
      FROM actions WHERE actions.action IS NOT NULL
    )
    SELECT action FROM actions WHERE action IS NOT NULL`);
  const names = new Set<string>([...Object.keys(AUDIT_ACTIONS), ...rows.map((row) => row.action)]);
  const vendor = configuredVendor();
  return [...names]
    .map((value) => ({ value, label: auditActionLabel(value, vendor), group: auditActionGroup(value) }))
    // In words, so in the order of the words a reader scans (the code names sort differently).
    .sort((a, b) => a.group.localeCompare(b.group) || a.label.localeCompare(b.label) || a.value.localeCompare(b.value));
}
