// Passkeys against a real database (PGlite; PostgreSQL when TEST_DATABASE_URL is set), answered by a
// software authenticator (node:crypto ECDSA P-256): registration with attestation "none", the
// second sign-in step, the enrolment the policy requires, removal after re-authentication. What
// must be refused is: a challenge answered twice, an answer for another origin or RP ID, a
// signature counter that goes back, an answer for another session. Challenges never reach the
// audit log; nothing but the name and dates comes back after enrolment.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser, TEST_PASSWORD } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { SoftwareAuthenticator, type Ceremony } from '@/lib/testing/software-authenticator';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import type { RequestContext } from './context';
import { finishPasskeyEnrolment, secondFactorKindsOf, startPasskeyCheck, startPasskeyEnrolment, startSecondStepPasskey } from './passkeys';
import { getSecondFactorSummary, initialPendingStep, removeSecondFactor, SECOND_FACTOR_POLICY, verifySecondStep } from './second-factor';
import { liveSessionUser, startSession } from './sessions';
import { relyingParty } from './webauthn';

const KEY = 'integration-fingerprint-key-0123456789abcdef';
const json = (value: unknown) => JSON.stringify(value, (_key, each: unknown) => (typeof each === 'bigint' ? String(each) : each));

describe.each(TEST_DATABASE_KINDS)('passkeys on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  beforeAll(() => {
    db = database.db;
  });
  beforeEach(async () => {
    await db.loginThrottle.deleteMany();
  });

  const ceremony = (challenge: string, overrides: Partial<Ceremony> = {}): Ceremony => ({ challenge, origin: relyingParty().origin, rpId: relyingParty().id, ...overrides });

  async function signedIn(role: 'admin' | 'reviewer' = 'reviewer') {
    const user = await createUser(db, { role });
    const sessionId = await startSession(db, user.id, { maxAgeSeconds: 600, clientAddress: null });
    const context: RequestContext = { ...contextFor(user, [], `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`), sessionId };
    return { user, context, sessionId };
  }

  /** Adds a passkey of a new software authenticator; answers it and the enrolment's result. */
  async function addPasskey(context: RequestContext, name = 'Work laptop', options: { sessionId?: string } = {}) {
    const authenticator = new SoftwareAuthenticator();
    const started = await startPasskeyEnrolment(context, { name }, options);
    if (!started.ok) throw new Error(json(started));
    const response = authenticator.register(ceremony(started.data.challenge));
    const finished = await finishPasskeyEnrolment(context, { name, response: JSON.stringify(response) }, KEY, options);
    return { authenticator, started: started.data, response, finished };
  }

  const halfSignedIn = (userId: string) => startSession(db, userId, { maxAgeSeconds: 600, clientAddress: null, pendingStep: 'second_factor' });

  async function secondStepWith(context: RequestContext, sessionId: string, answer: (challenge: string) => unknown) {
    const options = await startSecondStepPasskey({ sessionId, userId: context.actor.id });
    if (!options) throw new Error('no passkey to ask for');
    return verifySecondStep({ sessionId, user: context.actor }, { passkeyResponse: JSON.stringify(answer(options.challenge)) }, { masterKey: KEY, clientAddress: context.clientAddress });
  }

  it('registers a passkey from the server-kept challenge, stores only public material, and answers recovery codes for the first factor only', async () => {
    const { user, context } = await signedIn();
    const seq = await lastAuditSeq(db);
    const { authenticator, started, finished } = await addPasskey(context);
    expect(started.rp).toEqual({ id: relyingParty().id, name: 'Keywarden' });
    expect(started.attestation).toBe('none');
    expect(finished.ok).toBe(true);
    if (!finished.ok) return;
    expect(finished.data.recoveryCodes).toHaveLength(10);
    expect(Object.keys(finished.data).sort()).toEqual(['factorId', 'label', 'recoveryCodes']);

    const stored = await db.passkeyCredential.findUniqueOrThrow({ where: { factorId: finished.data.factorId }, include: { factor: true } });
    expect(stored).toMatchObject({ credentialId: authenticator.id, signCount: 0n, transports: ['internal'], rpId: relyingParty().id });
    expect(stored.factor).toMatchObject({ kind: 'passkey', label: 'Work laptop', encryptedSecret: null, userId: user.id });
    expect(stored.publicKey.length).toBeGreaterThan(64);
    expect(await db.webAuthnChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect(await initialPendingStep(db, user)).toBe('second_factor');
    expect(await secondFactorKindsOf(user.id)).toEqual({ totp: false, passkey: true });

    // The account page lists it by name and dates; a second passkey brings no new recovery codes.
    const summary = await getSecondFactorSummary(context);
    expect(summary.factors).toEqual([{ id: finished.data.factorId, kind: 'passkey', label: 'Work laptop', confirmedAt: expect.any(String), lastUsedAt: null }]);
    const second = await addPasskey(context, 'Phone');
    expect(second.finished).toMatchObject({ ok: true, data: { label: 'Phone', recoveryCodes: null } });
    expect((await getSecondFactorSummary(context)).recoveryCodesLeft).toBe(10);

    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => `${event.action}:${event.outcome}`)).toEqual([
      'second_factor.start_passkey_enrolment:succeeded',
      'second_factor.enrol_passkey:succeeded',
      'second_factor.start_passkey_enrolment:succeeded',
      'second_factor.enrol_passkey:succeeded',
    ]);
    expect(json(events)).not.toContain(started.challenge);
    expect(json(events)).not.toContain(second.started.challenge);
  });

  it('refuses a registration answered twice, for another origin, for another session, or after the challenge expired', async () => {
    const { user, context } = await signedIn();
    const { response, finished } = await addPasskey(context);
    expect(finished.ok).toBe(true);
    // The same answer again: its challenge was used.
    expect(await finishPasskeyEnrolment(context, { name: 'Again', response: JSON.stringify(response) }, KEY)).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // Signed for another origin: refused, and the challenge is gone with the attempt.
    const started = await startPasskeyEnrolment(context, { name: 'Elsewhere' });
    if (!started.ok) throw new Error(json(started));
    const phishing = new SoftwareAuthenticator().register(ceremony(started.data.challenge, { origin: 'https://keywarden.example.net' }));
    expect(await finishPasskeyEnrolment(context, { name: 'Elsewhere', response: JSON.stringify(phishing) }, KEY)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await db.webAuthnChallenge.count({ where: { userId: user.id } })).toBe(0);

    // Another RP ID: refused.
    const again = await startPasskeyEnrolment(context, { name: 'Other host' });
    if (!again.ok) throw new Error(json(again));
    const otherHost = new SoftwareAuthenticator().register(ceremony(again.data.challenge, { rpId: 'keywarden.example.net' }));
    expect(await finishPasskeyEnrolment(context, { name: 'Other host', response: JSON.stringify(otherHost) }, KEY)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    // A challenge issued to this session is no use to another session of the same user.
    const issued = await startPasskeyEnrolment(context, { name: 'Tab' });
    if (!issued.ok) throw new Error(json(issued));
    const otherSession = { ...context, sessionId: await startSession(db, user.id, { maxAgeSeconds: 600, clientAddress: null }) };
    const answer = new SoftwareAuthenticator().register(ceremony(issued.data.challenge));
    expect(await finishPasskeyEnrolment(otherSession, { name: 'Tab', response: JSON.stringify(answer) }, KEY)).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // An expired challenge: refused, even with a correct answer.
    const old = await startPasskeyEnrolment(context, { name: 'Late' }, { now: new Date(Date.now() - 10 * 60_000) });
    if (!old.ok) throw new Error(json(old));
    const late = new SoftwareAuthenticator().register(ceremony(old.data.challenge));
    expect(await finishPasskeyEnrolment(context, { name: 'Late', response: JSON.stringify(late) }, KEY)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await db.secondFactor.count({ where: { userId: user.id } })).toBe(1);
  });

  it('signs in with a passkey at the second step; a replayed assertion, another origin and a counter that goes back are refused and audited', async () => {
    const { user, context } = await signedIn();
    const { authenticator } = await addPasskey(context);
    const seq = await lastAuditSeq(db);

    const sessionId = await halfSignedIn(user.id);
    let used: unknown;
    expect(await secondStepWith(context, sessionId, (challenge) => (used = authenticator.assert(ceremony(challenge))))).toEqual({ ok: true, method: 'passkey' });
    expect((await liveSessionUser(db, { sessionId: sessionId, userId: user.id, sessionVersion: user.sessionVersion }))?.id).toBe(user.id);
    const stored = await db.passkeyCredential.findFirstOrThrow({ where: { credentialId: authenticator.id }, include: { factor: true } });
    expect(stored.signCount).toBe(1n);
    expect(stored.factor.lastUsedAt).not.toBeNull();

    // The same assertion on another half-signed-in session: no challenge was issued there...
    const other = await halfSignedIn(user.id);
    expect(await verifySecondStep({ sessionId: other, user: context.actor }, { passkeyResponse: JSON.stringify(used) }, { masterKey: KEY, clientAddress: null })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    // ... and with one issued, the old answer does not match it.
    expect(await secondStepWith(context, other, () => used)).toEqual({ ok: false, reason: 'invalid' });
    // Signed for another origin (a look-alike site relaying the prompt).
    expect(await secondStepWith(context, other, (challenge) => authenticator.assert(ceremony(challenge, { origin: 'https://keywarden.example.net' })))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    // A cloned authenticator whose counter is behind the stored one.
    authenticator.counter = 0;
    expect(await secondStepWith(context, other, (challenge) => authenticator.assert(ceremony(challenge)))).toEqual({ ok: false, reason: 'invalid' });
    expect(await liveSessionUser(db, { sessionId: other, userId: user.id, sessionVersion: user.sessionVersion })).toBeNull();
    // A passkey of someone else.
    expect(await secondStepWith(context, other, (challenge) => new SoftwareAuthenticator().assert(ceremony(challenge)))).toEqual({ ok: false, reason: 'invalid' });

    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome, event.reason])).toEqual([
      ['auth.second_factor', 'succeeded', 'passkey'],
      ['auth.second_factor', 'refused', 'passkey refused: no challenge'],
      ['auth.second_factor', 'refused', 'passkey refused: not verified'],
      ['auth.second_factor', 'refused', 'passkey refused: not verified'],
      ['auth.second_factor', 'refused', 'passkey refused: counter did not advance'],
      ['auth.second_factor', 'refused', 'passkey refused: unknown passkey'],
    ]);
  });

  it('throttles passkey answers like codes: past the limit even a good one waits', async () => {
    const { user, context } = await signedIn();
    const { authenticator } = await addPasskey(context);
    const sessionId = await halfSignedIn(user.id);
    for (let attempt = 0; attempt < SECOND_FACTOR_POLICY.limit; attempt += 1) {
      expect(await secondStepWith(context, sessionId, () => ({ id: 'x', rawId: 'x', type: 'public-key' }))).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await secondStepWith(context, sessionId, (challenge) => authenticator.assert(ceremony(challenge)))).toEqual({ ok: false, reason: 'throttled' });
    expect(await liveSessionUser(db, { sessionId: sessionId, userId: user.id, sessionVersion: user.sessionVersion })).toBeNull();
  });

  it('a passkey satisfies the enrolment the policy requires; its recovery codes then sign in', async () => {
    const admin = await createUser(db, { role: 'admin' });
    expect(await initialPendingStep(db, admin)).toBe('enrolment');
    const sessionId = await startSession(db, admin.id, { maxAgeSeconds: 600, clientAddress: null, pendingStep: 'enrolment' });
    // A half-signed-in context has no session of its own: the enrolling session is named.
    const context = contextFor(admin);
    const { finished } = await addPasskey(context, 'Security key', { sessionId });
    expect(finished.ok).toBe(true);
    expect((await liveSessionUser(db, { sessionId: sessionId, userId: admin.id, sessionVersion: admin.sessionVersion }))?.id).toBe(admin.id);
    const codes = finished.ok ? finished.data.recoveryCodes! : [];
    expect(
      await verifySecondStep({ sessionId: await halfSignedIn(admin.id), user: context.actor }, { code: codes[0]! }, { masterKey: KEY, clientAddress: null }),
    ).toEqual({ ok: true, method: 'recovery code' });
  });

  it('removing a passkey needs the password and a second proof (a passkey or a code); the last factor takes the recovery codes with it', async () => {
    const { user, context } = await signedIn();
    const { authenticator, finished } = await addPasskey(context);
    if (!finished.ok) throw new Error(json(finished));
    const factorId = finished.data.factorId;
    const seq = await lastAuditSeq(db);

    const check = async () => {
      const started = await startPasskeyCheck(context, {});
      if (!started.ok || !started.data) throw new Error(json(started));
      return JSON.stringify(authenticator.assert(ceremony(started.data.challenge)));
    };
    expect(await removeSecondFactor(context, { factorId, password: 'wrong password!', passkeyResponse: await check() }, KEY)).toMatchObject({
      ok: false,
      error: { fieldErrors: { password: expect.any(Array) } },
    });
    // No proof at all: invalid input, nothing checked.
    expect(await removeSecondFactor(context, { factorId, password: TEST_PASSWORD }, KEY)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    // An assertion for a challenge never issued to this session.
    const stale = JSON.stringify(authenticator.assert(ceremony('bm90LWlzc3VlZA')));
    expect(await removeSecondFactor(context, { factorId, password: TEST_PASSWORD, passkeyResponse: stale }, KEY)).toMatchObject({
      ok: false,
      error: { fieldErrors: { code: expect.any(Array) } },
    });
    expect(await db.secondFactor.count({ where: { userId: user.id } })).toBe(1);
    expect(await removeSecondFactor(context, { factorId, password: TEST_PASSWORD, passkeyResponse: await check() }, KEY)).toEqual({ ok: true, data: { removed: true } });
    expect(await db.secondFactor.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.passkeyCredential.count({ where: { credentialId: authenticator.id } })).toBe(0);
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await initialPendingStep(db, user)).toBeNull();

    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome, event.reason])).toEqual([
      ['second_factor.start_passkey_check', 'succeeded', null],
      ['second_factor.remove', 'refused', 're-authentication: wrong password'],
      ['second_factor.manage', 'invalid', 'input failed validation'],
      ['second_factor.remove', 'refused', 're-authentication: passkey refused: not verified'],
      ['second_factor.start_passkey_check', 'succeeded', null],
      ['second_factor.remove', 'succeeded', null],
    ]);
  });

  it('a passkey can be removed with a recovery code too; a reviewer manages their own only', async () => {
    const { context } = await signedIn();
    const { finished } = await addPasskey(context);
    if (!finished.ok) throw new Error(json(finished));
    const stranger = await signedIn();
    // Someone else's factor id: not found, nothing removed.
    const strangerCodes = (await addPasskey(stranger.context)).finished;
    if (!strangerCodes.ok) throw new Error(json(strangerCodes));
    expect(
      await removeSecondFactor(stranger.context, { factorId: finished.data.factorId, password: TEST_PASSWORD, code: strangerCodes.data.recoveryCodes![0]! }, KEY),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await removeSecondFactor(context, { factorId: finished.data.factorId, password: TEST_PASSWORD, code: finished.data.recoveryCodes![0]! }, KEY)).toEqual({
      ok: true,
      data: { removed: true },
    });
  });
});
