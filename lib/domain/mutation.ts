// The shape of every mutation (STYLE.md habit 2): authorize → validate → act, with the audit row
// written in the same transaction as the change, and refused or invalid attempts audited too.
import type { z } from 'zod';
import { authorize, ruleFor, type Action, type Resource } from '@/lib/auth/authorize';
import { recordAudit, type AuditAction, type AuditTarget } from '@/lib/audit/record';
import { getDb, Prisma, type Database } from '@/lib/db';
import { fail, fieldErrorsOf, GENERIC_ERROR_MESSAGE, isAppError, isUniqueViolation, ok, type ActionResult } from '@/lib/errors';
import { logger } from '@/lib/logger';
import type { RequestContext } from './context';

export type Transaction = Prisma.TransactionClient;

export interface MutationSpec<Schema extends z.ZodType, T> {
  /** The permission (role matrix); also the audited action of a refusal or of input that fails validation. */
  action: Action;
  /**
   * The operation, once the input is valid, when it is more precise than the permission (re-send
   * or cancel an invitation): the audited action of the outcome (lib/audit/actions.ts).
   */
  auditAction?: (input: z.infer<Schema>) => AuditAction;
  schema: Schema;
  /** The record the mutation touches, for the audit row (known before validation when possible). */
  target: (input: z.infer<Schema>) => AuditTarget;
  /** Derives the resource from the stored record (never from input alone) for project-scoped rules. */
  resource?: (input: z.infer<Schema>, db: Database) => Promise<Resource>;
  /**
   * The change. `reason`: what the person wrote to justify it (an override), kept in the row's
   * reason; `action`: the operation when only the record tells it (finishing an offboarding).
   */
  run: (tx: Transaction, input: z.infer<Schema>) => Promise<{ data: T; details?: Prisma.InputJsonValue; reason?: string; action?: AuditAction }>;
}

/**
 * Makes changes to the set of active admins take turns, until the transaction ends. Without it, two
 * admins demoting or disabling each other at once (or two first-run set-ups) each count the other
 * as still there, and both succeed under READ COMMITTED. The key is an arbitrary constant.
 */
export async function lockAdminChanges(tx: Transaction): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(4801526019)`;
}

export async function runMutation<Schema extends z.ZodType, T>(
  context: RequestContext,
  spec: MutationSpec<Schema, T>,
  rawInput: unknown,
): Promise<ActionResult<T>> {
  const db = getDb();
  const { actor, clientAddress } = context;
  const audit = (outcome: 'refused' | 'invalid' | 'failed', reason: string, target?: AuditTarget, action: AuditAction = spec.action) =>
    recordAudit(db, { actor, action, outcome, reason, clientAddress, target });

  // Role check first: a refused caller learns nothing about the input or the records. A
  // project-scoped rule ('assigned') is settled below, once the record names its project.
  const roleOnly = authorize(actor, spec.action);
  if (!roleOnly.allowed && (!spec.resource || ruleFor(actor.role, spec.action) === 'deny')) {
    await audit('refused', roleOnly.reason);
    return fail('forbidden', 'You do not have permission to do this.');
  }

  const parsed = spec.schema.safeParse(rawInput);
  if (!parsed.success) {
    await audit('invalid', 'input failed validation');
    return fail('invalid_input', 'Please correct the highlighted fields.', fieldErrorsOf(parsed.error));
  }
  const input = parsed.data;
  const target = spec.target(input);
  const operation = spec.auditAction?.(input) ?? spec.action;

  if (spec.resource) {
    const decision = authorize(actor, spec.action, await spec.resource(input, db));
    if (!decision.allowed) {
      await audit('refused', decision.reason, target);
      return fail('forbidden', 'You do not have permission to do this.');
    }
  }

  try {
    const data = await db.$transaction(async (tx) => {
      const { data: result, details, reason, action } = await spec.run(tx, input);
      await recordAudit(tx, { actor, action: action ?? operation, outcome: 'succeeded', reason, clientAddress, target, details });
      return result;
    });
    return ok(data);
  } catch (error) {
    if (isAppError(error)) {
      // A policy the domain checks on the record (e.g. what an onboarder may grant) refuses like the matrix does.
      await audit(error.code === 'invalid_input' ? 'invalid' : error.code === 'forbidden' ? 'refused' : 'failed', error.message, target, operation);
      return { ok: false, error: error.toBody() };
    }
    if (isUniqueViolation(error)) {
      // Two requests raced to create the same record; the loser gets the same answer as if it had
      // come second.
      await audit('failed', 'conflict: record already exists', target, operation);
      return fail('conflict', 'That already exists: someone may have just created it. Refresh and check.');
    }
    logger.error('mutation failed', { action: spec.action, error });
    await audit('failed', 'unexpected error', target, operation).catch(() => undefined);
    return fail('internal', GENERIC_ERROR_MESSAGE);
  }
}

