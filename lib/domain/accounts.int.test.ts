import { randomBytes } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOneTimeLink, digestOf, SETUP_LINK_TTL_MS } from '@/lib/auth/one-time-link';
import { verifyPassword } from '@/lib/auth/password';
import { STRANGER_REFUSALS_IN_FULL } from '@/lib/audit/record';
import { accountKey, ACCOUNT_POLICY, addressKey, ADDRESS_POLICY, LINK_POLICY } from '@/lib/auth/throttle';
import type { Database } from '@/lib/db';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser, TEST_PASSWORD } from '@/lib/testing/fixtures';
import { auditEventsSince, databaseText, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import {
  acceptInvitation,
  completeFirstAdminSetup,
  describeInvitation,
  isSetupLinkUsable,
  prepareFirstRun,
  signInWithPassword,
  signInWithSso,
} from './accounts';
import { inviteUser } from './users';

// Counts real password verifications (argon2 still runs), and can hold one password's verification
// until released, so that a test can interleave other attempts with it.
const verification = vi.hoisted(() => ({ count: 0, held: new Map<string, Promise<void>>() }));
vi.mock('@/lib/auth/password', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/auth/password')>();
  return {
    ...real,
    verifyPassword: async (storedHash: string | null | undefined, password: string) => {
      verification.count += 1;
      await verification.held.get(password);
      return real.verifyPassword(storedHash, password);
    },
  };
});

const BASE_URL = new URL('https://keys.example.com');
const NEW_PASSWORD = 'a brand new passphrase';

const unique = () => randomBytes(5).toString('hex');
const uniqueEmail = (label: string) => `${label}-${unique()}@example.com`;
/** A client address no other test uses, so that per-address throttling never leaks between tests. */
let addressCounter = 0;
const freshAddress = () => `198.51.${Math.floor(addressCounter / 250)}.${(addressCounter++ % 250) + 1}`;

function tokenFrom(url: string, path: 'setup' | 'invite'): string {
  const match = new RegExp(`^https://keys\\.example\\.com/${path}/([A-Za-z0-9_-]{20,})$`).exec(url);
  expect(match, `not a ${path} URL: ${url}`).not.toBeNull();
  return match![1]!;
}

