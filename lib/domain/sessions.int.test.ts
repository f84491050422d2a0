import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { createProjects, createUser } from '@/lib/testing/fixtures';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { endSession, isSessionCurrent, liveSessionUser, pendingSession, startSession, type SessionClaims } from './sessions';

describe.each(TEST_DATABASE_KINDS)('server-side sessions on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  beforeAll(() => {
    db = database.db;
  });

  it('is live from sign-in until sign-out, and only for its own user (whom it returns)', async () => {
    const user = await createUser(db, { role: 'reviewer' });
    const other = await createUser(db, { role: 'reviewer' });
    const sessionId = await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: '10.0.0.7' });
    expect((await liveSessionUser(db, { sessionId, userId: user.id, sessionVersion: user.sessionVersion }))?.id).toBe(user.id);
    expect(await liveSessionUser(db, { sessionId, userId: other.id, sessionVersion: other.sessionVersion })).toBeNull();
    expect((await db.session.findUniqueOrThrow({ where: { id: sessionId } })).clientAddress).toBe('10.0.0.7');

    await endSession(db, sessionId);
    expect(await liveSessionUser(db, { sessionId, userId: user.id, sessionVersion: user.sessionVersion })).toBeNull();
    // Ending it twice keeps the first revocation time.
    const revokedAt = (await db.session.findUniqueOrThrow({ where: { id: sessionId } })).revokedAt;
    await endSession(db, sessionId);
    expect((await db.session.findUniqueOrThrow({ where: { id: sessionId } })).revokedAt).toEqual(revokedAt);
  });

  it('tells /api/auth/session whether a cookie’s session is still honoured: not once ended, disabled or re-versioned', async () => {
    const user = await createUser(db, { role: 'reviewer' });
    const claimsOf = (sessionId: string) => ({ sessionId, userId: user.id, sessionVersion: user.sessionVersion });
    const ended = await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, userVersion: user.sessionVersion });
    // Half signed in is still a session of the server's (the second step is owed on it).
    const pending = await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, userVersion: user.sessionVersion, pendingStep: 'second_factor' });
    expect(await isSessionCurrent(db, claimsOf(ended))).toBe(true);
    expect(await isSessionCurrent(db, claimsOf(pending))).toBe(true);
    expect(await isSessionCurrent(db, { ...claimsOf(ended), userId: (await createUser(db, { role: 'admin' })).id })).toBe(false);
    expect(await isSessionCurrent(db, claimsOf('not-a-session'))).toBe(false);

    await endSession(db, ended);
    expect(await isSessionCurrent(db, claimsOf(ended))).toBe(false);
    await db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect(await isSessionCurrent(db, claimsOf(pending))).toBe(false);
    await db.user.update({ where: { id: user.id }, data: { disabledAt: null, sessionVersion: { increment: 1 } } });
    expect(await isSessionCurrent(db, claimsOf(pending))).toBe(false);
  });

  it('gives the same answer to every reader: /api/auth/session honours a cookie exactly when the pages or the second-step pages do', async () => {
    const verdicts = async (claims: SessionClaims) => {
      const live = await liveSessionUser(db, claims);
      const pending = await pendingSession(db, claims);
      return { pages: Boolean(live && !live.withdrawn), secondStep: pending !== null, sessionEndpoint: await isSessionCurrent(db, claims) };
    };
    const situations: Record<string, () => Promise<SessionClaims>> = {
      'signed in': async () => {
        const user = await createUser(db, { role: 'reviewer' });
        return { sessionId: await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, userVersion: user.sessionVersion }), userId: user.id, sessionVersion: user.sessionVersion };
      },
      'second step owed': async () => {
        const user = await createUser(db, { role: 'reviewer' });
        return { sessionId: await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, userVersion: user.sessionVersion, pendingStep: 'second_factor' }), userId: user.id, sessionVersion: user.sessionVersion };
      },
      'signed out': async () => {
        const user = await createUser(db, { role: 'reviewer' });
        const sessionId = await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, userVersion: user.sessionVersion });
        await endSession(db, sessionId);
        return { sessionId, userId: user.id, sessionVersion: user.sessionVersion };
      },
      expired: async () => {
        const user = await createUser(db, { role: 'reviewer' });
        const sessionId = await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, userVersion: user.sessionVersion, pendingStep: 'second_factor' });
        await db.session.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
        return { sessionId, userId: user.id, sessionVersion: user.sessionVersion };
      },
      'disabled, second step owed': async () => {
        const user = await createUser(db, { role: 'reviewer' });
        const sessionId = await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, userVersion: user.sessionVersion, pendingStep: 'second_factor' });
        await db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
        return { sessionId, userId: user.id, sessionVersion: user.sessionVersion };
      },
      'role changed since': async () => {
        const user = await createUser(db, { role: 'reviewer' });
        const sessionId = await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, userVersion: user.sessionVersion });
        await db.user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
        return { sessionId, userId: user.id, sessionVersion: user.sessionVersion };
      },
      // A row from before the session-version column: the cookie's version is the one compared.
      'old row, stale cookie': async () => {
        const user = await createUser(db, { role: 'reviewer' });
        const sessionId = await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, pendingStep: 'second_factor' });
        return { sessionId, userId: user.id, sessionVersion: user.sessionVersion + 1 };
      },
      "another user's cookie": async () => {
        const user = await createUser(db, { role: 'reviewer' });
        const other = await createUser(db, { role: 'reviewer' });
        return { sessionId: await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, userVersion: user.sessionVersion }), userId: other.id, sessionVersion: other.sessionVersion };
      },
    };
    const seen: Record<string, Awaited<ReturnType<typeof verdicts>>> = {};
    for (const [name, arrange] of Object.entries(situations)) seen[name] = await verdicts(await arrange());
    const honoured = { pages: true, secondStep: false, sessionEndpoint: true };
    const halfway = { pages: false, secondStep: true, sessionEndpoint: true };
    const refused = { pages: false, secondStep: false, sessionEndpoint: false };
    expect(seen).toEqual({
      'signed in': honoured,
      'second step owed': halfway,
      'signed out': refused,
      expired: refused,
      'disabled, second step owed': refused,
      'role changed since': refused,
      'old row, stale cookie': refused,
      "another user's cookie": refused,
    });
  });

  it('is not live once expired, nor when unknown; sessions expired for a day are cleared at the next sign-in', async () => {
    const user = await createUser(db, { role: 'admin' });
    const expired = await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null });
    await db.session.update({ where: { id: expired }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await liveSessionUser(db, { sessionId: expired, userId: user.id, sessionVersion: user.sessionVersion })).toBeNull();
    expect(await liveSessionUser(db, { sessionId: '00000000-0000-4000-8000-000000000000', userId: user.id, sessionVersion: user.sessionVersion })).toBeNull();

    await db.session.update({ where: { id: expired }, data: { expiresAt: new Date(Date.now() - 25 * 60 * 60 * 1000) } });
    await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null });
    expect(await db.session.findUnique({ where: { id: expired } })).toBeNull();
  });

  it('reads the user, their role, status and project assignments afresh on every check (one query), so a change holds on the next request', async () => {
    const projects = [`sessions-a-${Date.now()}`, `sessions-b-${Date.now()}`];
    await createProjects(db, projects);
    const user = await createUser(db, { role: 'onboarder', projectIds: projects });
    const sessionId = await startSession(db, user.id, { maxAgeSeconds: 60, clientAddress: null, userVersion: user.sessionVersion });
    const first = await liveSessionUser(db, { sessionId, userId: user.id, sessionVersion: user.sessionVersion });
    expect(first).toMatchObject({ id: user.id, email: user.email, role: 'onboarder', disabledAt: null, sessionVersion: user.sessionVersion, withdrawn: false });
    expect(first?.projectAssignments.map((assignment) => assignment.projectId).sort()).toEqual([...projects].sort());

    await db.projectAssignment.delete({ where: { userId_projectId: { userId: user.id, projectId: projects[0]! } } });
    await db.user.update({ where: { id: user.id }, data: { role: 'reviewer', sessionVersion: { increment: 1 }, disabledAt: new Date() } });
    const second = await liveSessionUser(db, { sessionId, userId: user.id, sessionVersion: user.sessionVersion });
    expect(second).toMatchObject({ role: 'reviewer', sessionVersion: user.sessionVersion + 1, withdrawn: true });
    expect(second?.disabledAt).toBeInstanceOf(Date);
    expect(second?.projectAssignments).toEqual([{ projectId: projects[1] }]);

    // A session id that is no UUID (never issued) is no session, not a database error.
    expect(await liveSessionUser(db, { sessionId: 'not-a-session', userId: user.id, sessionVersion: user.sessionVersion })).toBeNull();
  });
});
