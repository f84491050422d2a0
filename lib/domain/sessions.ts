// Server-side records of signed-in browsers. The cookie is a signed claim naming a session; the
// session is valid only while its row is neither revoked nor expired, so signing out ends it
// everywhere the cookie may have been copied.
import type { Database } from '@/lib/db';

type Db = Pick<Database, 'session'>;

export async function startSession(
  db: Db,
  userId: string,
  options: { maxAgeSeconds: number; clientAddress: string | null },
): Promise<string> {
  const now = Date.now();
  // Housekeeping on the way: rows expired for a day are of no further use.
  await db.session.deleteMany({ where: { expiresAt: { lt: new Date(now - 24 * 60 * 60 * 1000) } } });
  const session = await db.session.create({
    data: { userId, clientAddress: options.clientAddress, expiresAt: new Date(now + options.maxAgeSeconds * 1000) },
  });
  return session.id;
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** True when the session exists, belongs to the user, and is neither revoked nor expired. */
export async function isSessionLive(db: Db, sessionId: string, userId: string): Promise<boolean> {
  const session = await db.session.findUnique({ where: { id: sessionId } });
  return session !== null && session.userId === userId && session.revokedAt === null && session.expiresAt > new Date();
}
