// The audit log's keyed hash chain (SECURITY.md L2): each row carries
//   mac = HMAC-SHA256(audit key, previous row's mac ‖ canonical row)
// with the key outside the database (KEYWARDEN_AUDIT_KEY or <data dir>/secrets/audit.key). Someone
// who can write the table but not read the key cannot edit, delete, insert or reorder a row without
// breaking every mac after it; verifyAuditChain names the first row that does not follow.
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

export interface ChainVerification {
  /** Rows checked (chained ones). */
  checked: number;
  /** Rows written before the chain began (no mac, at the start of the log): not evidence either way. */
  unchained: number;
  /** The first row that does not follow, and why; null when the whole chain holds. */
  firstBroken: { seq: bigint; occurredAt: Date; reason: string } | null;
  /** The last row checked, to compare with an earlier verification (a deleted tail leaves no gap). */
  head: { seq: bigint; mac: string } | null;
}

/**
 * Walks the log in order of seq, in batches (memory stays flat at millions of rows), recomputing
 * each mac from the previous one. The first mismatch is an edit of that row, or a row deleted,
 * inserted or moved before it.
 */
export async function verifyAuditChain(db: Pick<Database, 'auditEvent'>, options: { key?: string; batchSize?: number } = {}): Promise<ChainVerification> {
  const key = options.key ?? auditChainKey();
  const batchSize = options.batchSize ?? 5000;
  let previous: string | null = null;
  let checked = 0;
  let unchained = 0;
  let head: ChainVerification['head'] = null;
  let after = -1n;
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
        return { checked, unchained, head, firstBroken: { seq: row.seq, occurredAt: row.occurredAt, reason: 'the row has no mac inside the chain (inserted around the app, or its mac removed)' } };
      }
      const expected = chainMac(key, previous ?? CHAIN_GENESIS, row);
      if (!sameHex(expected, row.mac)) {
        return { checked, unchained, head, firstBroken: { seq: row.seq, occurredAt: row.occurredAt, reason: 'the mac does not match: this row was edited, or a row before it was deleted, inserted or moved' } };
      }
      previous = row.mac;
      checked += 1;
      head = { seq: row.seq, mac: row.mac };
    }
  }
  return { checked, unchained, head, firstBroken: null };
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
