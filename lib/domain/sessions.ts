// Server-side records of signed-in browsers. The cookie is a signed claim naming a session; the
// session is valid only while its row is neither revoked nor expired, so signing out ends it
// everywhere the cookie may have been copied. Each user sees their own sessions on the Account
// page and ends any of them; an admin sees and ends anyone's (Users → Sessions).
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb, type Database, type Prisma } from '@/lib/db';
import { AppError, fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import { describeUserAgent, storedUserAgent } from '@/lib/sessions/user-agent';
import { endOwnSessionsSchema, endUserSessionsSchema, listSessionsSchema } from '@/lib/validations/account';
import type { RequestContext } from './context';
import type { Role } from '@/lib/roles';
import { reconsiderEnrolmentStep, type PendingStep } from './second-factor';
import { runMutation } from './mutation';
import { isUuid } from '@/lib/utils';

type Db = Pick<Database, 'session'>;

/** Last seen is written at most this often per session: the check runs on every request. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

export async function startSession(
  db: Db,
  userId: string,
  options: { maxAgeSeconds: number; clientAddress: string | null; userAgent?: string | null; userVersion?: number | null; pendingStep?: 'second_factor' | 'enrolment' | null },
): Promise<string> {
  const now = Date.now();
  // Housekeeping on the way: rows expired for a day are of no further use.
  await db.session.deleteMany({ where: { expiresAt: { lt: new Date(now - 24 * 60 * 60 * 1000) } } });
  const session = await db.session.create({
    data: {
      userId,
      clientAddress: options.clientAddress,
      userAgent: storedUserAgent(options.userAgent),
      userVersion: options.userVersion ?? null,
      lastSeenAt: new Date(now),
      expiresAt: new Date(now + options.maxAgeSeconds * 1000),
      pendingStep: options.pendingStep ?? null,
    },
  });
  return session.id;
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** A session and its user as the per-request check reads them (one row, see `liveSessionUser`). */
interface SessionCheckRow {
  user_id: string;
  revoked_at: Date | null;
  expires_at: Date;
  last_seen_at: Date | null;
  user_version: number | null;
  pending_step: PendingStep | null;
  email: string;
  role: Role;
  disabled_at: Date | null;
  session_version: number;
  project_ids: string[];
}

/** The session a cookie names, with its user, in one query; null for no such session. */
async function readSessionRow(db: Database, sessionId: string): Promise<SessionCheckRow | null> {
  // The id comes from a signed cookie; anything else would make the ::uuid cast throw.
  if (!isUuid(sessionId)) return null;
  const [row] = await db.$queryRaw<SessionCheckRow[]>`
    SELECT s.user_id::text AS user_id, s.revoked_at, s.expires_at, s.last_seen_at, s.user_version, s.pending_step::text AS pending_step,
           u.email, u.role::text AS role, u.disabled_at, u.session_version,
           ARRAY(SELECT pa.project_id FROM project_assignments pa WHERE pa.user_id = u.id ORDER BY pa.project_id) AS project_ids
      FROM sessions s
      JOIN users u ON u.id = s.user_id
     WHERE s.id = ${sessionId}::uuid`;
  return row ?? null;
}

/**
 * The two rules every reader of a session applies (the pages' and actions' check, the half
 * signed-in steps', /api/auth/session's), kept here once so they cannot drift apart. First: the
 * row, unless the session is over — no such row for this user, or it was ended or has expired.
 */
function unlessOver(row: SessionCheckRow | null, userId: string, now: Date): SessionCheckRow | null {
  return row && row.user_id === userId && row.revoked_at === null && row.expires_at > now ? row : null;
}

/**
 * Second: a session's user lost the rights it was signed in with: disabled, or their session version
 * moved on (role changed, password changed elsewhere). The version compared is the one the session
 * row was signed in (or re-validated by a password change) for; the cookie's for rows older than
 * that column.
 */
function rightsWithdrawn(row: Pick<SessionCheckRow, 'disabled_at' | 'session_version' | 'user_version'>, cookieVersion: number): boolean {
  return row.disabled_at !== null || row.session_version !== (row.user_version ?? cookieVersion);
}

function sessionUserOf(row: SessionCheckRow) {
  return {
    id: row.user_id,
    email: row.email,
    role: row.role,
    disabledAt: row.disabled_at,
    sessionVersion: row.session_version,
    projectAssignments: row.project_ids.map((projectId) => ({ projectId })),
  };
}

/** What a session still owes: a waiting enrolment the policy no longer asks for is let through. */
async function stepOwed(db: Database, sessionId: string, row: SessionCheckRow, cookieVersion: number, clientAddress: string | null) {
  // Not for a session whose rights were withdrawn: its callers refuse those (and audit it).
  if (row.pending_step !== 'enrolment' || rightsWithdrawn(row, cookieVersion)) return row.pending_step;
  return reconsiderEnrolmentStep(db, { id: sessionId, user: sessionUserOf(row) }, clientAddress);
}

/**
 * The user behind a fully signed-in session: one that exists, belongs to that user, is neither
 * revoked nor expired nor half signed in (a second step still owed); null otherwise. `withdrawn`
 * says the user's rights were withdrawn since (the caller refuses and audits it). One query (the
 * session, its user and the user's project assignments, read together and fresh on every request:
 * nothing is cached across requests, so a revocation, a role change or a removed assignment holds
 * on the next one) — plus, at most once a minute per session, the write of its last-seen time (a
 * conditional update, so concurrent requests write it once). Prisma's nested select took three
 * queries (issue 19 §3).
 */
export async function liveSessionUser(db: Database, claims: SessionClaims, now = new Date(), clientAddress: string | null = null) {
  const row = unlessOver(await readSessionRow(db, claims.sessionId), claims.userId, now);
  if (!row) return null;
  if ((await stepOwed(db, claims.sessionId, row, claims.sessionVersion, clientAddress)) !== null) return null;
  const staleBefore = new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS);
  if (!row.last_seen_at || row.last_seen_at < staleBefore) {
    await db.session.updateMany({
      where: { id: claims.sessionId, OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: staleBefore } }] },
      data: { lastSeenAt: now },
    });
  }
  return { ...sessionUserOf(row), withdrawn: rightsWithdrawn(row, claims.sessionVersion) };
}

