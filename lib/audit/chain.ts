// The audit log's keyed hash chain (SECURITY.md L2): each row carries
//   mac = HMAC-SHA256(audit key, previous row's mac ‖ canonical row)
// with the key outside the database (KEYWARDEN_AUDIT_KEY or <data dir>/secrets/audit.key). Someone
// who can write the table but not read the key cannot edit, delete, insert or reorder a row without
// breaking every mac after it; verifyAuditChain names the first row that does not follow. Signed
// checkpoints of the head (audit_chain_checkpoints) add what a chain cannot see by itself: rows
// removed from its end.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import type { Database } from '@/lib/db';

/** What the first chained row follows. */
export const CHAIN_GENESIS = 'keywarden-audit-chain-v1';

/** Serialises audit writes, so that each row follows the one before it (an arbitrary constant). */
export const AUDIT_CHAIN_LOCK = 4801526020;

let configuredKey: string | undefined;

/** For tests and tools that verify with a given key; the server uses its configured one. */
export function useAuditChainKey(key: string): void {
  configuredKey = key;
}

export function auditChainKey(): string {
  configuredKey ??= getSecrets(getConfig()).audit;
  return configuredKey;
}

export interface ChainedFields {
  occurredAt: Date;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: string | null;
  actorClaimed: boolean;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  reason: string | null;
  clientAddress: string | null;
  details: unknown;
  tokenFingerprint: string | null;
}

/** JSON with object keys sorted at every depth: the same value always gives the same text (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The row as the chain sees it: every field that says what happened, in a fixed order. */
export function canonicalRow(row: ChainedFields): string {
  return canonicalJson([
    row.occurredAt.toISOString(),
    row.actorId,
    row.actorEmail,
    row.actorRole,
    row.actorClaimed,
    row.action,
    row.targetType,
    row.targetId,
    row.outcome,
    row.reason,
    row.clientAddress,
    row.details ?? null,
    row.tokenFingerprint,
  ]);
}

export function chainMac(key: string, previousMac: string, row: ChainedFields): string {
  return createHmac('sha256', key).update(previousMac).update('\n').update(canonicalRow(row)).digest('hex');
}

/** A checkpoint is written by the audit writer after this many rows (and after each verification). */
export const CHECKPOINT_INTERVAL = 1000;

let checkpointInterval = CHECKPOINT_INTERVAL;

/** For tests that need checkpoints after a few rows. */
export function useCheckpointInterval(rows: number): void {
  checkpointInterval = rows;
}

export function currentCheckpointInterval(): number {
  return checkpointInterval;
}

export interface CheckpointFields {
  seq: bigint;
  mac: string;
  createdAt: Date;
  reason: string;
}

/** What a checkpoint's signature covers: the row it vouches for, its mac, when and why it was taken. */
export function checkpointSignature(key: string, checkpoint: CheckpointFields): string {
  return createHmac('sha256', key)
    .update(`${CHAIN_GENESIS}/checkpoint\n${checkpoint.seq.toString()}\n${checkpoint.mac}\n${checkpoint.createdAt.toISOString()}\n${checkpoint.reason}`)
    .digest('hex');
}

type CheckpointWriter = Pick<Database, 'auditChainCheckpoint'>;

/** Signs and stores a checkpoint of row `head` (a row of the chain, with its mac). */
export async function writeCheckpoint(db: CheckpointWriter, head: { seq: bigint; mac: string }, reason: 'interval' | 'verify', key = auditChainKey()): Promise<void> {
  // The column keeps milliseconds, as a Date does: the signature is recomputable from the stored row.
  const fields = { seq: head.seq, mac: head.mac, createdAt: new Date(), reason };
  await db.auditChainCheckpoint.create({ data: { ...fields, signature: checkpointSignature(key, fields) } });
}

export type BreakKind = 'edited' | 'unchained' | 'checkpoint' | 'truncated';

export interface ChainVerification {
  /** Rows checked (chained ones). */
  checked: number;
  /** Rows written before the chain began (no mac, at the start of the log): not evidence either way. */
  unchained: number;
  /** Checkpoints whose signature, row and mac were confirmed. */
  checkpoints: number;
  /** The first row that does not follow, and why; null when the whole chain holds. */
  firstBroken: { seq: bigint; occurredAt: Date | null; kind: BreakKind; reason: string } | null;
  /** The last row checked, to compare with an earlier verification (a deleted tail leaves no gap). */
  head: { seq: bigint; mac: string } | null;
}

const short = (mac: string) => mac.slice(0, 12);

