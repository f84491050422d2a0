// What the machine-user actions share: the record's journal (each step that reaches Platform.sh is
// recorded with its audit row, whatever its outcome) and the reading of Platform.sh's failures into
// "what was and was not done".
import type { Action } from '@/lib/auth/authorize';
import type { KnownAuditAction } from '@/lib/audit/actions';
import { recordAudit, type AuditOutcome } from '@/lib/audit/record';
import type { Database, Prisma } from '@/lib/db';
import type { MachineUserState } from '@/lib/db/generated/enums';
import { isPlatformshError, type PlatformshError } from '@/lib/platformsh';
import type { RequestContext } from '../context';
import type { Transaction } from '../mutation';

/**
 * Makes machine-user creations take turns until the transaction ends, so that two invitations for
 * the same address or purpose cannot both pass the uniqueness rules. The key is an arbitrary constant.
 */
export async function lockMachineUserChanges(tx: Transaction): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(4801526020)`;
}

/**
 * Records one step on the machine user and its audit row, together. `context` null: Keywarden itself
 * (a sync that observed a change). With `ifStateIs`, the step applies only while the record is still
 * in the state its caller read: an observation made before a concurrent change (a removal while a
 * page poll was asking Platform.sh) must not overwrite it. Returns whether the step was recorded.
 */
export async function recordStep(
  db: Database,
  context: RequestContext | null,
  step: {
    machineUserId: string;
    action: Action | KnownAuditAction;
    outcome: AuditOutcome;
    reason?: string;
    details: Prisma.InputJsonValue;
    update?: Prisma.MachineUserUncheckedUpdateManyInput;
    ifStateIs?: MachineUserState;
    /** The inventory rows the step changed on Platform.sh, written in the same transaction (issue 14.2). */
    inventory?: (tx: Transaction) => Promise<void>;
  },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    if (step.update || step.ifStateIs !== undefined) {
      const where = step.ifStateIs === undefined ? { id: step.machineUserId } : { id: step.machineUserId, state: step.ifStateIs };
      const applied = await tx.machineUser.updateMany({ where, data: step.update ?? {} });
      if (applied.count === 0) return false;
    }
    await step.inventory?.(tx);
    await recordAudit(tx, {
      actor: context?.actor ?? null,
      action: step.action,
      outcome: step.outcome,
      reason: step.reason,
      clientAddress: context?.clientAddress ?? null,
      target: { type: 'machine_user', id: step.machineUserId },
      details: step.details,
    });
    return true;
  });
}

/**
 * Whether a failed write may still have been applied: then Keywarden reads before saying anything
 * (there are no idempotency keys, CONTRACT.md). A 5xx answer to a write, a lost answer and an
 * unreadable answer may all hide a success; a refusal, a 429 or a call never sent do not.
 */
export function mayHaveApplied(error: PlatformshError): boolean {
  return error.kind === 'unknown_outcome' || error.kind === 'unavailable' || error.kind === 'protocol' || error.kind === 'timeout';
}

/** Plain words for a Platform.sh failure, with the status when there was one. */
export function describePlatformshFailure(error: unknown): string {
  if (!isPlatformshError(error)) return 'An unexpected error occurred.';
  const status = error.status === undefined ? '' : ` (HTTP ${error.status}${error.vendorMessage ? `: ${error.vendorMessage}` : ''})`;
  return `${error.userMessage}${status}`;
}
