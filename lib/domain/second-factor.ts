// Second factors of local accounts (issue 20): an authenticator app (TOTP) with one-time recovery
// codes, the second sign-in step, and the organisation's requirement.
//
// The sign-in is two steps on one session row: the password starts a session whose `pendingStep`
// says what is still owed (a code, or an enrolment the policy requires); such a session is no
// session for any page, action or API call (lib/domain/sessions.ts refuses it), only for the
// second-step pages. `completeSecondStep` is the one way out of the `second_factor` step, whatever
// proved the user (a TOTP code or recovery code here, a passkey assertion in ./webauthn.ts).
// Passkeys are second factors of kind `passkey` (their credential in passkey_credentials): what
// counts factors here (the pending step, recovery codes, removal) counts them too.
import 'server-only';
import QRCode from 'qrcode';
import { authorize, type Actor } from '@/lib/auth/authorize';
import { verifyPassword } from '@/lib/auth/password';
import {
  decryptSecret,
  encryptSecret,
  looksLikeRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  recoveryCodeDigest,
  totpUri,
} from '@/lib/auth/second-factor-crypto';
import { ACCOUNT_POLICY, accountKey, ADDRESS_POLICY, addressKey, claimAttempts, settleSuccess, type ThrottlePolicy } from '@/lib/auth/throttle';
import { recordAudit, type AuditAction } from '@/lib/audit/record';
import { getDb, type Database, type Prisma } from '@/lib/db';
import { AppError, fail, type ActionResult } from '@/lib/errors';
import type { Role } from '@/lib/roles';
import {
  confirmEnrolmentSchema,
  regenerateRecoveryCodesSchema,
  removeSecondFactorSchema,
  secondFactorPolicySchema,
  startEnrolmentSchema,
  type SecondFactorRequirementValue,
} from '@/lib/validations/second-factor';
import type { RequestContext } from './context';
import { runMutation } from './mutation';
import { parsePasskeyResponse, verifyPasskeyAssertion } from './webauthn';

/** Codes typed at the second step, per account: the same limits as passwords. */
export const SECOND_FACTOR_POLICY: ThrottlePolicy = ACCOUNT_POLICY;
export const secondFactorKey = (userId: string) => `second-factor:${userId}`;
/** An enrolment not confirmed within this time starts again with a new secret. */
export const ENROLMENT_TTL_MS = 30 * 60 * 1000;

type Db = Database | Prisma.TransactionClient;
export type PendingStep = 'second_factor' | 'enrolment';

/** The TOTP secret of an app's row (a passkey's row has none). */
function totpSecretOf(row: { encryptedSecret: string | null }, masterKey: string, userId: string): string {
  if (row.encryptedSecret === null) throw new Error('A TOTP second factor without a secret');
  return decryptSecret(row.encryptedSecret, masterKey, userId);
}

// ---- The organisation's requirement ------------------------------------------------------------

export async function readSecondFactorRequirement(db: Pick<Db, 'organisationPolicy'>): Promise<SecondFactorRequirementValue> {
  const row = await db.organisationPolicy.findUnique({ where: { id: 1 }, select: { secondFactorRequiredFor: true } });
  return row?.secondFactorRequiredFor ?? 'admins';
}

export function isSecondFactorRequired(requirement: SecondFactorRequirementValue, role: Role): boolean {
  return requirement === 'everyone' || (requirement === 'admins' && role === 'admin');
}

/**
 * What a session started with a password still owes: a code when the user has a second factor, an
 * enrolment when the policy requires one they lack, nothing otherwise. SSO sessions never ask
 * (their provider does MFA): the caller only asks this for password sign-ins.
 */
export async function initialPendingStep(db: Db, user: { id: string; role: Role }): Promise<PendingStep | null> {
  const factors = await db.secondFactor.count({ where: { userId: user.id, confirmedAt: { not: null } } });
  if (factors > 0) return 'second_factor';
  return isSecondFactorRequired(await readSecondFactorRequirement(db), user.role) ? 'enrolment' : null;
}

/**
 * A session waiting on an enrolment is asked again, on each request, what it owes: the policy may
 * have been relaxed since the password (admins set it to `nobody`, or to `admins` for a non-admin),
 * or the user may have enrolled in another browser. Decided by `initialPendingStep`, as at sign-in:
 * nothing owed lets the session through (audited as the end of its second step, once — the update
 * is conditional); a factor now set up sends it to the code step; otherwise it still owes the
 * enrolment. Only `enrolment` is reconsidered: a code owed is never waived by a policy change.
 */
