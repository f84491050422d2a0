// Adding a passkey as a second factor (issue 20), from the account security page or from the
// enrolment the policy requires at sign-in. Two requests: the options (with a challenge kept
// server-side, ./webauthn.ts), then the browser's answer, verified by @simplewebauthn/server
// against that challenge, KEYWARDEN_URL's origin and RP ID. What is stored is public: the
// credential id, its public key, the signature counter and transports. Nothing secret goes back.
//
// A passkey is a second factor row of kind `passkey`, so it counts wherever factors are counted
// (the second step asked at sign-in, the policy's enrolment, recovery codes, removal in
// ./second-factor.ts). The first second factor of an account comes with recovery codes, shown once.
import 'server-only';
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db';
import { AppError, fail, type ActionResult } from '@/lib/errors';
import {
  finishPasskeyEnrolmentSchema,
  passkeyRegistrationSchema,
  startEnrolmentSchema,
  startPasskeyEnrolmentSchema,
} from '@/lib/validations/second-factor';
import type { RequestContext } from './context';
import { runMutation } from './mutation';
import { replaceRecoveryCodes } from './second-factor';
import { issueChallenge, knownTransports, parsePasskeyResponse, relyingParty, startPasskeyAssertion, takeChallenge } from './webauthn';

/** At most this many passkeys per account: plenty for a person's devices, bounded for the prompt. */
export const MAX_PASSKEYS = 10;

export interface PasskeyEnrolled {
  factorId: string;
  label: string;
  /** The account's first second factor: its recovery codes, shown this once; otherwise null. */
  recoveryCodes: string[] | null;
}

/** The session the ceremony is bound to: the page's full session, or the half-signed-in one at enrolment. */
function sessionOf(context: RequestContext, sessionId: string | undefined): string {
  const id = sessionId ?? context.sessionId;
  if (!id) throw new AppError('conflict', 'Passkeys are added from a signed-in browser.');
  return id;
}

/** Options for the browser's "create a passkey" prompt; the challenge stays here, bound to the session. */
export function startPasskeyEnrolment(context: RequestContext, rawInput: unknown, options: { sessionId?: string; now?: Date } = {}) {
  return runMutation<typeof startPasskeyEnrolmentSchema, PublicKeyCredentialCreationOptionsJSON>(
    context,
    {
      action: 'second_factor.manage',
      auditAction: () => 'second_factor.start_passkey_enrolment',
      schema: startPasskeyEnrolmentSchema,
      target: () => ({ type: 'user', id: context.actor.id }),
      run: async (tx) => {
        const sessionId = sessionOf(context, options.sessionId);
        const user = await tx.user.findUnique({ where: { id: context.actor.id }, select: { passwordHash: true } });
        if (!user?.passwordHash) throw new AppError('conflict', 'You sign in with single sign-on: your identity provider handles the second factor.');
        const existing = await tx.passkeyCredential.findMany({
          where: { factor: { userId: context.actor.id } },
          select: { credentialId: true, transports: true },
        });
        if (existing.length >= MAX_PASSKEYS) throw new AppError('conflict', `You have ${MAX_PASSKEYS} passkeys, the most an account may have. Remove one first.`);
        const rp = relyingParty();
        const creation = await generateRegistrationOptions({
          rpName: rp.name,
          rpID: rp.id,
          userName: context.actor.email,
          userID: new TextEncoder().encode(context.actor.id),
          attestationType: 'none',
          // The same authenticator twice would be one factor counted as two.
          excludeCredentials: existing.map((credential) => ({ id: credential.credentialId, transports: knownTransports(credential.transports) })),
          authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
          timeout: 5 * 60 * 1000,
        });
        await issueChallenge(tx, { userId: context.actor.id, sessionId, purpose: 'registration' }, creation.challenge, options.now);
        // The audit row says a prompt was opened, never its challenge.
        return { data: creation, details: { kind: 'passkey' } };
      },
    },
    rawInput,
  );
}

/**
 * Verifies the browser's new credential and keeps it as a passkey named `name`. The challenge is
 * taken (deleted) before anything is checked, outside the transaction, so a failed or replayed
 * answer cannot try it again. `sessionId`: a session sent here by the policy is let through.
 */