/** What a signed session cookie claims: whose session, which one, at which session version. */
export interface SessionClaims {
  sessionId: string;
  userId: string;
  sessionVersion: number;
}

/**
 * Whether a session cookie's claims still name a session the server honours (signed in, or half
 * signed in with a step owed), by the same rules as `liveSessionUser`. Read-only: for
 * /api/auth/session (lib/auth/options.ts), which shows who is signed in and must not keep showing
 * it once the session was ended.
 */
export async function isSessionCurrent(db: Database, claims: SessionClaims, now = new Date()): Promise<boolean> {
  const row = unlessOver(await readSessionRow(db, claims.sessionId), claims.userId, now);
  return row !== null && !rightsWithdrawn(row, claims.sessionVersion);
}

/** A live session as the Account page and the admins' Sessions page show it. */
export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string | null;
  expiresAt: string;
  clientAddress: string | null;
  /** Browser and operating system in words, from the User-Agent at sign-in. */
  device: string;
  isCurrent: boolean;
}

const SESSION_VIEW_SELECT = {
  id: true,
  createdAt: true,
  lastSeenAt: true,
  expiresAt: true,
  clientAddress: true,
  userAgent: true,
} satisfies Prisma.SessionSelect;

function toView(row: Prisma.SessionGetPayload<{ select: typeof SESSION_VIEW_SELECT }>, currentSessionId: string | undefined): SessionView {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString(),
    clientAddress: row.clientAddress,
    device: describeUserAgent(row.userAgent),
    isCurrent: row.id === currentSessionId,
  };
}

const liveWhere = (now: Date) => ({ revokedAt: null, expiresAt: { gt: now } }) satisfies Prisma.SessionWhereInput;

/** Most recently active first; the newest sign-in first among equals. */
const RECENT_FIRST = [{ lastSeenAt: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }, { id: 'asc' }] satisfies Prisma.SessionOrderByWithRelationInput[];

/**
 * A user's live sessions: at most one per sign-in within the session lifetime (12 hours), so a
 * short list; capped all the same.
 */
const OWN_SESSIONS_CAP = 200;

/** The caller's own live sessions, the current one marked. */
export async function listOwnSessions(context: RequestContext): Promise<SessionView[]> {
  const rows = await getDb().session.findMany({
    where: { userId: context.actor.id, ...liveWhere(new Date()) },
    select: SESSION_VIEW_SELECT,
    orderBy: RECENT_FIRST,
    take: OWN_SESSIONS_CAP,
  });
  return rows.map((row) => toView(row, context.sessionId));
}

