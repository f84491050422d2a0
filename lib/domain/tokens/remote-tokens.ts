// A machine user's token list on Platform.sh, as last seen. The dashboard's own credential cannot
// read another account's tokens: only a live token of the machine user can, so the list is read and
// kept whenever one is in hand (record, rotate, finish revoking). Records follow what it says of
// their tokens (last used, see last-use.ts), and a listed token without a record shows as made
// outside Keywarden.
import { getDb } from '@/lib/db';
import type { ApiTokenInfo } from '@/lib/platformsh';
import { recordLastUse } from './last-use';

const dateOrNull = (value: string | null) => (value ? new Date(value) : null);

/** Replaces the machine user's last-seen token list, and moves its records' "last used" to what Platform.sh says. */
export async function recordRemoteTokens(machineUserId: string, tokens: ApiTokenInfo[], seenAt = new Date()): Promise<void> {
  // No transaction and no lock: simultaneous reads of the list (ten pushes at once, R6) must not
  // queue behind one another. New tokens are inserted with ON CONFLICT DO NOTHING, and only what
  // changed is written, so a read that finds the list as it was costs a handful of statements.
  const db = getDb();
  const known = new Map((await db.remoteApiToken.findMany({ where: { machineUserId } })).map((row) => [row.platformshTokenId, row]));
  const rows = tokens.map((token) => ({
    machineUserId,
    platformshTokenId: token.id,
    name: token.name,
    remoteCreatedAt: dateOrNull(token.createdAt),
    lastUsedAt: dateOrNull(token.lastUsedAt),
    mfaOnCreation: token.mfaOnCreation,
    seenAt,
  }));
  await db.remoteApiToken.createMany({ data: rows.filter((row) => !known.has(row.platformshTokenId)), skipDuplicates: true });
  for (const row of rows) {
    const before = known.get(row.platformshTokenId);
    if (!before || (before.name === row.name && before.lastUsedAt?.getTime() === row.lastUsedAt?.getTime())) continue;
    await db.remoteApiToken.updateMany({ where: { machineUserId, platformshTokenId: row.platformshTokenId }, data: { name: row.name, lastUsedAt: row.lastUsedAt } });
  }
  await db.remoteApiToken.deleteMany({ where: { machineUserId, platformshTokenId: { notIn: rows.map((row) => row.platformshTokenId) } } });
  await recordLastUse(db, { machineUserId }, tokens, seenAt);
  await db.machineUser.update({ where: { id: machineUserId }, data: { tokenListSeenAt: seenAt } });
}

/** A token Keywarden itself just deleted on Platform.sh leaves the last-seen list too. */
export async function forgetRemoteToken(machineUserId: string, platformshTokenId: string): Promise<void> {
  await getDb().remoteApiToken.deleteMany({ where: { machineUserId, platformshTokenId } });
}

export interface RemoteTokenListView {
  /** When the list was last read; null when no token of this machine user was ever in hand. */
  seenAt: string | null;
  tokens: {
    platformshTokenId: string;
    name: string;
    createdAt: string | null;
    lastUsedAt: string | null;
    mfaOnCreation: boolean;
    /** Keywarden's record of this token, or null: made outside Keywarden (or a mint not recorded, below). */
    record: { id: string; name: string; lastFour: string; status: string; minted: boolean } | null;
    /**
     * A token Keywarden minted whose record was never written (a lost answer, a crash: mint.ts): it
     * is deleted by the next mint or resume with a live token of the machine user.
     */
    unrecordedMint: boolean;
  }[];
}

export async function remoteTokenList(machineUserId: string): Promise<RemoteTokenListView> {
  const db = getDb();
  const [machineUser, remote, records, mints] = await Promise.all([
    db.machineUser.findUniqueOrThrow({ where: { id: machineUserId }, select: { tokenListSeenAt: true } }),
    db.remoteApiToken.findMany({ where: { machineUserId }, orderBy: [{ remoteCreatedAt: 'desc' }, { platformshTokenId: 'asc' }] }),
    db.apiToken.findMany({ where: { machineUserId, platformshTokenId: { not: null } }, select: { id: true, name: true, lastFour: true, status: true, platformshTokenId: true, minted: true } }),
    db.tokenMint.findMany({ where: { machineUserId, tokenId: null, status: { in: ['requested', 'minted'] } }, select: { name: true, platformshTokenId: true } }),
  ]);
  return {
    seenAt: machineUser.tokenListSeenAt?.toISOString() ?? null,
    tokens: remote.map((token) => {
      const record = records.find((candidate) => candidate.platformshTokenId === token.platformshTokenId);
      return {
        platformshTokenId: token.platformshTokenId,
        name: token.name,
        createdAt: token.remoteCreatedAt?.toISOString() ?? null,
        lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
        mfaOnCreation: token.mfaOnCreation,
        record: record ? { id: record.id, name: record.name, lastFour: record.lastFour, status: record.status, minted: record.minted } : null,
        unrecordedMint: !record && mints.some((mint) => mint.platformshTokenId === token.platformshTokenId || mint.name === token.name),
      };
    }),
  };
}
