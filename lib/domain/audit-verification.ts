// "Verify the chain" on the Audit page (issue 15 §6): runs the same verification as
// `npm run audit:verify` (lib/audit/chain.ts), signs a checkpoint of the head it confirmed (so a
// later truncation below it is seen), and audits the run with its result. The page shows the latest
// result from the log itself, so the button works as a plain form post, without JavaScript.
import 'server-only';
import { verifyAuditChain, writeCheckpoint } from '@/lib/audit/chain';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import type { RequestContext } from './context';

export interface ChainStatus {
  /** When the verification ran, and who ran it. */
  verifiedAt: string;
  verifiedBy: string | null;
  holds: boolean;
  /** Chained rows confirmed (before the break, when broken). */
  checked: number;
  checkpoints: number;
  head: { seq: string; macPrefix: string } | null;
  broken: { seq: string; reason: string } | null;
  milliseconds: number;
}

const MAC_PREFIX_LENGTH = 16;

/** What a verification's audit row keeps in details (written below). */
const statusDetailsSchema = z.object({
  holds: z.boolean(),
  checked: z.number(),
  checkpoints: z.number(),
  head: z.object({ seq: z.string(), macPrefix: z.string() }).nullable(),
  broken: z.object({ seq: z.string(), reason: z.string() }).nullable(),
  milliseconds: z.number(),
});

export async function verifyAuditLog(context: RequestContext): Promise<ActionResult<ChainStatus>> {
  const db = getDb();
  const decision = authorize(context.actor, 'audit.verify');
  if (!decision.allowed) {
    await recordAudit(db, { actor: context.actor, action: 'audit.verify', outcome: 'refused', reason: decision.reason, clientAddress: context.clientAddress, target: { type: 'audit_log' } });
    return fail('forbidden', 'You do not have permission to verify the audit log.');
  }
  const started = Date.now();
  const result = await verifyAuditChain(db);
  const milliseconds = Date.now() - started;
  if (!result.firstBroken && result.head) await writeCheckpoint(db, result.head, 'verify');
  const head = result.head ? { seq: result.head.seq.toString(), macPrefix: result.head.mac.slice(0, MAC_PREFIX_LENGTH) } : null;
  const broken = result.firstBroken ? { seq: result.firstBroken.seq.toString(), reason: result.firstBroken.reason } : null;
  const details: z.infer<typeof statusDetailsSchema> = { holds: broken === null, checked: result.checked, checkpoints: result.checkpoints, head, broken, milliseconds };
  await recordAudit(db, {
    actor: context.actor,
    action: 'audit.verify',
    outcome: broken ? 'failed' : 'succeeded',
    reason: broken ? `BROKEN at row ${broken.seq}: ${broken.reason}` : undefined,
    clientAddress: context.clientAddress,
    target: { type: 'audit_log' },
    details,
  });
  return ok({ verifiedAt: new Date().toISOString(), verifiedBy: context.actor.email, ...details });
}

/** The latest verification, as its audit row recorded it (null when the chain was never verified here). */
export async function latestChainStatus(context: RequestContext): Promise<ActionResult<ChainStatus | null>> {
  if (!authorize(context.actor, 'audit.read').allowed) return fail('forbidden', 'You do not have permission to read the audit log.');
  const row = await getDb().auditEvent.findFirst({
    where: { action: 'audit.verify', outcome: { in: ['succeeded', 'failed'] } },
    orderBy: { seq: 'desc' },
    select: { occurredAt: true, actorEmail: true, details: true },
  });
  const details = statusDetailsSchema.safeParse(row?.details);
  if (!row || !details.success) return ok(null);
  return ok({ verifiedAt: row.occurredAt.toISOString(), verifiedBy: row.actorEmail, ...details.data });
}
