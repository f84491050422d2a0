// Second factors against a real database (PGlite; PostgreSQL when TEST_DATABASE_URL is set), with a
// test clock for TOTP: enrolment, the half-signed-in session, the second step with its throttling
// under a burst, recovery codes, re-authentication, the policy. The canary part: neither the TOTP
// secret nor a recovery code is anywhere in the database's text or the audit log.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { totpCodeAt } from '@/lib/auth/second-factor-crypto';
import type { Database } from '@/lib/db';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser, TEST_PASSWORD } from '@/lib/testing/fixtures';
import { auditEventsSince, databaseText, lastAuditSeq } from '@/lib/testing/inspect';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import type { RequestContext } from './context';
import {
  confirmTotpEnrolment,
  getPendingEnrolment,
  getSecondFactorSummary,
  initialPendingStep,
  regenerateRecoveryCodes,
  removeSecondFactor,
  SECOND_FACTOR_POLICY,
  startTotpEnrolment,
  updateSecondFactorPolicy,
  verifySecondStep,
} from './second-factor';
import { liveSessionUser, pendingSession, startSession } from './sessions';

const KEY = 'integration-fingerprint-key-0123456789abcdef';
// A test clock an hour back, at the start of a step: later steps (and the real clock, which
// re-authentication uses) are all after it.
const T0 = new Date(Math.floor((Date.now() - 3_600_000) / 30_000) * 30_000);
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each(TEST_DATABASE_KINDS)('second factors on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  beforeAll(() => {
    db = database.db;
  });
  beforeEach(async () => {
    await db.loginThrottle.deleteMany();
  });

  /** A user with a confirmed authenticator app: its secret and recovery codes. */
  async function enrolled(role: 'admin' | 'reviewer' = 'admin') {
    const user = await createUser(db, { role });
    const context = contextFor(user, [], `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`);
    expect((await startTotpEnrolment(context, {}, KEY)).ok).toBe(true);
    const secret = (await getPendingEnrolment(user, KEY, T0))!.secret;
    const confirmed = await confirmTotpEnrolment(context, { code: totpCodeAt(secret, T0) }, KEY, { now: T0 });
    if (!confirmed.ok) throw new Error(JSON.stringify(confirmed));
    return { user, context, secret, recoveryCodes: confirmed.data.recoveryCodes };
  }

  async function halfSignedIn(userId: string) {
    return startSession(db, userId, { maxAgeSeconds: 600, clientAddress: null, pendingStep: 'second_factor' });
  }

  const step = (context: RequestContext, sessionId: string, code: string, now: Date) =>
    verifySecondStep({ sessionId, user: context.actor }, code, { masterKey: KEY, clientAddress: context.clientAddress, now });

  it('enrols with a code from the app, answers ten recovery codes once, and keeps neither the secret nor the codes in clear', async () => {
    const user = await createUser(db, { role: 'reviewer' });
    const context = contextFor(user);
    const seq = await lastAuditSeq(db);
    expect((await startTotpEnrolment(context, {}, KEY)).ok).toBe(true);
    const pending = await getPendingEnrolment(user, KEY, T0);
    expect(pending?.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(pending?.qrCodeDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = pending!.secret;

    const wrong = await confirmTotpEnrolment(context, { code: totpCodeAt(secret, at(-600)) }, KEY, { now: T0 });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { code: expect.any(Array) } } });
    const confirmed = await confirmTotpEnrolment(context, { code: totpCodeAt(secret, T0) }, KEY, { now: T0 });
    expect(confirmed.ok).toBe(true);
    const codes = confirmed.ok ? confirmed.data.recoveryCodes : [];
    expect(codes).toHaveLength(10);

    // Once confirmed, the secret is never shown again, and a second app cannot be started.
    expect(await getPendingEnrolment(user, KEY, T0)).toBeNull();
    expect(JSON.stringify(await getSecondFactorSummary(context))).not.toContain(secret);
    expect(await startTotpEnrolment(context, {}, KEY)).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const text = await databaseText(db);
    for (const canary of [secret, ...codes, ...codes.map((code) => code.replace(/-/g, ''))]) expect(text).not.toContain(canary);
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => `${event.action}:${event.outcome}`)).toEqual([
      'second_factor.start_enrolment:succeeded',
      'second_factor.enrol:invalid',
      'second_factor.enrol:succeeded',
      // The refused second start (an app is already set up).
      'second_factor.start_enrolment:failed',
    ]);
  });

  it('owes a code once a factor exists, an enrolment when the policy requires one, nothing otherwise', async () => {
    const admin = await createUser(db, { role: 'admin' });
    const reviewer = await createUser(db, { role: 'reviewer' });
    const policyAdmin = contextFor(await createUser(db, { role: 'admin' }));
    // The default: admins.
    expect(await initialPendingStep(db, admin)).toBe('enrolment');
    expect(await initialPendingStep(db, reviewer)).toBeNull();
    expect((await updateSecondFactorPolicy(policyAdmin, { requiredFor: 'everyone' })).ok).toBe(true);
    expect(await initialPendingStep(db, reviewer)).toBe('enrolment');
    expect((await updateSecondFactorPolicy(policyAdmin, { requiredFor: 'nobody' })).ok).toBe(true);
    expect(await initialPendingStep(db, admin)).toBeNull();
    const { user } = await enrolled('reviewer');
    expect(await initialPendingStep(db, user)).toBe('second_factor');
    expect(await updateSecondFactorPolicy(contextFor(reviewer), { requiredFor: 'everyone' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await updateSecondFactorPolicy(policyAdmin, { requiredFor: 'admins' })).ok).toBe(true);
  });

  it('lets a session waiting on enrolment through once the policy no longer covers its user, and sends one that enrolled elsewhere to the code step', async () => {
    const policyAdmin = contextFor(await createUser(db, { role: 'admin' }));
    const admin = await createUser(db, { role: 'admin' });
    const reviewer = await createUser(db, { role: 'reviewer' });
    const waiting = (userId: string) => startSession(db, userId, { maxAgeSeconds: 600, clientAddress: null, pendingStep: 'enrolment' });
    const pendingStepOf = async (sessionId: string) => (await db.session.findUniqueOrThrow({ where: { id: sessionId } })).pendingStep;
    expect((await updateSecondFactorPolicy(policyAdmin, { requiredFor: 'everyone' })).ok).toBe(true);
    const adminSession = await waiting(admin.id);
    const reviewerSession = await waiting(reviewer.id);
    // Still covered: no session, and the enrolment is still what it owes.
    expect(await liveSessionUser(db, { sessionId: adminSession, userId: admin.id, sessionVersion: admin.sessionVersion })).toBeNull();
    expect(await liveSessionUser(db, { sessionId: reviewerSession, userId: reviewer.id, sessionVersion: reviewer.sessionVersion })).toBeNull();
    expect(await pendingStepOf(reviewerSession)).toBe('enrolment');

    // Admins only: the reviewer's next request goes through; the admin still owes an enrolment.
    const seq = await lastAuditSeq(db);
    expect((await updateSecondFactorPolicy(policyAdmin, { requiredFor: 'admins' })).ok).toBe(true);
    expect((await liveSessionUser(db, { sessionId: reviewerSession, userId: reviewer.id, sessionVersion: reviewer.sessionVersion }))?.id).toBe(reviewer.id);
    expect(await pendingStepOf(reviewerSession)).toBeNull();
    expect(await liveSessionUser(db, { sessionId: adminSession, userId: admin.id, sessionVersion: admin.sessionVersion })).toBeNull();
    expect(await pendingSession(db, { sessionId: adminSession, userId: admin.id, sessionVersion: admin.sessionVersion })).toMatchObject({ pendingStep: 'enrolment' });

    // Nobody: the admin goes through too.
    expect((await updateSecondFactorPolicy(policyAdmin, { requiredFor: 'nobody' })).ok).toBe(true);
    expect((await liveSessionUser(db, { sessionId: adminSession, userId: admin.id, sessionVersion: admin.sessionVersion }))?.id).toBe(admin.id);
    expect(await pendingStepOf(adminSession)).toBeNull();
    // The policy changes audited as always, and each release once (a later request finds a full session).
    expect((await liveSessionUser(db, { sessionId: adminSession, userId: admin.id, sessionVersion: admin.sessionVersion }))?.id).toBe(admin.id);
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome, event.actorId, event.reason])).toEqual([
      ['second_factor.set_policy', 'succeeded', policyAdmin.actor.id, null],
      ['auth.second_factor', 'succeeded', reviewer.id, 'enrolment no longer required: the policy requires a second factor for admins'],
      ['second_factor.set_policy', 'succeeded', policyAdmin.actor.id, null],
      ['auth.second_factor', 'succeeded', admin.id, 'enrolment no longer required: the policy requires a second factor for nobody'],
    ]);

    // Waiting on enrolment, then enrolled in another browser: relaxing the policy does not skip the factor it now has.
    expect((await updateSecondFactorPolicy(policyAdmin, { requiredFor: 'everyone' })).ok).toBe(true);
    const { user, context, secret } = await enrolled('reviewer');
    const elsewhere = await waiting(user.id);
    expect((await updateSecondFactorPolicy(policyAdmin, { requiredFor: 'nobody' })).ok).toBe(true);
    expect(await liveSessionUser(db, { sessionId: elsewhere, userId: user.id, sessionVersion: user.sessionVersion })).toBeNull();
    expect(await pendingStepOf(elsewhere)).toBe('second_factor');
    expect(await step(context, elsewhere, totpCodeAt(secret, at(60)), at(60))).toEqual({ ok: true, method: 'totp' });
    expect((await liveSessionUser(db, { sessionId: elsewhere, userId: user.id, sessionVersion: user.sessionVersion }))?.id).toBe(user.id);
    expect((await updateSecondFactorPolicy(policyAdmin, { requiredFor: 'admins' })).ok).toBe(true);
  });

  it('a half-signed-in session is no session until a code passes; a code works once', async () => {
    const { user, context, secret } = await enrolled();
    const sessionId = await halfSignedIn(user.id);
    expect(await liveSessionUser(db, { sessionId: sessionId, userId: user.id, sessionVersion: user.sessionVersion })).toBeNull();

    const seq = await lastAuditSeq(db);
    expect(await step(context, sessionId, '000000', at(60))).toEqual({ ok: false, reason: 'invalid' });
    expect(await liveSessionUser(db, { sessionId: sessionId, userId: user.id, sessionVersion: user.sessionVersion })).toBeNull();
    const code = totpCodeAt(secret, at(60));
    expect(await step(context, sessionId, code, at(60))).toEqual({ ok: true, method: 'totp' });
    expect((await liveSessionUser(db, { sessionId: sessionId, userId: user.id, sessionVersion: user.sessionVersion }))?.id).toBe(user.id);

    // The same code on another half-signed-in session (seen over a shoulder): refused.
    const other = await halfSignedIn(user.id);
    expect(await step(context, other, code, at(70))).toEqual({ ok: false, reason: 'invalid' });
    expect(await step(context, other, totpCodeAt(secret, at(90)), at(90))).toEqual({ ok: true, method: 'totp' });

    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome, event.reason])).toEqual([
      ['auth.second_factor', 'refused', 'wrong code'],
      ['auth.second_factor', 'succeeded', 'totp'],
      ['auth.second_factor', 'refused', 'wrong code'],
      ['auth.second_factor', 'succeeded', 'totp'],
    ]);
    expect(JSON.stringify(events, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(secret);
  });

  it('a recovery code signs in once, however it is typed', async () => {
    const { user, context, recoveryCodes } = await enrolled();
    const [first] = recoveryCodes;
    expect(await step(context, await halfSignedIn(user.id), ` ${first!.toUpperCase()} `, at(60))).toEqual({ ok: true, method: 'recovery code' });
    expect(await step(context, await halfSignedIn(user.id), first!, at(60))).toEqual({ ok: false, reason: 'invalid' });
    expect((await getSecondFactorSummary(context)).recoveryCodesLeft).toBe(9);
    // Another user's code is not this user's.
    const stranger = await enrolled();
    expect(await step(stranger.context, await halfSignedIn(stranger.user.id), recoveryCodes[1]!, at(60))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('under a burst of wrong codes, at most the limit are checked, and then even the right code waits', async () => {
    const { user, context, secret } = await enrolled();
    const sessionId = await halfSignedIn(user.id);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, index) => step(context, sessionId, String(100000 + index), at(60))));
    const checked = burst.filter((result) => !result.ok && result.reason === 'invalid').length;
    expect(checked).toBeLessThanOrEqual(SECOND_FACTOR_POLICY.limit);
    expect(burst.filter((result) => !result.ok && result.reason === 'throttled').length).toBe(20 - checked);
    expect(await step(context, sessionId, totpCodeAt(secret, at(60)), at(60))).toEqual({ ok: false, reason: 'throttled' });
    expect(await liveSessionUser(db, { sessionId: sessionId, userId: user.id, sessionVersion: user.sessionVersion })).toBeNull();
    const refusals = await db.auditEvent.count({ where: { action: 'auth.second_factor', actorId: user.id, reason: 'throttled: too many failed attempts' } });
    expect(refusals).toBe(21 - checked);
  });

  it('replacing recovery codes needs the password; the old codes stop working', async () => {
    const { user, context, recoveryCodes } = await enrolled();
    expect(await regenerateRecoveryCodes(context, { password: 'not the password' }, KEY)).toMatchObject({ ok: false, error: { fieldErrors: { password: expect.any(Array) } } });
    const replaced = await regenerateRecoveryCodes(context, { password: TEST_PASSWORD }, KEY);
    expect(replaced.ok).toBe(true);
    const fresh = replaced.ok ? replaced.data.recoveryCodes : [];
    expect(fresh).toHaveLength(10);
    expect(await step(context, await halfSignedIn(user.id), recoveryCodes[0]!, at(60))).toEqual({ ok: false, reason: 'invalid' });
    expect(await step(context, await halfSignedIn(user.id), fresh[0]!, at(60))).toMatchObject({ ok: true });
  });

  it('removing the app needs the password and a code; its recovery codes go with it', async () => {
    const { user, context, secret, recoveryCodes } = await enrolled();
    const factorId = (await getSecondFactorSummary(context)).factors[0]!.id;
    const seq = await lastAuditSeq(db);
    const now = totpCodeAt(secret, new Date());
    expect(await removeSecondFactor(context, { factorId, password: 'wrong password!', code: now }, KEY)).toMatchObject({ ok: false, error: { fieldErrors: { password: expect.any(Array) } } });
    expect(await removeSecondFactor(context, { factorId, password: TEST_PASSWORD, code: '000000' }, KEY)).toMatchObject({ ok: false, error: { fieldErrors: { code: expect.any(Array) } } });
    expect(await db.secondFactor.count({ where: { userId: user.id } })).toBe(1);
    expect(await removeSecondFactor(context, { factorId, password: TEST_PASSWORD, code: recoveryCodes[3]! }, KEY)).toEqual({ ok: true, data: { removed: true } });
    expect(await db.secondFactor.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await initialPendingStep(db, user)).toBe('enrolment');
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome, event.reason])).toEqual([
      ['second_factor.remove', 'refused', 're-authentication: wrong password'],
      ['second_factor.remove', 'refused', 're-authentication: wrong code'],
      ['second_factor.remove', 'succeeded', null],
    ]);
  });
});
