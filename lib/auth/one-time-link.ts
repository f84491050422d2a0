// Single-use secret links (first-run set-up, invitations). The secret travels only in the URL shown
// once; the database keeps its SHA-256 digest (a 256-bit random value needs no slow hash).
import { createHash, randomBytes } from 'node:crypto';
import type { Database, Prisma } from '@/lib/db';
import { AppError } from '@/lib/errors';

export type LinkPurpose = 'first_admin_setup' | 'invitation';

export const SETUP_LINK_TTL_MS = 60 * 60 * 1000;
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function digestOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export async function createOneTimeLink(
  db: Pick<Database, 'oneTimeLink'> | Prisma.TransactionClient,
  purpose: LinkPurpose,
  ttlMs: number,
  userId?: string,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.oneTimeLink.create({ data: { purpose, tokenHash: digestOf(token), userId: userId ?? null, expiresAt } });
  return { token, expiresAt };
}

export async function findUsableLink(db: Pick<Database, 'oneTimeLink'>, token: string, purpose: LinkPurpose) {
  if (token.length < 20 || token.length > 200) return null;
  const link = await db.oneTimeLink.findUnique({ where: { tokenHash: digestOf(token) } });
  if (!link || link.purpose !== purpose || link.usedAt || link.expiresAt <= new Date()) return null;
  return link;
}

/** Marks a link used; exactly one caller wins a race for the same link. */
export async function consumeLink(tx: Prisma.TransactionClient, linkId: string): Promise<void> {
  const { count } = await tx.oneTimeLink.updateMany({
    where: { id: linkId, usedAt: null, expiresAt: { gt: new Date() } },
    data: { usedAt: new Date() },
  });
  if (count !== 1) throw new AppError('conflict', 'This link has already been used or has expired.');
}
