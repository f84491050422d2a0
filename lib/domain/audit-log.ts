// Reading the audit log: newest first, filtered and paginated in SQL (STYLE.md habit 6). Returns
// DTOs with only what the Audit page shows; `details` and fingerprints stay in the database.
import 'server-only';
import { z } from 'zod';
import { authorize } from '@/lib/auth/authorize';
import type { AuditOutcome } from '@/lib/audit/record';
import { getDb, type Prisma } from '@/lib/db';
import { escapeLike } from '@/lib/db/like';
import { textSchema } from '@/lib/validations/text';
import { fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import type { RequestContext } from './context';

export const AUDIT_OUTCOMES = ['succeeded', 'refused', 'invalid', 'failed'] as const satisfies readonly AuditOutcome[];

export const AUDIT_PAGE_SIZE = 50;

const optionalFilter = <Schema extends z.ZodType>(schema: Schema) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

export const listAuditEventsSchema = z.strictObject({
  page: z.coerce.number({ error: 'Enter a page number.' }).int().min(1).max(100000).default(1),
  outcome: optionalFilter(z.enum(AUDIT_OUTCOMES, { error: 'Choose succeeded, refused, invalid or failed.' })),
  action: optionalFilter(
    z
      .string()
      .trim()
      .regex(/^[a-z_.]{1,60}$/, 'Enter an action name such as user.invite (lower-case letters, dots and underscores).'),
  ),
  actor: optionalFilter(textSchema({ max: 254 })),
});

export type AuditEventQuery = z.output<typeof listAuditEventsSchema>;

export interface AuditEventSummary {
  /** BigInt in the database; a string here so that it survives JSON and the RSC payload. */
  seq: string;
  occurredAt: string;
  actorEmail: string | null;
  actorRole: string | null;
  /** The actor is what a caller without a session typed or named, not a verified identity. */
  actorClaimed: boolean;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  clientAddress: string | null;
}

export interface AuditEventPage {
  events: AuditEventSummary[];
  total: number;
  page: number;
  pageSize: number;
  query: AuditEventQuery;
}

const summarySelect = {
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
} satisfies Prisma.AuditEventSelect;

type AuditEventRow = Prisma.AuditEventGetPayload<{ select: typeof summarySelect }>;

function toSummary(row: AuditEventRow): AuditEventSummary {
  return {
    seq: row.seq.toString(),
    occurredAt: row.occurredAt.toISOString(),
    actorEmail: row.actorEmail,
    actorRole: row.actorRole,
    actorClaimed: row.actorClaimed,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    outcome: row.outcome,
    reason: row.reason,
    clientAddress: row.clientAddress,
  };
}

function whereFor(query: AuditEventQuery): Prisma.AuditEventWhereInput {
  return {
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.actor ? { actorEmail: { contains: escapeLike(query.actor), mode: 'insensitive' } } : {}),
  };
}

export async function listAuditEvents(context: RequestContext, rawQuery: unknown): Promise<ActionResult<AuditEventPage>> {
  const decision = authorize(context.actor, 'audit.read');
  if (!decision.allowed) return fail('forbidden', 'You do not have permission to read the audit log.');
  const parsed = listAuditEventsSchema.safeParse(rawQuery);
  if (!parsed.success) return fail('invalid_input', 'Some filters are not valid.', fieldErrorsOf(parsed.error));
  const query = parsed.data;
  const where = whereFor(query);
  const db = getDb();
  const [rows, total] = await Promise.all([
    db.auditEvent.findMany({
      where,
      select: summarySelect,
      // seq is the log's order (occurredAt can tie or step back with the clock).
      orderBy: [{ seq: 'desc' }],
      skip: (query.page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
    }),
    db.auditEvent.count({ where }),
  ]);
  return ok({ events: rows.map(toSummary), total, page: query.page, pageSize: AUDIT_PAGE_SIZE, query });
}