export async function finishPasskeyEnrolment(
  context: RequestContext,
  rawInput: unknown,
  masterKey: string,
  options: { sessionId?: string; now?: Date } = {},
): Promise<ActionResult<PasskeyEnrolled>> {
  const now = options.now ?? new Date();
  const parsed = finishPasskeyEnrolmentSchema.safeParse(rawInput);
  const sessionId = options.sessionId ?? context.sessionId;
  let challenge: string | null = null;
  // A refused role or invalid input is runMutation's to answer and audit, before the challenge goes.
  if (authorize(context.actor, 'second_factor.manage').allowed && parsed.success) {
    challenge = sessionId ? await takeChallenge(getDb(), { userId: context.actor.id, sessionId, purpose: 'registration' }, now) : null;
    if (!challenge) {
      await recordAudit(getDb(), {
        actor: context.actor,
        action: 'second_factor.enrol_passkey',
        outcome: 'refused',
        reason: 'no outstanding passkey challenge (expired, used or never issued)',
        clientAddress: context.clientAddress,
        target: { type: 'user', id: context.actor.id },
      });
      return fail('conflict', 'This passkey prompt has expired or was already used. Start again.');
    }
  }
  return runMutation<typeof finishPasskeyEnrolmentSchema, PasskeyEnrolled>(
    context,
    {
      action: 'second_factor.manage',
      auditAction: () => 'second_factor.enrol_passkey',
      schema: finishPasskeyEnrolmentSchema,
      target: () => ({ type: 'user', id: context.actor.id }),
      run: async (tx, input) => {
        const response = passkeyRegistrationSchema.safeParse(parsePasskeyResponse(input.response));
        if (!response.success || !challenge) throw new AppError('invalid_input', 'The browser’s answer was not a passkey. Start again.');
        const rp = relyingParty();
        let registration: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
        try {
          registration = await verifyRegistrationResponse({
            response: response.data as RegistrationResponseJSON,
            expectedChallenge: challenge,
            expectedOrigin: rp.origin,
            expectedRPID: rp.id,
            // A second factor after the password: presence is enough.
            requireUserVerification: false,
          });
        } catch {
          // The library's message quotes the challenge and origin: only the outcome is told.
          registration = { verified: false };
        }
        if (!registration.verified) throw new AppError('invalid_input', 'The passkey could not be verified. Start again.');
        const { credential } = registration.registrationInfo;
        if (await tx.passkeyCredential.findUnique({ where: { credentialId: credential.id }, select: { factorId: true } })) {
          throw new AppError('conflict', 'This passkey is already set up.');
        }
        const factorsBefore = await tx.secondFactor.count({ where: { userId: context.actor.id, confirmedAt: { not: null } } });
        const factor = await tx.secondFactor.create({
          data: {
            userId: context.actor.id,
            kind: 'passkey',
            label: input.name,
            encryptedSecret: null,
            confirmedAt: now,
            passkey: {
              create: {
                credentialId: credential.id,
                publicKey: Buffer.from(credential.publicKey),
                signCount: BigInt(credential.counter),
                transports: knownTransports(response.data.response.transports ?? credential.transports),
                rpId: rp.id,
              },
            },
          },
          select: { id: true, label: true },
        });
        const recoveryCodes = factorsBefore === 0 ? await replaceRecoveryCodes(tx, context.actor.id, masterKey) : null;
        if (sessionId) {
          await tx.session.updateMany({ where: { id: sessionId, userId: context.actor.id, pendingStep: 'enrolment' }, data: { pendingStep: null } });
        }
        return {
          data: { factorId: factor.id, label: factor.label, recoveryCodes },
          details: { kind: 'passkey', factorId: factor.id, recoveryCodes: recoveryCodes?.length ?? 0 },
        };
      },
    },
    rawInput,
  );
}

/**
 * Options for a passkey prompt that re-authenticates a signed-in user before a second factor is
 * removed (the assertion is then checked by removeSecondFactor). Null data: no passkey to ask for.
 */
export function startPasskeyCheck(context: RequestContext, rawInput: unknown) {
  return runMutation<typeof startEnrolmentSchema, Awaited<ReturnType<typeof startPasskeyAssertion>>>(
    context,
    {
      action: 'second_factor.manage',
      auditAction: () => 'second_factor.start_passkey_check',
      schema: startEnrolmentSchema,
      target: () => ({ type: 'user', id: context.actor.id }),
      run: async (tx) => ({ data: await startPasskeyAssertion(tx, { userId: context.actor.id, sessionId: sessionOf(context, undefined) }) }),
    },
    rawInput,
  );
}

/**
 * Options for the passkey prompt of the second sign-in step, for a half-signed-in session owing a
 * second factor (the caller checks that); null when the user has no passkey. Not an attempt: the
 * assertion that answers it is throttled and audited (verifySecondStep).
 */
export function startSecondStepPasskey(pending: { sessionId: string; userId: string }) {
  return startPasskeyAssertion(getDb(), pending);
}

/** Which kinds of second factor `userId` has: what the second step offers. */
export async function secondFactorKindsOf(userId: string): Promise<{ totp: boolean; passkey: boolean }> {
  const rows = await getDb().secondFactor.groupBy({ by: ['kind'], where: { userId, confirmedAt: { not: null } } });
  return { totp: rows.some((row) => row.kind === 'totp'), passkey: rows.some((row) => row.kind === 'passkey') };
}
