// Writes audit events (SECURITY.md L3): actor, role, action, target, outcome, time, client address
// — never a secret value. Details are redacted by value before they are stored.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Action, Actor } from '@/lib/auth/authorize';
import { getDb, type Database, type Prisma } from '@/lib/db';
import { logger } from '@/lib/logger';
import { permissionOf, type KnownAuditAction } from './actions';
import { AUDIT_CHAIN_LOCK, auditChainKey, CHAIN_GENESIS, chainMac, currentCheckpointInterval, writeCheckpoint, type ChainedFields } from './chain';
import { namesFor } from './names';
import { knownSecrets, redactValue } from '@/lib/security/redact';

export type AuditOutcome = 'succeeded' | 'refused' | 'invalid' | 'failed';

export interface AuditTarget {
  type: string;
  id?: string | null;
  /**
   * What a person calls the target (a machine user's e-mail, a project's title, a user's e-mail), as
   * it was when the row was written. Looked up from the id when not given (lib/audit/names.ts); kept
   * in details as `targetName`.
   */
  name?: string | null;
}

export type AuditAction = Action | KnownAuditAction;

export interface AuditEntry {
  actor: Pick<Actor, 'id' | 'email' | 'role'> | null;
  /** Someone not signed in (a sign-in attempt, a set-up link) identifies by what they typed. */
  actorEmail?: string | null;
  /**
   * The actor fields come from what a caller without a session typed (or the account it named),
   * not from a verified identity: shown as claimed.
   */
  actorClaimed?: boolean;
  /**
   * The operation (lib/audit/actions.ts): a role-matrix action, a more precise operation done under
   * one (token.rotate under token.record), or an event no person asked for (sign-in, a sync's observation).
   */
  action: AuditAction;
  target?: AuditTarget;
  outcome: AuditOutcome;
  reason?: string;
  clientAddress?: string | null;
  details?: Prisma.InputJsonValue;
  tokenFingerprint?: string;
  /** Values to remove from reason and details wherever they appear (besides the registered ones). */
  secrets?: readonly string[];
}

/** The app's client or an open transaction: a row written in a transaction is chained inside it. */
export type AuditWriter = Database | Prisma.TransactionClient;

/**
 * The refusals written during one call of an action (see auditEveryRefusal): lets the action's
 * wrapper know whether the domain already audited the failure it answers with.
 */
const refusalJournal = new AsyncLocalStorage<{ refusedActions: Set<string> }>();

export async function recordAudit(db: AuditWriter, entry: AuditEntry): Promise<void> {
  const secrets = [...(entry.secrets ?? []), ...knownSecrets()];
  const details = await namesFor(db, entry.target, entry.details);
  const row = {
    occurredAt: new Date(),
    actorId: entry.actor?.id ?? null,
    actorEmail: entry.actor?.email ?? entry.actorEmail ?? null,
    actorRole: entry.actor?.role ?? null,
    actorClaimed: entry.actorClaimed ?? false,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    outcome: entry.outcome,
    reason: entry.reason ? redactValue(entry.reason, secrets).slice(0, 1000) : null,
    clientAddress: entry.clientAddress ?? null,
    details: details === undefined ? null : redactValue(details, secrets),
    tokenFingerprint: entry.tokenFingerprint ?? null,
  } satisfies ChainedFields;
  const key = auditChainKey();
  // L2: each row follows the one before it. The lock makes writers take turns until their
  // transaction ends, so the previous mac read here is the previous row's in the order of seq.
  // Callers keep the audit row the last statement of their transaction, so the turn is short.
  const append = async (tx: Prisma.TransactionClient) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
    const [last] = await tx.$queryRaw<{ mac: string | null; checkpoint: bigint | null }[]>`
      SELECT (SELECT mac FROM audit_events ORDER BY seq DESC LIMIT 1) AS mac,
             (SELECT max(seq) FROM audit_chain_checkpoints) AS checkpoint`;
    const { details: stored, ...fields } = row;
    const mac = chainMac(key, last?.mac ?? CHAIN_GENESIS, row);
    const created = await tx.auditEvent.create({ data: { ...fields, ...(stored === null ? {} : { details: stored }), mac }, select: { seq: true } });
    // A signed checkpoint every few rows, in the same turn: a later truncation cannot go unseen
    // below the newest one (lib/audit/chain.ts).
    if (created.seq - BigInt(last?.checkpoint ?? 0) >= BigInt(currentCheckpointInterval())) await writeCheckpoint(tx, { seq: created.seq, mac }, 'interval', key);
  };
  // A transaction client has no $connect (it has a $transaction, for nested ones): the app's root
  // client opens a transaction of its own for the row.
  if ('$connect' in db) await db.$transaction(append);
  else await append(db);
  const journal = refusalJournal.getStore();
  if (journal && entry.outcome !== 'succeeded') {
    journal.refusedActions.add(entry.action);
    // A refusal audited under its operation's name (token.rotate) answers for its permission's too.
    const permission = permissionOf(entry.action);
    if (permission) journal.refusedActions.add(permission);
  }
}

/** Refusals per window and key written in full; the rest of the window is only counted. */
export const STRANGER_REFUSALS_IN_FULL = 3;
export const STRANGER_WINDOW_SECONDS = 15 * 60;