describe.each(TEST_DATABASE_KINDS)('accounts on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;

  beforeAll(() => {
    db = database.db;
  });

  async function withAudit<T>(call: () => Promise<T>) {
    const seq = await lastAuditSeq(db);
    const result = await call();
    return { result, events: await auditEventsSince(db, seq) };
  }

  describe('first run', () => {
    // Each test starts from an instance with no dashboard user and no link.
    beforeEach(async () => {
      await db.user.deleteMany({});
      await db.oneTimeLink.deleteMany({});
    });

    async function setupToken(): Promise<string> {
      const result = await prepareFirstRun(db, { baseUrl: BASE_URL });
      expect(result.kind).toBe('setup');
      return result.kind === 'setup' ? tokenFrom(result.url, 'setup') : '';
    }

    const setupInput = (token: string, overrides: Record<string, unknown> = {}) => ({
      token,
      email: 'First.Admin@Example.com',
      name: 'First Admin',
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
      ...overrides,
    });

    it('prints a set-up link valid for an hour when there is no admin, storing only its digest', async () => {
      const started = Date.now();
      const result = await prepareFirstRun(db, { baseUrl: BASE_URL });
      expect(result.kind).toBe('setup');
      if (result.kind !== 'setup') return;
      const token = tokenFrom(result.url, 'setup');
      expect(result.expiresAt.getTime()).toBeGreaterThanOrEqual(started + SETUP_LINK_TTL_MS);
      expect(result.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + SETUP_LINK_TTL_MS);
      expect(await isSetupLinkUsable(token)).toBe(true);
      expect((await db.oneTimeLink.findMany()).map((link) => link.tokenHash)).toEqual([digestOf(token)]);
      expect(await databaseText(db)).not.toContain(token);
    });

    it('invalidates the previous set-up link when it prints a new one', async () => {
      const first = await setupToken();
      const second = await setupToken();
      expect(await isSetupLinkUsable(first)).toBe(false);
      expect(await isSetupLinkUsable(second)).toBe(true);
      expect(await completeFirstAdminSetup(setupInput(first), null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await db.user.count()).toBe(0);
    });

    it('does not count an admin invitation nobody accepted: the instance still needs a set-up', async () => {
      await createUser(db, { role: 'admin', activated: false });
      const token = await setupToken();
      expect(await isSetupLinkUsable(token)).toBe(true);
    });

    it('does not count a disabled admin: the instance still needs a set-up', async () => {
      await createUser(db, { role: 'admin', disabled: true });
      const token = await setupToken();
      expect(await isSetupLinkUsable(token)).toBe(true);
      const result = await completeFirstAdminSetup(setupInput(token), null);
      expect(result).toEqual({ ok: true, data: { email: 'first.admin@example.com' } });
    });

    it('provisions the admin from KEYWARDEN_ADMIN_EMAIL/PASSWORD and audits it, without a set-up link', async () => {
      const email = uniqueEmail('bootstrap');
      const { result, events } = await withAudit(() =>
        prepareFirstRun(db, { bootstrapAdmin: { email, password: NEW_PASSWORD }, baseUrl: BASE_URL }),
      );
      expect(result).toEqual({ kind: 'provisioned', email });
      const admin = await db.user.findUniqueOrThrow({ where: { email } });
      expect(admin).toMatchObject({ role: 'admin', disabledAt: null });
      expect(await verifyPassword(admin.passwordHash, NEW_PASSWORD)).toBe(true);
      expect(await db.oneTimeLink.count()).toBe(0);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'setup.provision_admin', outcome: 'succeeded', actorEmail: email, actorId: null });
      expect(await databaseText(db)).not.toContain(NEW_PASSWORD);
    });

    it('provisioning writes the second-factor policy of KEYWARDEN_ADMIN_SECOND_FACTOR, audited; without it the policy stays', async () => {
      const policy = async () => (await db.organisationPolicy.findUnique({ where: { id: 1 } }))?.secondFactorRequiredFor ?? 'admins';
      expect(await policy()).toBe('admins');
      await prepareFirstRun(db, { bootstrapAdmin: { email: uniqueEmail('plain'), password: NEW_PASSWORD }, baseUrl: BASE_URL });
      expect(await policy()).toBe('admins');
      await db.user.updateMany({ where: { role: 'admin' }, data: { disabledAt: new Date() } });
      const email = uniqueEmail('unattended');
      const { events } = await withAudit(() => prepareFirstRun(db, { bootstrapAdmin: { email, password: NEW_PASSWORD, secondFactorRequiredFor: 'nobody' }, baseUrl: BASE_URL }));
      expect(await policy()).toBe('nobody');
      expect(events.map((event) => [event.action, event.outcome])).toEqual([
        ['setup.provision_admin', 'succeeded'],
        ['second_factor.set_policy', 'succeeded'],
      ]);
      expect(events[1]).toMatchObject({ actorEmail: email, details: { before: 'admins', after: 'nobody' } });
      await db.organisationPolicy.update({ where: { id: 1 }, data: { secondFactorRequiredFor: 'admins' } });
    });

    it('provisioning turns an existing account into an active admin and ends its sessions', async () => {
      const existing = await createUser(db, { role: 'reviewer', disabled: true });
      const result = await prepareFirstRun(db, { bootstrapAdmin: { email: existing.email, password: NEW_PASSWORD }, baseUrl: BASE_URL });
      expect(result).toEqual({ kind: 'provisioned', email: existing.email });
      const after = await db.user.findUniqueOrThrow({ where: { id: existing.id } });
      expect(after).toMatchObject({ role: 'admin', disabledAt: null, sessionVersion: existing.sessionVersion + 1 });
      expect(await verifyPassword(after.passwordHash, NEW_PASSWORD)).toBe(true);
    });

    it('is ready, and changes nothing, once an active admin exists', async () => {
      await createUser(db, { role: 'admin' });
      const before = await snapshotTables(db);
      expect(await prepareFirstRun(db, { baseUrl: BASE_URL })).toEqual({ kind: 'ready' });
      expect(await prepareFirstRun(db, { bootstrapAdmin: { email: uniqueEmail('late'), password: NEW_PASSWORD }, baseUrl: BASE_URL })).toEqual({
        kind: 'ready',
      });
      expect(await snapshotTables(db)).toEqual(before);
    });

    it('creates the first admin from a valid link and audits it', async () => {
      const token = await setupToken();
      const { result, events } = await withAudit(() => completeFirstAdminSetup(setupInput(token), '203.0.113.7'));
      expect(result).toEqual({ ok: true, data: { email: 'first.admin@example.com' } });
      const admin = await db.user.findUniqueOrThrow({ where: { email: 'first.admin@example.com' } });
      expect(admin).toMatchObject({ role: 'admin', name: 'First Admin', disabledAt: null });
      expect(await verifyPassword(admin.passwordHash, NEW_PASSWORD)).toBe(true);
      expect(await isSetupLinkUsable(token)).toBe(false);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'setup.first_admin',
        outcome: 'succeeded',
        actorId: admin.id,
        actorRole: 'admin',
        clientAddress: '203.0.113.7',
      });
      expect(await databaseText(db)).not.toContain(NEW_PASSWORD);
    });

    it('refuses a link that has been used, even once no admin is left', async () => {
      const token = await setupToken();
      expect((await completeFirstAdminSetup(setupInput(token), null)).ok).toBe(true);
      await db.user.deleteMany({});
      const { result, events } = await withAudit(() => completeFirstAdminSetup(setupInput(token, { email: 'second@example.com' }), null));
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await db.user.count()).toBe(0);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'setup.first_admin', outcome: 'refused', actorEmail: 'second@example.com' });
    });

    it('refuses an expired link', async () => {
      const token = await setupToken();
      await db.oneTimeLink.update({ where: { tokenHash: digestOf(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect(await isSetupLinkUsable(token)).toBe(false);
      const { result, events } = await withAudit(() => completeFirstAdminSetup(setupInput(token), null));
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await db.user.count()).toBe(0);
      expect(events.map((event) => event.outcome)).toEqual(['refused']);
    });

    it('refuses a second admin through a second link', async () => {
      const first = await setupToken();
      // A second link printed alongside the first (another instance starting at the same time).
      const second = (await createOneTimeLink(db, 'first_admin_setup', SETUP_LINK_TTL_MS)).token;
      expect(await isSetupLinkUsable(second)).toBe(true);
      expect((await completeFirstAdminSetup(setupInput(first), null)).ok).toBe(true);
      expect(await isSetupLinkUsable(second)).toBe(false);
      const result = await completeFirstAdminSetup(setupInput(second, { email: 'intruder@example.com' }), null);
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await db.user.count({ where: { role: 'admin' } })).toBe(1);
    });

    it('creates one admin when the same link is submitted several times at once', async () => {
      // Two different links racing are covered, deterministically, by admin-races.int.test.ts.
      const token = await setupToken();
      const results = await Promise.all(
        ['racer-1', 'racer-2', 'racer-3'].map((name) => completeFirstAdminSetup(setupInput(token, { email: `${name}@example.com` }), null)),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(await db.user.count({ where: { role: 'admin' } })).toBe(1);
    });

    it('reports mismatched passwords as a field error and keeps the link usable', async () => {
      const token = await setupToken();
      const result = await completeFirstAdminSetup(setupInput(token, { confirmPassword: `${NEW_PASSWORD}!` }), null);
      expect(result).toEqual({
        ok: false,
        error: { code: 'invalid_input', message: expect.any(String), fieldErrors: { confirmPassword: [expect.any(String)] } },
      });
      expect(await db.user.count()).toBe(0);
      expect(await isSetupLinkUsable(token)).toBe(true);
    });
  });

  describe('invitations', () => {
    async function invite(role: 'admin' | 'onboarder' | 'reviewer' = 'reviewer') {
      const admin = await createUser(db, { role: 'admin' });
      const email = uniqueEmail('invitee');
      const result = await inviteUser(contextFor(admin), { email, role }, BASE_URL);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (!result.ok) throw new Error('invitation failed');
      return { email, userId: result.data.userId, token: tokenFrom(result.data.url, 'invite') };
    }

    const acceptInput = (token: string, password = NEW_PASSWORD, overrides: Record<string, unknown> = {}) => ({
      token,
      name: 'New Colleague',
      password,
      confirmPassword: password,
      ...overrides,
    });

    it('describes a valid invitation and nothing else', async () => {
      const { email, token } = await invite('onboarder');
      expect(await describeInvitation(token)).toEqual({ email, role: 'onboarder' });
      expect(await describeInvitation(randomBytes(32).toString('base64url'))).toBeNull();
      expect(await describeInvitation('short')).toBeNull();
      // A set-up link is not an invitation.
      const setup = await createOneTimeLink(db, 'first_admin_setup', SETUP_LINK_TTL_MS);
      expect(await describeInvitation(setup.token)).toBeNull();
    });

    it('sets the password and name, ends older sessions, and works once', async () => {
      const { email, userId, token } = await invite();
      const before = await db.user.findUniqueOrThrow({ where: { id: userId } });
      const { result, events } = await withAudit(() => acceptInvitation(acceptInput(token), '203.0.113.8'));
      expect(result).toEqual({ ok: true, data: { email } });
      const after = await db.user.findUniqueOrThrow({ where: { id: userId } });
      expect(after.name).toBe('New Colleague');
      expect(after.sessionVersion).toBe(before.sessionVersion + 1);
      expect(await verifyPassword(after.passwordHash, NEW_PASSWORD)).toBe(true);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'invitation.accept', outcome: 'succeeded', actorId: userId, clientAddress: '203.0.113.8' });
      expect(await describeInvitation(token)).toBeNull();

      // A second use, with another password, is refused and changes nothing.
      const again = await withAudit(() => acceptInvitation(acceptInput(token, 'someone else chose this'), null));
      expect(again.result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash).toBe(after.passwordHash);
      expect(again.events.map((event) => event.outcome)).toEqual(['refused']);

      const signIn = await signInWithPassword(db, { email, password: NEW_PASSWORD }, freshAddress());
      expect(signIn.ok).toBe(true);
      expect(await databaseText(db)).not.toContain(NEW_PASSWORD);
    });

    it('refuses the invitation of a disabled user', async () => {
      const { userId, token } = await invite();
      await db.user.update({ where: { id: userId }, data: { disabledAt: new Date() } });
      expect(await describeInvitation(token)).toBeNull();
      const { result, events } = await withAudit(() => acceptInvitation(acceptInput(token), null));
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash).toBeNull();
      expect(events.map((event) => event.outcome)).toEqual(['refused']);
    });

    it('refuses an expired invitation', async () => {
      const { userId, token } = await invite();
      await db.oneTimeLink.update({ where: { tokenHash: digestOf(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect(await describeInvitation(token)).toBeNull();
      expect(await acceptInvitation(acceptInput(token), null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash).toBeNull();
    });

    it('reports mismatched passwords as a field error and keeps the invitation usable', async () => {
      const { email, token } = await invite();
      const result = await acceptInvitation(acceptInput(token, NEW_PASSWORD, { confirmPassword: 'not the same thing' }), null);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { confirmPassword: [expect.any(String)] } } });
      expect(await describeInvitation(token)).toEqual({ email, role: 'reviewer' });
    });
  });

  describe('link attempts from one address', () => {
    it(`are throttled after ${LINK_POLICY.limit} bad links, audited in a handful of claimed rows, and a good link gives its attempt back`, async () => {
      const address = freshAddress();
      const { result: good } = await withAudit(async () => {
        const { token } = await createOneTimeLink(db, 'invitation', 60_000, (await createUser(db, { role: 'reviewer', activated: false })).id);
        return acceptInvitation({ token, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, address);
      });
      expect(good.ok).toBe(true);
      const { events } = await withAudit(async () => {
        const answers: string[] = [];
        for (let attempt = 0; attempt < 40; attempt += 1) {
          const bad = { token: randomBytes(32).toString('base64url'), password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
          const result = attempt % 2 ? await acceptInvitation(bad, address) : await completeFirstAdminSetup({ ...bad, email: uniqueEmail(`typed${attempt}`) }, address);
          answers.push(result.ok ? 'ok' : result.error.code);
        }
        // The good link's attempt was given back: all ten are left for the bad ones.
        expect(answers.slice(0, LINK_POLICY.limit)).toEqual(Array<string>(LINK_POLICY.limit).fill('forbidden'));
        expect(answers.slice(LINK_POLICY.limit)).toEqual(Array<string>(40 - LINK_POLICY.limit).fill('rate_limited'));
      });
      // Per action: three rows in full and one notice that the rest is counted.
      expect(events).toHaveLength(2 * (STRANGER_REFUSALS_IN_FULL + 1));
      const typed = events.filter((event) => event.actorEmail);
      expect(typed.length).toBeGreaterThan(0);
      expect(typed.every((event) => event.actorClaimed)).toBe(true);
    });
  });

  describe('signInWithPassword', () => {
    it('signs in with the right password, gives back the account failures and records the time', async () => {
      const user = await createUser(db, { role: 'reviewer' });
      const address = freshAddress();
      for (let attempt = 0; attempt < 2; attempt += 1) {
        expect(await signInWithPassword(db, { email: user.email, password: 'wrong password!' }, address)).toEqual({ ok: false, reason: 'invalid' });
      }
      expect((await db.loginThrottle.findUniqueOrThrow({ where: { key: accountKey(user.email) } })).failures).toBe(2);

      const started = Date.now();
      const result = await signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, address);
      expect(result).toEqual({ ok: true, user: { id: user.id, email: user.email, name: null, sessionVersion: user.sessionVersion, role: user.role } });
      expect(await db.loginThrottle.findUniqueOrThrow({ where: { key: accountKey(user.email) } })).toMatchObject({ failures: 0, blockedUntil: null });
      const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(after.lastSignInAt?.getTime()).toBeGreaterThanOrEqual(started - 1000);

      // The counter really restarted: as many failures as the limit allows still say 'invalid'.
      for (let attempt = 0; attempt < ACCOUNT_POLICY.limit - 1; attempt += 1) {
        expect(await signInWithPassword(db, { email: user.email, password: 'wrong password!' }, freshAddress())).toEqual({
          ok: false,
          reason: 'invalid',
        });
      }
      expect((await signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, freshAddress())).ok).toBe(true);
    });

    it('accepts the e-mail address in any case and with surrounding spaces', async () => {
      const user = await createUser(db, { role: 'admin' });
      const result = await signInWithPassword(db, { email: `  ${user.email.toUpperCase()} `, password: TEST_PASSWORD }, freshAddress());
      expect(result.ok && result.user.id).toBe(user.id);
    });

    it('gives one answer for a wrong password, an unknown e-mail, a disabled or a not yet activated account', async () => {
      const active = await createUser(db, { role: 'reviewer' });
      const disabled = await createUser(db, { role: 'reviewer', disabled: true });
      const invited = await createUser(db, { role: 'reviewer', activated: false });
      const attempts = [
        { email: active.email, password: 'not the password', reason: 'wrong password' },
        { email: uniqueEmail('nobody'), password: TEST_PASSWORD, reason: 'unknown account' },
        { email: disabled.email, password: TEST_PASSWORD, reason: 'account disabled' },
        { email: invited.email, password: TEST_PASSWORD, reason: 'wrong password' },
      ];
      for (const attempt of attempts) {
        const { result, events } = await withAudit(() => signInWithPassword(db, attempt, freshAddress()));
        expect(result).toEqual({ ok: false, reason: 'invalid' });
        // The audit log keeps the real reason for the operators.
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ action: 'auth.sign_in', outcome: 'refused', reason: attempt.reason, actorEmail: attempt.email });
      }
    });

    it(`throttles an account after ${ACCOUNT_POLICY.limit} failures, then refuses even the right password`, async () => {
      const user = await createUser(db, { role: 'admin' });
      const outcomes: string[] = [];
      // Each attempt from another address: the limit is the account's own.
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const result = await signInWithPassword(db, { email: user.email, password: `guess number ${attempt}` }, freshAddress());
        outcomes.push(result.ok ? 'ok' : result.reason);
      }
      expect(outcomes).toEqual([
        ...Array<string>(ACCOUNT_POLICY.limit).fill('invalid'),
        ...Array<string>(10 - ACCOUNT_POLICY.limit).fill('throttled'),
      ]);

      const { result, events } = await withAudit(() => signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, freshAddress()));
      expect(result).toEqual({ ok: false, reason: 'throttled' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'auth.sign_in', outcome: 'refused', reason: expect.stringMatching(/^throttled/) });
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).lastSignInAt).toBeNull();

      // The block is temporary: once it has passed, the right password works again.
      await db.loginThrottle.update({
        where: { key: accountKey(user.email) },
        data: { blockedUntil: new Date(Date.now() - 1000), windowStart: new Date(Date.now() - ACCOUNT_POLICY.windowSeconds * 1000 - 1000) },
      });
      expect((await signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, freshAddress())).ok).toBe(true);
    });

    it(`throttles a client address after ${ADDRESS_POLICY.limit} failures across different accounts`, async () => {
      const user = await createUser(db, { role: 'reviewer' });
      const address = freshAddress();
      for (let attempt = 0; attempt < ADDRESS_POLICY.limit; attempt += 1) {
        // A different unknown account each time: no account reaches its own limit.
        expect(await signInWithPassword(db, { email: uniqueEmail('spray'), password: 'password spraying' }, address)).toEqual({
          ok: false,
          reason: 'invalid',
        });
      }
      expect(await signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, address)).toEqual({ ok: false, reason: 'throttled' });
      expect((await db.loginThrottle.findUniqueOrThrow({ where: { key: addressKey(address) } })).blockedUntil).not.toBeNull();
      // The same account from another address is not affected.
      expect((await signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, freshAddress())).ok).toBe(true);
    });

    it(`verifies at most ${ACCOUNT_POLICY.limit} of 30 concurrent wrong passwords for one account`, async () => {
      const user = await createUser(db, { role: 'admin' });
      const before = verification.count;
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, attempt) => signInWithPassword(db, { email: user.email, password: `burst guess ${attempt}` }, freshAddress())),
      );
      expect(verification.count - before).toBeLessThanOrEqual(ACCOUNT_POLICY.limit);
      expect(results.filter((result) => !result.ok && result.reason === 'invalid')).toHaveLength(verification.count - before);
      expect(results.every((result) => !result.ok)).toBe(true);
      // The account is blocked now: even the right password is refused, unverified.
      const after = verification.count;
      expect(await signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, freshAddress())).toEqual({ ok: false, reason: 'throttled' });
      expect(verification.count).toBe(after);
    });

    it(`verifies at most ${ADDRESS_POLICY.limit} of 60 concurrent attempts from one address`, async () => {
      const address = freshAddress();
      const before = verification.count;
      await Promise.all(Array.from({ length: 60 }, () => signInWithPassword(db, { email: uniqueEmail('spray-burst'), password: 'password spraying' }, address)));
      expect(verification.count - before).toBeLessThanOrEqual(ADDRESS_POLICY.limit);
      expect(verification.count - before).toBeGreaterThan(0);
    });

    it('a success does not erase the failures recorded while it was being verified', async () => {
      const user = await createUser(db, { role: 'reviewer' });
      let release!: () => void;
      verification.held.set(TEST_PASSWORD, new Promise<void>((resolve) => (release = resolve)));
      try {
        const success = signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, freshAddress());
        // Wait until the right password is being verified, then fail three times beside it.
        await vi.waitFor(async () => expect(await db.loginThrottle.findUnique({ where: { key: accountKey(user.email) } })).not.toBeNull());
        for (let attempt = 0; attempt < 3; attempt += 1) {
          expect(await signInWithPassword(db, { email: user.email, password: `beside it ${attempt}` }, freshAddress())).toEqual({ ok: false, reason: 'invalid' });
        }
        release();
        expect((await success).ok).toBe(true);
      } finally {
        verification.held.delete(TEST_PASSWORD);
      }
      expect((await db.loginThrottle.findUniqueOrThrow({ where: { key: accountKey(user.email) } })).failures).toBe(3);
    });

    it('a success from an address gives back its own attempt there, and nothing more', async () => {
      const user = await createUser(db, { role: 'reviewer' });
      const address = freshAddress();
      await signInWithPassword(db, { email: uniqueEmail('other'), password: 'not it at all' }, address);
      expect((await signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, address)).ok).toBe(true);
      expect((await db.loginThrottle.findUniqueOrThrow({ where: { key: addressKey(address) } })).failures).toBe(1);
    });

    it('audits every attempt, and no password reaches the audit log or any other table', async () => {
      const user = await createUser(db, { role: 'onboarder' });
      const address = freshAddress();
      const wrongPassword = `wrong-${unique()}-password`;
      const unknownPassword = `unknown-${unique()}-password`;
      const unknownEmail = uniqueEmail('ghost');
      const { events } = await withAudit(async () => {
        await signInWithPassword(db, { email: user.email, password: wrongPassword }, address);
        await signInWithPassword(db, { email: unknownEmail, password: unknownPassword }, address);
        await signInWithPassword(db, { email: user.email, password: TEST_PASSWORD }, address);
      });
      expect(events.map(({ action, outcome, actorEmail, actorId, clientAddress }) => ({ action, outcome, actorEmail, actorId, clientAddress }))).toEqual([
        { action: 'auth.sign_in', outcome: 'refused', actorEmail: user.email, actorId: user.id, clientAddress: address },
        { action: 'auth.sign_in', outcome: 'refused', actorEmail: unknownEmail, actorId: null, clientAddress: address },
        { action: 'auth.sign_in', outcome: 'succeeded', actorEmail: user.email, actorId: user.id, clientAddress: address },
      ]);
      const everything = await databaseText(db);
      for (const password of [wrongPassword, unknownPassword, TEST_PASSWORD]) expect(everything).not.toContain(password);
    });
  });

  describe('signInWithSso', () => {
    const noRoleClaim = { roleClaim: undefined, roleMap: {} };
    const groups = { roleClaim: 'groups', roleMap: { 'kw-admins': 'admin', 'kw-auditors': 'reviewer' } as const };
    const identity = (overrides: Partial<{ subject: string; email: string | null; name: string | null; claims: Record<string, unknown> }>) => ({
      subject: `sub-${unique()}`,
      email: null,
      name: null,
      claims: {},
      ...overrides,
    });

    async function ssoUser(options: { role: 'admin' | 'onboarder' | 'reviewer'; disabled?: boolean }) {
      const user = await createUser(db, { ...options, activated: false });
      const subject = `sub-${unique()}`;
      return { ...(await db.user.update({ where: { id: user.id }, data: { oidcSubject: subject } })), subject };
    }

    it('signs in the user already linked to the subject', async () => {
      const user = await ssoUser({ role: 'onboarder' });
      const { result, events } = await withAudit(() => signInWithSso(db, identity({ subject: user.subject, email: user.email }), noRoleClaim, '203.0.113.9'));
      expect(result).toEqual({ ok: true, user: { id: user.id, email: user.email, name: null, sessionVersion: user.sessionVersion, role: user.role } });
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).lastSignInAt).not.toBeNull();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'auth.sign_in', outcome: 'succeeded', reason: 'sso', actorId: user.id, clientAddress: '203.0.113.9' });
    });

    it('links an invitation by e-mail to the SSO identity', async () => {
      const invited = await createUser(db, { role: 'onboarder', activated: false });
      const subject = `sub-${unique()}`;
      const result = await signInWithSso(db, identity({ subject, email: invited.email.toUpperCase(), name: 'Sam Sso' }), noRoleClaim, null);
      expect(result.ok && result.user.id).toBe(invited.id);
      const after = await db.user.findUniqueOrThrow({ where: { id: invited.id } });
      expect(after).toMatchObject({ oidcSubject: subject, name: 'Sam Sso', role: 'onboarder', sessionVersion: invited.sessionVersion });
      // Next time the subject alone is enough.
      const again = await signInWithSso(db, identity({ subject, email: null }), noRoleClaim, null);
      expect(again.ok && again.user.id).toBe(invited.id);
    });

    it('retires the pending invitation link once the invitation is accepted through SSO', async () => {
      const admin = await createUser(db, { role: 'admin' });
      const email = uniqueEmail('sso-invitee');
      const invited = await inviteUser(contextFor(admin), { email, role: 'reviewer' }, BASE_URL);
      expect(invited.ok).toBe(true);
      if (!invited.ok) return;
      const token = tokenFrom(invited.data.url, 'invite');
      expect(await describeInvitation(token)).toEqual({ email, role: 'reviewer' });

      expect((await signInWithSso(db, identity({ email }), noRoleClaim, null)).ok).toBe(true);
      // Otherwise the old link could still add a password to the SSO account, and sign-in with it
      // would bypass the identity provider (and its role claim).
      expect(await describeInvitation(token)).toBeNull();
      const password = 'a password set behind the IdP';
      expect(await acceptInvitation({ token, password, confirmPassword: password }, null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((await db.user.findUniqueOrThrow({ where: { id: invited.data.userId } })).passwordHash).toBeNull();
    });

    it('creates a user when the role claim grants a role', async () => {
      const email = uniqueEmail('newcomer');
      const subject = `sub-${unique()}`;
      const result = await signInWithSso(db, identity({ subject, email, name: 'New Comer', claims: { groups: ['staff', 'kw-auditors'] } }), groups, null);
      expect(result.ok).toBe(true);
      const created = await db.user.findUniqueOrThrow({ where: { email } });
      expect(created).toMatchObject({ role: 'reviewer', oidcSubject: subject, name: 'New Comer', passwordHash: null });
      expect(result.ok && result.user.id).toBe(created.id);
    });

    it('refuses an identity with neither an invitation nor a role claim, and creates nothing', async () => {
      const email = uniqueEmail('stranger');
      for (const [claims, oidc] of [
        [{ groups: ['kw-admins'] }, noRoleClaim],
        [{ groups: ['staff'] }, groups],
      ] as const) {
        const { result, events } = await withAudit(() => signInWithSso(db, identity({ email, claims }), oidc, null));
        expect(result).toEqual({ ok: false, reason: 'invalid' });
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ action: 'auth.sign_in', outcome: 'refused', actorEmail: email, actorId: null });
      }
      expect(await db.user.findUnique({ where: { email } })).toBeNull();
    });

    it('refuses a disabled user, found by subject or by e-mail', async () => {
      const bySubject = await ssoUser({ role: 'admin', disabled: true });
      const byEmail = await createUser(db, { role: 'reviewer', activated: false, disabled: true });
      const claims = { groups: ['kw-admins'] };
      for (const attempt of [identity({ subject: bySubject.subject, claims }), identity({ email: byEmail.email, claims })]) {
        const { result, events } = await withAudit(() => signInWithSso(db, attempt, groups, null));
        expect(result).toEqual({ ok: false, reason: 'invalid' });
        expect(events.map((event) => [event.outcome, event.reason])).toEqual([['refused', 'sso: account disabled']]);
      }
      expect((await db.user.findUniqueOrThrow({ where: { id: byEmail.id } })).oidcSubject).toBeNull();
    });

    it('follows a change of the role claim and ends older sessions', async () => {
      const user = await ssoUser({ role: 'reviewer' });
      const result = await signInWithSso(db, identity({ subject: user.subject, claims: { groups: ['kw-admins'] } }), groups, null);
      const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(after.role).toBe('admin');
      expect(after.sessionVersion).toBe(user.sessionVersion + 1);
      // The new session carries the new version, or it would be refused on its first request.
      expect(result.ok && result.user.sessionVersion).toBe(after.sessionVersion);

      // Unchanged claim: no new session version.
      await signInWithSso(db, identity({ subject: user.subject, claims: { groups: ['kw-admins'] } }), groups, null);
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(after.sessionVersion);
    });

    it('refuses a linked user whose role claim no longer grants a role', async () => {
      const user = await ssoUser({ role: 'admin' });
      const result = await signInWithSso(db, identity({ subject: user.subject, claims: { groups: ['former-staff'] } }), groups, null);
      expect(result).toEqual({ ok: false, reason: 'invalid' });
      expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ role: 'admin', lastSignInAt: null });
    });

    it('refuses a second SSO identity that claims an e-mail address already linked to another', async () => {
      const owner = await ssoUser({ role: 'reviewer' });
      const before = await snapshotTables(db);
      const { result, events } = await withAudit(() =>
        signInWithSso(db, identity({ email: owner.email, claims: { groups: ['kw-admins'] } }), groups, null),
      );
      expect(result).toEqual({ ok: false, reason: 'invalid' });
      expect(await snapshotTables(db)).toEqual(before);
      expect(events.map((event) => event.outcome)).toEqual(['refused']);
    });
  });
});
