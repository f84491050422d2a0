// The shape every bulk run of an incident shares (issue 18.3): the revocation (run.ts) and the
// rotation (rotation.ts) are both "a planned incident, its dry run done, executed once its name is
// typed again; one journalled run whose heartbeat moves while its process lives; resumed by an admin
// when the heartbeat stopped; a verification pass and a report on the incident and the audit log".
// What differs — what one item does, and what the report says — stays in their modules.
//
// Claims are conditional updates inside the audit row's transaction (L1): of two concurrent
// confirmations (or resumes) exactly one starts the run, and it is on the audit log before anything
// is sent to Platform.sh.
import 'server-only';
import type { z } from 'zod';
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb, type Prisma } from '@/lib/db';
import { fail, fieldErrorsOf } from '@/lib/errors';
import type { IncidentKind } from '@/lib/db/generated/enums';
import type { RequestContext } from '../context';
import { HEARTBEAT_EVERY_MS, INTERRUPTED_AFTER_MS } from '../tokens/interrupted';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

type Incident = Prisma.IncidentGetPayload<object>;

/** Whether a running incident's process has stopped (its heartbeat is stale). */
export function isInterrupted(incident: { status: string; heartbeatAt: Date | null }, now = new Date()): boolean {
  return incident.status === 'running' && (incident.heartbeatAt === null || incident.heartbeatAt.getTime() < now.getTime() - INTERRUPTED_AFTER_MS);
}

const WHAT: Record<IncidentKind, string> = { revocation: 'incident', rotation: 'bulk rotation' };

async function refuse(context: RequestContext, reason: string) {
  await recordAudit(getDb(), { actor: context.actor, action: 'incident.execute', outcome: 'refused', reason, clientAddress: context.clientAddress });
  return fail('forbidden', 'Only admins execute an incident.');
}

type Opened<Input> = { ok: true; incident: Incident; input: Input } | { ok: false; failure: ReturnType<typeof fail> };

/**
 * Authorize (incident.execute) → validate → the incident of this kind, planned, its dry run done,
 * its name typed again. Nothing is claimed yet: the caller may still check more (a rotation verifies
 * its bootstrap tokens) before `claimExecution`.
 */
export async function openExecution<Schema extends z.ZodType<{ incidentId: string; confirmName: string }>>(context: RequestContext, rawInput: unknown, kind: IncidentKind, schema: Schema): Promise<Opened<z.infer<Schema>>> {
  const db = getDb();
  const decision = authorize(context.actor, 'incident.execute');
  if (!decision.allowed) return { ok: false, failure: await refuse(context, decision.reason) };
  const parsed = schema.safeParse(rawInput);
  if (!parsed.success) {
    await recordAudit(db, { actor: context.actor, action: 'incident.execute', outcome: 'invalid', reason: 'input failed validation', clientAddress: context.clientAddress });
    return { ok: false, failure: fail('invalid_input', 'Please correct the highlighted fields.', fieldErrorsOf(parsed.error)) };
  }
  const input = parsed.data;
  const incident = await db.incident.findUnique({ where: { id: input.incidentId } });
  if (!incident || incident.kind !== kind) return { ok: false, failure: fail('not_found', `There is no such ${WHAT[kind]}.`) };
  if (incident.status !== 'planned') return { ok: false, failure: fail('conflict', `This ${WHAT[kind]} has already been executed.`) };
  if (!incident.dryRunAt) return { ok: false, failure: fail('conflict', `Run the dry run first: it reads every environment of the plan on ${configuredVendor().productName}.`) };
  if (input.confirmName !== incident.name) {
    await recordAudit(db, { actor: context.actor, action: 'incident.execute', outcome: 'invalid', reason: 'the confirmation did not match the incident’s name', clientAddress: context.clientAddress, target: { type: 'incident', id: incident.id } });
    return { ok: false, failure: fail('invalid_input', 'Type the incident’s name exactly to confirm.', { confirmName: [`Type “${incident.name}”.`] }) };
  }
  return { ok: true, incident, input };
}