export async function reconsiderEnrolmentStep(
  db: Database,
  session: { id: string; user: { id: string; email: string; role: Role } },
  clientAddress: string | null = null,
): Promise<PendingStep | null> {
  const owed = await initialPendingStep(db, session.user);
  if (owed === 'enrolment') return owed;
  const { count } = await db.session.updateMany({ where: { id: session.id, userId: session.user.id, pendingStep: 'enrolment', revokedAt: null }, data: { pendingStep: owed } });
  if (count === 1 && owed === null) {
    await recordAudit(db, {
      actor: { id: session.user.id, email: session.user.email, role: session.user.role },
      action: 'auth.second_factor',
      outcome: 'succeeded',
      reason: `enrolment no longer required: the policy requires a second factor for ${await readSecondFactorRequirement(db)}`,
      clientAddress,
    });
  }
  return owed;
}

/** Admins: who must use a second factor (second_factor.set_policy). */
export function updateSecondFactorPolicy(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof secondFactorPolicySchema, { requiredFor: SecondFactorRequirementValue }>(
    context,
    {
      action: 'second_factor.set_policy',
      schema: secondFactorPolicySchema,
      target: () => ({ type: 'policy', id: 'second-factor' }),
      run: async (tx, input) => {
        const before = await readSecondFactorRequirement(tx);
        await tx.organisationPolicy.upsert({
          where: { id: 1 },
          // A row made here keeps the findings policy at its defaults (parsePolicy reads {} so).
          create: { id: 1, values: {}, secondFactorRequiredFor: input.requiredFor },
          update: { secondFactorRequiredFor: input.requiredFor },
        });
        return { data: { requiredFor: input.requiredFor }, details: { before, after: input.requiredFor } };
      },
    },
    rawInput,
  );
}

// ---- What the account security page shows ------------------------------------------------------

export interface SecondFactorSummary {
  /** Apps and passkeys, oldest first. */
  factors: { id: string; kind: 'totp' | 'passkey'; label: string; confirmedAt: string; lastUsedAt: string | null }[];
  recoveryCodesLeft: number;
  requirement: SecondFactorRequirementValue;
  requiredForMe: boolean;
  /** SSO-only accounts have no password, so nothing for a second factor to add to. */
  hasPassword: boolean;
}

export async function getSecondFactorSummary(context: RequestContext): Promise<SecondFactorSummary> {
  const db = getDb();
  const [factors, recoveryCodesLeft, requirement, user] = await Promise.all([
    db.secondFactor.findMany({ where: { userId: context.actor.id, confirmedAt: { not: null } }, orderBy: { createdAt: 'asc' } }),
    db.recoveryCode.count({ where: { userId: context.actor.id, usedAt: null } }),
    readSecondFactorRequirement(db),
    db.user.findUnique({ where: { id: context.actor.id }, select: { passwordHash: true } }),
  ]);
  return {
    // Never the secret: only what identifies the factor.
    factors: factors.map((factor) => ({
      id: factor.id,
      kind: factor.kind,
      label: factor.label,
      confirmedAt: factor.confirmedAt!.toISOString(),
      lastUsedAt: factor.lastUsedAt?.toISOString() ?? null,
    })),
    recoveryCodesLeft,
    requirement,
    requiredForMe: isSecondFactorRequired(requirement, context.actor.role),
    hasPassword: Boolean(user?.passwordHash),
  };
}

// ---- Enrolling an authenticator app ------------------------------------------------------------

export interface PendingEnrolment {
  /** Shown while the enrolment is unconfirmed, so it can be typed into an app; never afterwards. */
  secret: string;
  uri: string;
  qrCodeDataUrl: string;
}