/** Ends one of the caller's own sessions, or every one but the session making the request. */
export function endOwnSessions(context: RequestContext, rawInput: unknown) {
  const userId = context.actor.id;
  return runMutation(
    context,
    {
      action: 'account.end_sessions',
      auditAction: (input) => ('sessionId' in input ? 'account.end_session' : 'account.end_other_sessions'),
      schema: endOwnSessionsSchema,
      target: (input) => ('sessionId' in input ? { type: 'session', id: input.sessionId } : { type: 'user', id: userId, name: context.actor.email }),
      run: async (tx, input) => {
        const now = new Date();
        if ('sessionId' in input) {
          // Someone else's session answers like one that does not exist.
          const { count } = await tx.session.updateMany({ where: { id: input.sessionId, userId, ...liveWhere(now) }, data: { revokedAt: now } });
          if (count === 0) throw new AppError('not_found', 'That session has already ended.');
          return { data: { ended: count } };
        }
        const { count } = await tx.session.updateMany({
          where: { userId, ...liveWhere(now), ...(context.sessionId ? { id: { not: context.sessionId } } : {}) },
          data: { revokedAt: now },
        });
        return { data: { ended: count }, details: { ended: count } };
      },
    },
    rawInput,
  );
}

export interface UserSessionView extends SessionView {
  userId: string;
  userEmail: string;
}

export interface SessionPage {
  sessions: UserSessionView[];
  total: number;
  page: number;
  pageSize: number;
}

export const SESSIONS_PAGE_SIZE = 25;

/** Every user's live sessions (admins), filtered by e-mail, paginated in SQL. */
export async function listActiveSessions(context: RequestContext, rawQuery: unknown): Promise<ActionResult<SessionPage>> {
  const decision = authorize(context.actor, 'user.read_sessions');
  if (!decision.allowed) return fail('forbidden', 'You do not have permission to see other users’ sessions.');
  const parsed = listSessionsSchema.safeParse(rawQuery);
  if (!parsed.success) return fail('invalid_input', 'Invalid search.', fieldErrorsOf(parsed.error));
  const { page, query } = parsed.data;
  const db = getDb();
  const where = {
    ...liveWhere(new Date()),
    // A disabled user's sessions are no longer honoured (disabling ends them; older rows may remain).
    user: { disabledAt: null, ...(query ? { email: { contains: query.toLowerCase() } } : {}) },
  } satisfies Prisma.SessionWhereInput;
  const [total, rows] = await Promise.all([
    db.session.count({ where }),
    db.session.findMany({
      where,
      select: { ...SESSION_VIEW_SELECT, user: { select: { id: true, email: true } } },
      orderBy: [{ user: { email: 'asc' } }, ...RECENT_FIRST],
      skip: (page - 1) * SESSIONS_PAGE_SIZE,
      take: SESSIONS_PAGE_SIZE,
    }),
  ]);
  return ok({
    sessions: rows.map((row) => ({ ...toView(row, context.sessionId), userId: row.user.id, userEmail: row.user.email })),
    total,
    page,
    pageSize: SESSIONS_PAGE_SIZE,
  });
}

/** Ends one session of a user, or all of them (admins). */
export function endUserSessions(context: RequestContext, rawInput: unknown) {
  return runMutation(
    context,
    {
      action: 'user.end_sessions',
      auditAction: (input) => (input.sessionId ? 'user.end_session' : 'user.end_all_sessions'),
      schema: endUserSessionsSchema,
      target: (input) => ({ type: 'user', id: input.userId }),
      run: async (tx, input) => {
        const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true } });
        if (!user) throw new AppError('not_found', 'That user no longer exists.');
        const now = new Date();
        const { count } = await tx.session.updateMany({
          where: { userId: input.userId, ...liveWhere(now), ...(input.sessionId ? { id: input.sessionId } : {}) },
          data: { revokedAt: now },
        });
        if (input.sessionId && count === 0) throw new AppError('not_found', 'That session has already ended.');
        return { data: { ended: count }, details: { ended: count, ...(input.sessionId ? { sessionId: input.sessionId } : {}) } };
      },
    },
    rawInput,
  );
}

/** Audits an admin-only read refused (the Sessions page opened by someone else). */
export async function auditRefusedSessionsRead(context: RequestContext): Promise<void> {
  await recordAudit(getDb(), { actor: context.actor, action: 'user.read_sessions', outcome: 'refused', reason: `role ${context.actor.role} may not user.read_sessions`, clientAddress: context.clientAddress });
}

/**
 * A half-signed-in session (password checked, a second step owed) of an enabled user whose
 * session version still holds; null otherwise. Only the second-step pages ask for it.
 */
export async function pendingSession(db: Database, claims: SessionClaims, now = new Date()) {
  const row = unlessOver(await readSessionRow(db, claims.sessionId), claims.userId, now);
  if (!row || row.pending_step === null || rightsWithdrawn(row, claims.sessionVersion)) return null;
  // What it owes now (the policy may have been relaxed since): null once let through (a full session).
  const owed = await stepOwed(db, claims.sessionId, row, claims.sessionVersion, null);
  return owed === null ? null : { sessionId: claims.sessionId, pendingStep: owed, user: sessionUserOf(row) };
}
