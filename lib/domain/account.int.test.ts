// The Account page's password change and session list, and an admin ending someone's sessions,
// checked through the same cookie check every request runs (lib/auth/session.ts).
import { randomBytes } from 'node:crypto';
import { encode } from 'next-auth/jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAuthOptions } from '@/lib/auth/options';
import { contextFromSessionCookie } from '@/lib/auth/session';
import { ACCOUNT_POLICY } from '@/lib/auth/throttle';
import type { Database } from '@/lib/db';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser, TEST_PASSWORD } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { signInWithPassword } from './accounts';
import { changeUserRole, disableUser, enableUser } from './users';
import { changeOwnPassword, THROTTLED_MESSAGE, WRONG_PASSWORD_MESSAGE } from './account-password';
import type { RequestContext } from './context';
import { endOwnSessions, endUserSessions, LAST_SEEN_RESOLUTION_MS, listActiveSessions, listOwnSessions, liveSessionUser, startSession } from './sessions';

const CHROME_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36';
const newPassword = () => `new passphrase ${randomBytes(6).toString('hex')}`;

type User = Awaited<ReturnType<typeof createUser>>;

describe.each(TEST_DATABASE_KINDS)('account: password and sessions on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;

  beforeAll(() => {
    db = database.db;
  });

  /** A signed-in browser of `user`: its session row and the cookie value naming it (as next-auth signs it). */
  async function signedIn(user: User, options: { userAgent?: string; clientAddress?: string } = {}) {
    const sessionId = await startSession(db, user.id, {
      maxAgeSeconds: 3600,
      clientAddress: options.clientAddress ?? '10.9.0.1',
      userAgent: options.userAgent ?? CHROME_ON_LINUX,
      userVersion: user.sessionVersion,
    });
    const cookie = await encode({ token: { sub: user.id, sid: sessionId, sv: user.sessionVersion }, secret: getAuthOptions().secret! });
    const context: RequestContext = { ...contextFor(user), sessionId };
    return { sessionId, cookie, context };
  }

  const isSignedIn = async (cookie: string) => (await contextFromSessionCookie(cookie, '10.9.0.2')) !== null;

  describe('changing one’s password', () => {
    it('ends every other session, keeps the current one signed in, and takes the new password', async () => {
      const user = await createUser(db, { role: 'onboarder' });
      const current = await signedIn(user);
      const laptop = await signedIn(user, { clientAddress: '10.9.0.3' });
      const phone = await signedIn(user, { clientAddress: '10.9.0.4' });
      const someoneElse = await signedIn(await createUser(db, { role: 'onboarder' }));
      for (const browser of [current, laptop, phone, someoneElse]) expect(await isSignedIn(browser.cookie)).toBe(true);

      const seq = await lastAuditSeq(db);
      const password = newPassword();
      const result = await changeOwnPassword(current.context, { currentPassword: TEST_PASSWORD, password, confirmPassword: password });
      expect(result).toEqual({ ok: true, data: { endedSessions: 2 } });

      // The current cookie still carries the old session version, and keeps working.
      expect(await isSignedIn(current.cookie)).toBe(true);
      expect(await isSignedIn(laptop.cookie)).toBe(false);
      expect(await isSignedIn(phone.cookie)).toBe(false);
      expect(await isSignedIn(someoneElse.cookie)).toBe(true);

      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => [event.action, event.outcome, event.actorId, event.targetId])).toEqual([['account.change_password', 'succeeded', user.id, user.id]]);
      expect(events[0]?.details).toMatchObject({ endedSessions: 2 });
      expect(JSON.stringify(events, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(password);

      expect(await signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, null)).toEqual({ ok: false, reason: 'invalid' });
      expect(await signInWithPassword(db, { email: user.email, password }, null)).toMatchObject({ ok: true });
    });

    it('refuses a session signed in with the old password just before the change, even though its row is new', async () => {
      const user = await createUser(db, { role: 'reviewer' });
      const current = await signedIn(user);
      const password = newPassword();
      expect((await changeOwnPassword(current.context, { currentPassword: TEST_PASSWORD, password, confirmPassword: password })).ok).toBe(true);
      // A sign-in that verified the old password before the change, and wrote its session after.
      const racer = await signedIn(user);
      expect(await isSignedIn(racer.cookie)).toBe(false);
      expect(await isSignedIn(current.cookie)).toBe(true);
    });

    it('answers a wrong current password with a field error, changes nothing, and audits the refusal', async () => {
      const user = await createUser(db, { role: 'admin' });
      const current = await signedIn(user);
      const other = await signedIn(user);
      const before = await snapshotTables(db, ['audit_events', 'audit_refusal_windows', 'audit_chain_checkpoints', 'login_throttles']);
      const seq = await lastAuditSeq(db);
      const password = newPassword();
      const result = await changeOwnPassword(current.context, { currentPassword: 'not my password at all', password, confirmPassword: password });
      expect(result).toEqual({ ok: false, error: { code: 'invalid_input', message: WRONG_PASSWORD_MESSAGE, fieldErrors: { currentPassword: [WRONG_PASSWORD_MESSAGE] } } });
      expect(await snapshotTables(db, ['audit_events', 'audit_refusal_windows', 'audit_chain_checkpoints', 'login_throttles'])).toEqual(before);
      expect(await isSignedIn(other.cookie)).toBe(true);
      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => [event.action, event.outcome, event.reason, event.actorId])).toEqual([['account.change_password', 'refused', 'wrong current password', user.id]]);
    });

    it('is throttled like sign-in: after the account’s limit of wrong passwords even the right one is refused, and so is signing in', async () => {
      const user = await createUser(db, { role: 'reviewer' });
      const current = await signedIn(user);
      const password = newPassword();
      for (let attempt = 0; attempt < ACCOUNT_POLICY.limit; attempt += 1) {
        const wrong = await changeOwnPassword(current.context, { currentPassword: `wrong ${attempt}`, password, confirmPassword: password });
        expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      }
      const seq = await lastAuditSeq(db);
      const right = await changeOwnPassword(current.context, { currentPassword: TEST_PASSWORD, password, confirmPassword: password });
      expect(right).toEqual({ ok: false, error: { code: 'rate_limited', message: THROTTLED_MESSAGE } });
      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => [event.action, event.outcome, event.reason])).toEqual([['account.change_password', 'refused', 'throttled: too many failed attempts']]);
      // The same counter as the sign-in form: guesses here are guesses there.
      expect(await signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, '10.9.9.9')).toEqual({ ok: false, reason: 'throttled' });
      expect(await signInWithPassword(db, { email: user.email, password }, '10.9.9.9')).toEqual({ ok: false, reason: 'throttled' });
    });

    it('counts a burst of wrong passwords before verifying them: no more than the limit are checked', async () => {
      const user = await createUser(db, { role: 'reviewer' });
      const current = await signedIn(user);
      const password = newPassword();
      const burst = await Promise.all(
        Array.from({ length: ACCOUNT_POLICY.limit * 2 }, (_, index) => changeOwnPassword(current.context, { currentPassword: `burst ${index}`, password, confirmPassword: password })),
      );
      const refusedWithoutCheck = burst.filter((result) => !result.ok && result.error.code === 'rate_limited').length;
      expect(refusedWithoutCheck).toBeGreaterThanOrEqual(ACCOUNT_POLICY.limit);
      expect(burst.every((result) => !result.ok)).toBe(true);
    });

    it('checks the new password and its confirmation first, without counting an attempt', async () => {
      const user = await createUser(db, { role: 'onboarder' });
      const current = await signedIn(user);
      for (let attempt = 0; attempt <= ACCOUNT_POLICY.limit; attempt += 1) {
        const mismatch = await changeOwnPassword(current.context, { currentPassword: TEST_PASSWORD, password: newPassword(), confirmPassword: newPassword() });
        expect(mismatch).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { confirmPassword: ['The passwords do not match.'] } } });
      }
      const short = await changeOwnPassword(current.context, { currentPassword: TEST_PASSWORD, password: 'short', confirmPassword: 'short' });
      expect(short).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { password: ['Use at least 12 characters.'] } } });
      const password = newPassword();
      expect(await changeOwnPassword(current.context, { currentPassword: TEST_PASSWORD, password, confirmPassword: password })).toMatchObject({ ok: true });
    });
  });

  describe('one’s own sessions', () => {
    it('lists the live ones, newest activity first, this session marked, with the browser in words', async () => {
      const user = await createUser(db, { role: 'reviewer' });
      const current = await signedIn(user);
      const firefox = await signedIn(user, { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', clientAddress: '10.9.1.1' });
      const ended = await signedIn(user);
      await db.session.update({ where: { id: ended.sessionId }, data: { revokedAt: new Date() } });
      await db.session.update({ where: { id: firefox.sessionId }, data: { lastSeenAt: new Date(Date.now() + 1000) } });
      const sessions = await listOwnSessions(current.context);
      expect(sessions.map((session) => [session.id, session.isCurrent])).toEqual([
        [firefox.sessionId, false],
        [current.sessionId, true],
      ]);
      expect(sessions[0]).toMatchObject({ clientAddress: '10.9.1.1', device: expect.stringMatching(/^Firefox 133 on Windows/) });
      expect(sessions[1]?.device).toBe('Chrome 131 on Linux');
    });

    it('ends one session (its cookie stops working) but not someone else’s', async () => {
      const user = await createUser(db, { role: 'onboarder' });
      const current = await signedIn(user);
      const old = await signedIn(user);
      const stranger = await signedIn(await createUser(db, { role: 'admin' }));

      const refused = await endOwnSessions(current.context, { sessionId: stranger.sessionId });
      expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await isSignedIn(stranger.cookie)).toBe(true);

      const seq = await lastAuditSeq(db);
      expect(await endOwnSessions(current.context, { sessionId: old.sessionId })).toEqual({ ok: true, data: { ended: 1 } });
      expect(await isSignedIn(old.cookie)).toBe(false);
      expect(await isSignedIn(current.cookie)).toBe(true);
      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => [event.action, event.outcome, event.targetType, event.targetId])).toEqual([['account.end_session', 'succeeded', 'session', old.sessionId]]);
    });

    it('ends every other session and keeps this one', async () => {
      const user = await createUser(db, { role: 'admin' });
      const current = await signedIn(user);
      const others = [await signedIn(user), await signedIn(user)];
      expect(await endOwnSessions(current.context, { scope: 'others' })).toEqual({ ok: true, data: { ended: 2 } });
      for (const other of others) expect(await isSignedIn(other.cookie)).toBe(false);
      expect(await isSignedIn(current.cookie)).toBe(true);
      expect(await endOwnSessions(current.context, { scope: 'everything' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    });

    it('writes last seen at most once a minute per session', async () => {
      const user = await createUser(db, { role: 'reviewer' });
      const { sessionId } = await signedIn(user);
      const start = (await db.session.findUniqueOrThrow({ where: { id: sessionId } })).lastSeenAt!;
      await liveSessionUser(db, { sessionId: sessionId, userId: user.id, sessionVersion: user.sessionVersion }, new Date(start.getTime() + LAST_SEEN_RESOLUTION_MS - 1000));
      expect((await db.session.findUniqueOrThrow({ where: { id: sessionId } })).lastSeenAt).toEqual(start);
      const later = new Date(start.getTime() + LAST_SEEN_RESOLUTION_MS + 1000);
      await liveSessionUser(db, { sessionId: sessionId, userId: user.id, sessionVersion: user.sessionVersion }, later);
      expect((await db.session.findUniqueOrThrow({ where: { id: sessionId } })).lastSeenAt).toEqual(later);
    });
  });

  describe('an admin and another user’s sessions', () => {
    it('lists everyone’s live sessions filtered by e-mail, and ends one or all of a user’s; each is audited', async () => {
      const admin = await createUser(db, { role: 'admin' });
      const adminBrowser = await signedIn(admin);
      const member = await createUser(db, { role: 'reviewer' });
      const [first, second, third] = [await signedIn(member), await signedIn(member), await signedIn(member)];

      const page = await listActiveSessions(adminBrowser.context, { page: 1, query: member.email });
      expect(page.ok && page.data.sessions.map((session) => session.userEmail)).toEqual([member.email, member.email, member.email]);
      expect(page.ok && page.data.total).toBe(3);

      const seq = await lastAuditSeq(db);
      expect(await endUserSessions(adminBrowser.context, { userId: member.id, sessionId: first!.sessionId })).toEqual({ ok: true, data: { ended: 1 } });
      expect(await isSignedIn(first!.cookie)).toBe(false);
      expect(await isSignedIn(second!.cookie)).toBe(true);
      expect(await endUserSessions(adminBrowser.context, { userId: member.id })).toEqual({ ok: true, data: { ended: 2 } });
      for (const browser of [second!, third!]) expect(await isSignedIn(browser.cookie)).toBe(false);
      expect(await isSignedIn(adminBrowser.cookie)).toBe(true);
      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => [event.action, event.outcome, event.actorId, event.targetId])).toEqual([
        ['user.end_session', 'succeeded', admin.id, member.id],
        ['user.end_all_sessions', 'succeeded', admin.id, member.id],
      ]);
    });

    it('lists no session of a disabled or re-roled user as active: disabling or changing the role ends them', async () => {
      const admin = await createUser(db, { role: 'admin' });
      const adminBrowser = await signedIn(admin);
      const listed = async (user: User) => {
        const page = await listActiveSessions(adminBrowser.context, { page: 1, query: user.email });
        return page.ok ? page.data.sessions.map((session) => session.id) : page.error.code;
      };

      const disabled = await createUser(db, { role: 'reviewer' });
      const disabledBrowsers = [await signedIn(disabled), await signedIn(disabled)];
      expect(await listed(disabled)).toHaveLength(2);
      expect(await disableUser(adminBrowser.context, { userId: disabled.id })).toMatchObject({ ok: true });
      expect(await listed(disabled)).toEqual([]);
      const rows = await db.session.findMany({ where: { id: { in: disabledBrowsers.map((browser) => browser.sessionId) } } });
      expect(rows.map((row) => row.revokedAt)).toEqual([expect.any(Date), expect.any(Date)]);
      // Enabling the account again does not bring an old cookie back.
      expect(await enableUser(adminBrowser.context, { userId: disabled.id })).toMatchObject({ ok: true });
      for (const browser of disabledBrowsers) expect(await isSignedIn(browser.cookie)).toBe(false);
      expect(await listed(disabled)).toEqual([]);

      const demoted = await createUser(db, { role: 'onboarder' });
      await signedIn(demoted);
      expect(await changeUserRole(adminBrowser.context, { userId: demoted.id, role: 'reviewer' })).toMatchObject({ ok: true });
      expect(await listed(demoted)).toEqual([]);

      // A session row of a disabled user that predates this (never revoked) is not listed either.
      const legacy = await createUser(db, { role: 'reviewer' });
      await signedIn(legacy);
      await db.user.update({ where: { id: legacy.id }, data: { disabledAt: new Date(), sessionVersion: { increment: 1 } } });
      expect(await listed(legacy)).toEqual([]);
    });

    it('is refused to reviewers and onboarders, with nothing ended', async () => {
      const member = await createUser(db, { role: 'admin' });
      const browser = await signedIn(member);
      for (const role of ['reviewer', 'onboarder'] as const) {
        const caller = (await signedIn(await createUser(db, { role }))).context;
        expect(await listActiveSessions(caller, { page: 1, query: '' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        expect(await endUserSessions(caller, { userId: member.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        expect(await isSignedIn(browser.cookie)).toBe(true);
      }
    });
  });
});