/**
 * Walks the log in order of seq, in batches (memory stays flat at millions of rows), recomputing
 * each mac from the previous one. The first mismatch is an edit of that row, or a row deleted,
 * inserted or moved before it; a log re-chained with another key fails at its first row. Then the
 * signed checkpoints: each must carry a valid signature, and the row it vouches for must be there
 * with that mac — a log that ends before a checkpoint had its last rows removed (truncation).
 * `expectHead` is a head kept outside the database (from an earlier run): the same check, for an
 * attacker who could also remove checkpoints.
 */
export async function verifyAuditChain(
  db: Pick<Database, 'auditEvent' | 'auditChainCheckpoint'>,
  options: { key?: string; batchSize?: number; expectHead?: { seq: bigint; mac: string } } = {},
): Promise<ChainVerification> {
  const key = options.key ?? auditChainKey();
  const batchSize = options.batchSize ?? 5000;
  // A checkpoint per CHECKPOINT_INTERVAL rows (and per verification): a few thousand at most, read at once.
  const stored = await db.auditChainCheckpoint.findMany({ orderBy: [{ seq: 'asc' }, { id: 'asc' }] });
  const expected: { seq: bigint; mac: string; createdAt: Date | null; signed: boolean }[] = stored.map((checkpoint) => ({
    seq: checkpoint.seq,
    mac: checkpoint.mac,
    createdAt: checkpoint.createdAt,
    signed: sameHex(checkpointSignature(key, checkpoint), checkpoint.signature),
  }));
  if (options.expectHead) expected.push({ ...options.expectHead, createdAt: null, signed: true });
  expected.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  const vouched = (checkpoint: { createdAt: Date | null }) => (checkpoint.createdAt ? `a checkpoint of ${checkpoint.createdAt.toISOString()}` : 'the head given to compare with');
  const forged = (checkpoint: { seq: bigint; createdAt: Date | null }) => ({
    seq: checkpoint.seq,
    occurredAt: null,
    kind: 'checkpoint' as const,
    reason: `the checkpoint of row ${checkpoint.seq} (${vouched(checkpoint)}) has no valid signature: the checkpoints were edited or planted, or the key is not the one they were signed with`,
  });

  let previous: string | null = null;
  let checked = 0;
  let unchained = 0;
  let confirmed = 0;
  let next = 0;
  let head: ChainVerification['head'] = null;
  let after = -1n;
  const result = (firstBroken: ChainVerification['firstBroken']): ChainVerification => ({ checked, unchained, checkpoints: confirmed, head, firstBroken });
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: 'asc' }, take: batchSize });
    if (rows.length === 0) break;
    for (const row of rows) {
      after = row.seq;
      if (row.mac === null) {
        if (previous === null) {
          unchained += 1;
          continue;
        }
        return result({ seq: row.seq, occurredAt: row.occurredAt, kind: 'unchained', reason: 'the row has no mac inside the chain (inserted around the app, or its mac removed)' });
      }
      const mac = chainMac(key, previous ?? CHAIN_GENESIS, row);
      if (!sameHex(mac, row.mac)) {
        return result({ seq: row.seq, occurredAt: row.occurredAt, kind: 'edited', reason: 'the mac does not match: this row was edited, or a row before it was deleted, inserted or moved, or the log was re-chained without the key' });
      }
      // Checkpoints at or before this row: the row each vouches for must be this one, with its mac.
      for (let checkpoint = expected[next]; checkpoint && checkpoint.seq <= row.seq; checkpoint = expected[++next]) {
        if (!checkpoint.signed) return result(forged(checkpoint));
        if (checkpoint.seq < row.seq) {
          return result({ seq: checkpoint.seq, occurredAt: null, kind: 'checkpoint', reason: `row ${checkpoint.seq}, vouched for by ${vouched(checkpoint)}, is missing` });
        }
        if (!sameHex(checkpoint.mac, row.mac)) {
          return result({ seq: row.seq, occurredAt: row.occurredAt, kind: 'checkpoint', reason: `the row's mac (${short(row.mac)}…) is not the one ${vouched(checkpoint)} recorded (${short(checkpoint.mac)}…)` });
        }
        confirmed += 1;
      }
      previous = row.mac;
      checked += 1;
      head = { seq: row.seq, mac: row.mac };
    }
  }
  const beyond = expected[next];
  if (beyond) {
    if (!beyond.signed) return result(forged(beyond));
    const end = head ? `the log ends at row ${head.seq}` : 'the log has no chained row';
    return result({ seq: beyond.seq, occurredAt: null, kind: 'truncated', reason: `row ${beyond.seq}, vouched for by ${vouched(beyond)}, is missing: ${end} — rows were removed from its end (truncation)` });
  }
  return result(null);
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