/** The enrolment in progress of `actor`, with its QR code (an SVG data URL: no script needed). */
export async function getPendingEnrolment(actor: Pick<Actor, 'id' | 'email'>, masterKey: string, now = new Date()): Promise<PendingEnrolment | null> {
  const row = await getDb().secondFactor.findFirst({
    where: { userId: actor.id, kind: 'totp', confirmedAt: null, createdAt: { gt: new Date(now.getTime() - ENROLMENT_TTL_MS) } },
    orderBy: { createdAt: 'desc' },
  });
  if (!row) return null;
  const secret = totpSecretOf(row, masterKey, actor.id);
  const uri = totpUri(secret, actor.email);
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, uri, qrCodeDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}` };
}

const selfTarget = (context: RequestContext) => () => ({ type: 'user', id: context.actor.id });

/** Starts (or restarts) an enrolment: a new secret, unconfirmed. One authenticator app per account. */
export function startTotpEnrolment(context: RequestContext, rawInput: unknown, masterKey: string) {
  return runMutation<typeof startEnrolmentSchema, { started: true }>(
    context,
    {
      action: 'second_factor.manage',
      auditAction: () => 'second_factor.start_enrolment',
      schema: startEnrolmentSchema,
      target: selfTarget(context),
      run: async (tx) => {
        const confirmed = await tx.secondFactor.count({ where: { userId: context.actor.id, kind: 'totp', confirmedAt: { not: null } } });
        if (confirmed > 0) throw new AppError('conflict', 'An authenticator app is already set up. Remove it first to set up another.');
        await tx.secondFactor.deleteMany({ where: { userId: context.actor.id, kind: 'totp', confirmedAt: null } });
        await tx.secondFactor.create({
          data: { userId: context.actor.id, kind: 'totp', label: 'Authenticator app', encryptedSecret: encryptSecret(newTotpSecret(), masterKey, context.actor.id) },
        });
        return { data: { started: true } };
      },
    },
    rawInput,
  );
}

/** New recovery codes for a user, replacing any old ones; only their digests are stored. */
export async function replaceRecoveryCodes(tx: Prisma.TransactionClient, userId: string, masterKey: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((code) => ({ userId, digest: recoveryCodeDigest(code, masterKey, userId) })) });
  return codes;
}

/**
 * Confirms the enrolment in progress with a code from the app. Answers the recovery codes — the
 * only time they are ever shown. `sessionId`: a session sent here by the policy is let through.
 */
export function confirmTotpEnrolment(context: RequestContext, rawInput: unknown, masterKey: string, options: { sessionId?: string; now?: Date } = {}) {
  const now = options.now ?? new Date();
  return runMutation<typeof confirmEnrolmentSchema, { recoveryCodes: string[] }>(
    context,
    {
      action: 'second_factor.manage',
      auditAction: () => 'second_factor.enrol',
      schema: confirmEnrolmentSchema,
      target: selfTarget(context),
      run: async (tx, input) => {
        const row = await tx.secondFactor.findFirst({
          where: { userId: context.actor.id, kind: 'totp', confirmedAt: null, createdAt: { gt: new Date(now.getTime() - ENROLMENT_TTL_MS) } },
          orderBy: { createdAt: 'desc' },
        });
        if (!row) throw new AppError('conflict', 'This set-up has expired. Start again to get a new QR code.');
        const step = matchTotp(totpSecretOf(row, masterKey, context.actor.id), input.code, now, null);
        if (step === null) throw new AppError('invalid_input', 'That code is not right. Check the app’s clock and enter the current code.', { code: ['That code is not right.'] });
        const { count } = await tx.secondFactor.updateMany({ where: { id: row.id, confirmedAt: null }, data: { confirmedAt: now, lastUsedStep: step, lastUsedAt: now } });
        if (count !== 1) throw new AppError('conflict', 'This set-up was confirmed already.');
        // New codes, shown once: any earlier ones (a passkey's) stop working.
        const recoveryCodes = await replaceRecoveryCodes(tx, context.actor.id, masterKey);
        if (options.sessionId) {
          await tx.session.updateMany({ where: { id: options.sessionId, userId: context.actor.id, pendingStep: 'enrolment' }, data: { pendingStep: null } });
        }
        return { data: { recoveryCodes }, details: { kind: 'totp', recoveryCodes: recoveryCodes.length } };
      },
    },
    rawInput,
  );
}

// ---- Codes: the second step and re-authentication ----------------------------------------------

export type CodeMethod = 'totp' | 'recovery code';

/**
 * Uses a code of `userId`: a TOTP code of a confirmed app (its time step then cannot be used
 * again), or an unused recovery code (then used). Each is a single conditional update, so two
 * requests with the same code cannot both pass.
 */
export async function consumeCode(db: Db, userId: string, rawCode: string, masterKey: string, now = new Date()): Promise<CodeMethod | null> {
  const factors = await db.secondFactor.findMany({ where: { userId, kind: 'totp', confirmedAt: { not: null } } });
  for (const factor of factors) {
    const step = matchTotp(totpSecretOf(factor, masterKey, userId), rawCode, now, factor.lastUsedStep);
    if (step === null) continue;
    const { count } = await db.secondFactor.updateMany({
      where: { id: factor.id, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
      data: { lastUsedStep: step, lastUsedAt: now },
    });
    if (count === 1) return 'totp';
  }
  // Recovery codes go with any second factor (an app or a passkey), never without one.
  if (!looksLikeRecoveryCode(rawCode) || (await db.secondFactor.count({ where: { userId, confirmedAt: { not: null } } })) === 0) return null;
  const { count } = await db.recoveryCode.updateMany({
    where: { userId, digest: recoveryCodeDigest(rawCode, masterKey, userId), usedAt: null },
    data: { usedAt: now },
  });
  return count === 1 ? 'recovery code' : null;
}

/** The one way out of the `second_factor` step: the session becomes a full session. */
export async function completeSecondStep(db: Db, sessionId: string, userId: string): Promise<boolean> {
  const { count } = await db.session.updateMany({
    where: { id: sessionId, userId, pendingStep: 'second_factor', revokedAt: null, expiresAt: { gt: new Date() } },
    data: { pendingStep: null },
  });
  return count === 1;
}

export type SecondStepMethod = CodeMethod | 'passkey';
export type SecondStepResult = { ok: true; method: SecondStepMethod } | { ok: false; reason: 'invalid' | 'throttled' };
/** What the user gave at the second step: a typed code, or the browser's passkey assertion (JSON). */
export type SecondStepProof = { code: string } | { passkeyResponse: string };

/**
 * The second sign-in step of a half-signed-in session. Throttled like passwords (claimed before the
 * code or assertion is checked, per account and per client address, so a burst is never all
 * checked) and audited; never records what was typed or what the browser sent.
 */
export async function verifySecondStep(
  session: { sessionId: string; user: { id: string; email: string; role: Role } },
  proof: string | SecondStepProof,
  options: { masterKey: string; clientAddress: string | null; now?: Date },
): Promise<SecondStepResult> {
  const db = getDb();
  const { user } = session;
  const given: SecondStepProof = typeof proof === 'string' ? { code: proof } : proof;
  const audit = (outcome: 'succeeded' | 'refused', reason: string) =>
    recordAudit(db, { actor: user, action: 'auth.second_factor', outcome, reason, clientAddress: options.clientAddress, target: { type: 'user', id: user.id } });
  const claims = await claimAttempts(db, [
    [secondFactorKey(user.id), SECOND_FACTOR_POLICY],
    ...(options.clientAddress ? ([[addressKey(options.clientAddress), ADDRESS_POLICY]] as const) : []),
  ]);
  if (!claims) {
    await audit('refused', 'throttled: too many failed attempts');
    return { ok: false, reason: 'throttled' };
  }
  let method: SecondStepMethod | null;
  if ('code' in given) {
    method = await consumeCode(db, user.id, given.code.slice(0, 40), options.masterKey, options.now);
    if (!method) {
      await audit('refused', 'wrong code');
      return { ok: false, reason: 'invalid' };
    }
  } else {
    const assertion = await verifyPasskeyAssertion(db, { userId: user.id, sessionId: session.sessionId }, parsePasskeyResponse(given.passkeyResponse), options.now);
    if (!assertion.ok) {
      await audit('refused', `passkey refused: ${assertion.reason}`);
      return { ok: false, reason: 'invalid' };
    }
    method = 'passkey';
  }
  if (!(await completeSecondStep(db, session.sessionId, user.id))) {
    await audit('refused', 'session ended or not waiting for a second factor');
    return { ok: false, reason: 'invalid' };
  }
  const [accountClaim, addressClaim] = claims;
  await settleSuccess(db, accountClaim!, 'claim');
  if (addressClaim) await settleSuccess(db, addressClaim, 'own');
  await audit('succeeded', method);
  return { ok: true, method };
}

/**
 * Re-authentication before changing a second factor: the current password (throttled with the
 * sign-in's account key: guessing here is guessing the password) and, when `proof` is given, a
 * second proof: a code, or an assertion of one of the user's passkeys (answering the challenge this
 * session was given). Null when the caller may go on; otherwise the refusal, audited under `operation`.
 */
async function reauthenticate(context: RequestContext, password: string, proof: SecondStepProof | null, masterKey: string, operation: AuditAction): Promise<ActionResult<never> | null> {
  const db = getDb();
  const refuse = async (reason: string, message: string, field: 'password' | 'code') => {
    await recordAudit(db, { actor: context.actor, action: operation, outcome: 'refused', reason, clientAddress: context.clientAddress, target: { type: 'user', id: context.actor.id } });
    return fail('invalid_input', message, { [field]: [message] });
  };
  const claims = await claimAttempts(db, [[accountKey(context.actor.email), ACCOUNT_POLICY]]);
  if (!claims) return refuse('throttled: too many failed attempts', 'Too many failed attempts. Try again in 15 minutes.', 'password');
  const user = await db.user.findUnique({ where: { id: context.actor.id }, select: { passwordHash: true } });
  if (!(await verifyPassword(user?.passwordHash, password))) return refuse('re-authentication: wrong password', 'That is not your current password.', 'password');
  await settleSuccess(db, claims[0]!, 'claim');
  if (proof !== null) {
    const codeClaims = await claimAttempts(db, [[secondFactorKey(context.actor.id), SECOND_FACTOR_POLICY]]);
    if (!codeClaims) return refuse('throttled: too many failed attempts', 'Too many failed attempts. Try again in 15 minutes.', 'code');
    if ('code' in proof) {
      if (!(await consumeCode(db, context.actor.id, proof.code, masterKey))) return refuse('re-authentication: wrong code', 'That code is not right.', 'code');
    } else {
      const assertion = context.sessionId
        ? await verifyPasskeyAssertion(db, { userId: context.actor.id, sessionId: context.sessionId }, parsePasskeyResponse(proof.passkeyResponse))
        : ({ ok: false, reason: 'no challenge' } as const);
      if (!assertion.ok) return refuse(`re-authentication: passkey refused: ${assertion.reason}`, 'That passkey was not accepted. Try again, or enter a code.', 'code');
    }
    await settleSuccess(db, codeClaims[0]!, 'claim');
  }
  return null;
}

/** Replaces the recovery codes (the old ones stop working); current password required. */
export async function regenerateRecoveryCodes(context: RequestContext, rawInput: unknown, masterKey: string): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  const parsed = regenerateRecoveryCodesSchema.safeParse(rawInput);
  // A refused role or invalid input is runMutation's to answer and audit, before any password check.
  if (authorize(context.actor, 'second_factor.manage').allowed && parsed.success) {
    const refusal = await reauthenticate(context, parsed.data.password, null, masterKey, 'second_factor.regenerate_recovery_codes');
    if (refusal) return refusal;
  }
  return runMutation<typeof regenerateRecoveryCodesSchema, { recoveryCodes: string[] }>(
    context,
    {
      action: 'second_factor.manage',
      auditAction: () => 'second_factor.regenerate_recovery_codes',
      schema: regenerateRecoveryCodesSchema,
      target: selfTarget(context),
      run: async (tx) => {
        const factors = await tx.secondFactor.count({ where: { userId: context.actor.id, confirmedAt: { not: null } } });
        if (factors === 0) throw new AppError('conflict', 'Set up an authenticator app or a passkey first: recovery codes go with it.');
        const recoveryCodes = await replaceRecoveryCodes(tx, context.actor.id, masterKey);
        return { data: { recoveryCodes }, details: { recoveryCodes: recoveryCodes.length } };
      },
    },
    rawInput,
  );
}

/**
 * Removes an authenticator app or a passkey; the current password and a second proof required (a
 * code from the app or a recovery code, or a passkey's assertion).
 */
export async function removeSecondFactor(context: RequestContext, rawInput: unknown, masterKey: string): Promise<ActionResult<{ removed: true }>> {
  const parsed = removeSecondFactorSchema.safeParse(rawInput);
  if (authorize(context.actor, 'second_factor.manage').allowed && parsed.success) {
    const proof: SecondStepProof = parsed.data.passkeyResponse ? { passkeyResponse: parsed.data.passkeyResponse } : { code: parsed.data.code };
    const refusal = await reauthenticate(context, parsed.data.password, proof, masterKey, 'second_factor.remove');
    if (refusal) return refusal;
  }
  return runMutation<typeof removeSecondFactorSchema, { removed: true }>(
    context,
    {
      action: 'second_factor.manage',
      auditAction: () => 'second_factor.remove',
      schema: removeSecondFactorSchema,
      target: selfTarget(context),
      run: async (tx, input) => {
        const factor = await tx.secondFactor.findFirst({ where: { id: input.factorId, userId: context.actor.id }, select: { kind: true } });
        const { count } = await tx.secondFactor.deleteMany({ where: { id: input.factorId, userId: context.actor.id } });
        if (!factor || count !== 1) throw new AppError('not_found', 'That authenticator is not set up on your account.');
        // Recovery codes belong to the second factor: without one they would be a way in by themselves.
        const left = await tx.secondFactor.count({ where: { userId: context.actor.id, confirmedAt: { not: null } } });
        if (left === 0) await tx.recoveryCode.deleteMany({ where: { userId: context.actor.id } });
        return { data: { removed: true }, details: { kind: factor.kind, factorsLeft: left } };
      },
    },
    rawInput,
  );
}