/** planned → running, with its audit row; false when another confirmation was first. */
export async function claimExecution(context: RequestContext, incident: Incident, details: Record<string, Prisma.InputJsonValue> = {}): Promise<boolean> {
  return getDb().$transaction(async (tx) => {
    const { count } = await tx.incident.updateMany({ where: { id: incident.id, status: 'planned' }, data: { status: 'running', startedAt: new Date(), startedById: context.actor.id, heartbeatAt: new Date() } });
    if (count === 0) return false;
    const items = await tx.incidentItem.count({ where: { incidentId: incident.id } });
    await recordAudit(tx, { actor: context.actor, action: 'incident.execute', outcome: 'succeeded', reason: incident.reason ?? undefined, clientAddress: context.clientAddress, target: { type: 'incident', id: incident.id }, details: { name: incident.name, kind: incident.kind, tokens: items, ...details } });
    return true;
  });
}

/** Authorize (incident.execute) → the interrupted incident of this kind; nothing claimed yet. */
export async function openResume(context: RequestContext, incidentId: unknown, kind: IncidentKind): Promise<{ ok: true; incident: Incident } | { ok: false; failure: ReturnType<typeof fail> }> {
  const decision = authorize(context.actor, 'incident.execute');
  if (!decision.allowed) return { ok: false, failure: await refuse(context, `resume: ${decision.reason}`) };
  const incident = typeof incidentId === 'string' && /^[0-9a-f-]{36}$/i.test(incidentId) ? await getDb().incident.findUnique({ where: { id: incidentId } }) : null;
  if (!incident || incident.kind !== kind) return { ok: false, failure: fail('not_found', `There is no such ${WHAT[kind]}.`) };
  if (!isInterrupted(incident)) return { ok: false, failure: fail('conflict', incident.status === 'running' ? `This ${WHAT[kind]} is running: its progress is on this page.` : `Only an interrupted ${WHAT[kind]} is resumed.`) };
  return { ok: true, incident };
}

/** The stale heartbeat moved again, with its audit row; false when someone else resumed first. */
export async function claimResume(context: RequestContext, incident: Incident, details: Record<string, Prisma.InputJsonValue> = {}): Promise<boolean> {
  return getDb().$transaction(async (tx) => {
    const stale = new Date(Date.now() - INTERRUPTED_AFTER_MS);
    const { count } = await tx.incident.updateMany({ where: { id: incident.id, status: 'running', OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: stale } }] }, data: { heartbeatAt: new Date() } });
    if (count === 0) return false;
    const left = await tx.incidentItem.count({ where: { incidentId: incident.id, status: { not: 'done' } } });
    await recordAudit(tx, { actor: context.actor, action: 'incident.resume', outcome: 'succeeded', clientAddress: context.clientAddress, target: { type: 'incident', id: incident.id }, details: { name: incident.name, kind: incident.kind, itemsLeft: left, ...details } });
    return true;
  });
}

/** Moves the incident's heartbeat while its run lives in this process; returns the stop. */
export function keepIncidentAlive(incidentId: string): () => void {
  const db = getDb();
  const timer = setInterval(() => {
    db.incident.updateMany({ where: { id: incidentId, status: 'running' }, data: { heartbeatAt: new Date() } }).catch(() => undefined);
  }, HEARTBEAT_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** running → finished with its report, and the report's audit row (counts only; open tasks as counts). */
export async function recordReport(context: RequestContext, incidentId: string, report: object, summary: { failed: boolean; reason?: string; details: Record<string, Prisma.InputJsonValue> }): Promise<void> {
  await getDb().$transaction(async (tx) => {
    await tx.incident.update({ where: { id: incidentId }, data: { status: 'finished', finishedAt: new Date(), report: report as unknown as Prisma.InputJsonValue } });
    await recordAudit(tx, {
      actor: context.actor,
      action: 'incident.report',
      outcome: summary.failed ? 'failed' : 'succeeded',
      reason: summary.reason,
      clientAddress: context.clientAddress,
      target: { type: 'incident', id: incidentId },
      details: summary.details,
    });
  });
}