type RefusalWriter = AuditWriter;

/**
 * A refusal of a caller without a session (SECURITY.md A6): anyone can cause one, so they are
 * aggregated per action and client address into windows. The first few of a window are written in
 * full; the next one says that the rest are being counted; when the key's next window opens, the
 * previous window's total is written as one row. The actor fields are marked as claimed.
 */
export async function recordStrangerRefusal(
  db: RefusalWriter,
  entry: Omit<AuditEntry, 'actorClaimed' | 'outcome'> & { outcome: 'refused' | 'invalid' },
  now = new Date(),
): Promise<void> {
  const address = entry.clientAddress ?? 'unknown address';
  const key = `${entry.action}|${address}`;
  const cutoff = new Date(now.getTime() - STRANGER_WINDOW_SECONDS * 1000);
  const [window] = await db.$queryRaw<{ refusals: number; window_start: Date; previous_window_start: Date | null; previous_refusals: number }[]>`
    INSERT INTO audit_refusal_windows AS w (key, window_start, refusals)
    VALUES (${key}, ${now}, 1)
    ON CONFLICT (key) DO UPDATE SET
      previous_window_start = CASE WHEN w.window_start < ${cutoff} THEN w.window_start ELSE w.previous_window_start END,
      previous_refusals = CASE WHEN w.window_start < ${cutoff} THEN w.refusals ELSE w.previous_refusals END,
      refusals = CASE WHEN w.window_start < ${cutoff} THEN 1 ELSE w.refusals + 1 END,
      window_start = CASE WHEN w.window_start < ${cutoff} THEN ${now} ELSE w.window_start END
    RETURNING refusals, window_start, previous_window_start, previous_refusals`;
  if (!window) throw new Error('audit_refusal_windows: the upsert returned no row');
  const refusals = Number(window.refusals);
  const windowEnd = (start: Date) => new Date(start.getTime() + STRANGER_WINDOW_SECONDS * 1000).toISOString();

  if (refusals === 1 && window.previous_window_start && Number(window.previous_refusals) > STRANGER_REFUSALS_IN_FULL) {
    const total = Number(window.previous_refusals);
    await recordAudit(db, {
      actor: null,
      action: entry.action,
      outcome: 'refused',
      clientAddress: entry.clientAddress,
      reason: `${total} refusals from ${address} between ${window.previous_window_start.toISOString()} and ${windowEnd(window.previous_window_start)} (the first ${STRANGER_REFUSALS_IN_FULL} written in full)`,
      details: { aggregated: { windowStart: window.previous_window_start.toISOString(), windowSeconds: STRANGER_WINDOW_SECONDS, refusals: total } },
    });
  }
  if (refusals <= STRANGER_REFUSALS_IN_FULL) {
    await recordAudit(db, { ...entry, actorClaimed: true });
  } else if (refusals === STRANGER_REFUSALS_IN_FULL + 1) {
    await recordAudit(db, {
      actor: null,
      action: entry.action,
      outcome: 'refused',
      clientAddress: entry.clientAddress,
      reason: `more refusals from ${address}: counted, not written, until ${windowEnd(window.window_start)}; the total is written when the next window opens`,
      details: { aggregated: { windowStart: window.window_start.toISOString(), windowSeconds: STRANGER_WINDOW_SECONDS, refusals } },
    });
  }
}

export interface RefusalGuard {
  action: AuditAction;
  /** The signed-in caller, or null for a caller without a session. */
  actor: Pick<Actor, 'id' | 'email' | 'role'> | null;
  clientAddress: string | null;
}

const OUTCOME_OF_ERROR: Record<string, 'refused' | 'invalid' | 'failed'> = {
  invalid_input: 'invalid',
  unauthenticated: 'refused',
  forbidden: 'refused',
  not_found: 'refused',
  conflict: 'refused',
  rate_limited: 'refused',
  internal: 'failed',
};

/**
 * The one guarantee behind "every refusal of every action is audited" (SECURITY.md L3): runs an
 * action, and when it answers with a failure and nothing on its way wrote a refusal, writes one.
 * Domain code keeps writing its own, more precise rows (with targets and reasons); this catches
 * every path that forgot to, or could not (no session, a check before the domain).
 */
export async function auditEveryRefusal<T extends { ok: true } | { ok: false; error: { code: string; message: string } }>(
  guard: () => Promise<RefusalGuard>,
  run: () => Promise<T>,
  db: RefusalWriter = getDb(),
): Promise<T> {
  const journal = { refusedActions: new Set<string>() };
  const result = await refusalJournal.run(journal, run);
  if (result.ok) return result;
  const { action, actor, clientAddress } = await guard();
  if (journal.refusedActions.has(action)) return result;
  const outcome = OUTCOME_OF_ERROR[result.error.code] ?? 'failed';
  const reason = `${result.error.code}: ${result.error.message}`;
  try {
    if (!actor && outcome !== 'failed') await recordStrangerRefusal(db, { actor: null, action, outcome, reason, clientAddress });
    else await recordAudit(db, { actor, action, outcome, reason, clientAddress });
  } catch (error) {
    // The caller still gets the refusal; the log says the audit row is missing.
    logger.error('audit row of a refusal could not be written', { action, error });
  }
  return result;
}
