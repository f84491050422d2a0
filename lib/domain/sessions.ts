// Server-side records of signed-in browsers. The cookie is a signed claim naming a session; the
// session is valid only while its row is neither revoked nor expired, so signing out ends it
// everywhere the cookie may have been copied.
import type { Database } from '@/lib/db';

type Db = Pick<Database, 'session'>;

export async function startSession(
  db: Db,
  userId: string,
  options: { maxAgeSeconds: number; clientAddress: string | null; pendingStep?: 'second_factor' | 'enrolment' | null },
): Promise<string> {
  const now = Date.now();
  // Housekeeping on the way: rows expired for a day are of no further use.
  await db.session.deleteMany({ where: { expiresAt: { lt: new Date(now - 24 * 60 * 60 * 1000) } } });
  const session = await db.session.create({
    data: { userId, clientAddress: options.clientAddress, expiresAt: new Date(now + options.maxAgeSeconds * 1000), pendingStep: options.pendingStep ?? null },
  });
  return session.id;
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

const SESSION_USER_SELECT = {
  id: true,
  email: true,
  role: true,
  disabledAt: true,
  sessionVersion: true,
  projectAssignments: { select: { projectId: true } },
} as const;

/**
 * The user behind a session that exists, belongs to that user, and is neither revoked nor expired
 * nor half signed in (a second step still owed); null otherwise. One query: it runs on every request.
 */
export async function liveSessionUser(db: Db, sessionId: string, userId: string) {
  const session = await db.session.findUnique({
    where: { id: sessionId },
    select: { userId: true, revokedAt: true, expiresAt: true, pendingStep: true, user: { select: SESSION_USER_SELECT } },
  });
  if (!session || session.userId !== userId || session.revokedAt !== null || session.expiresAt <= new Date()) return null;
  if (session.pendingStep !== null) return null;
  return session.user;
}

/**
 * A half-signed-in session (password checked, a second step owed) of an enabled user whose
 * session version still holds; null otherwise. Only the second-step pages ask for it.
 */
export async function pendingSession(db: Db, sessionId: string, userId: string, sessionVersion: number) {
  const session = await db.session.findUnique({
    where: { id: sessionId },
    select: { userId: true, revokedAt: true, expiresAt: true, pendingStep: true, user: { select: SESSION_USER_SELECT } },
  });
  if (!session || session.userId !== userId || session.revokedAt !== null || session.expiresAt <= new Date() || session.pendingStep === null) return null;
  if (session.user.disabledAt || session.user.sessionVersion !== sessionVersion) return null;
  return { sessionId, pendingStep: session.pendingStep, user: session.user };
}
