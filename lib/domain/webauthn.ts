// WebAuthn (passkeys) as a second factor (issue 20): the relying party, the challenges and the check
// of an assertion. The ceremony itself is @simplewebauthn/server's; what is Keywarden's is where
// the challenge lives and what an assertion is checked against.
//
// - The relying party is KEYWARDEN_URL: its host is the RP ID, its origin the only accepted origin.
//   A passkey is bound to that host by the browser, so changing KEYWARDEN_URL's host orphans every
//   passkey (README).
// - A challenge is issued and kept here (webauthn_challenges), bound to one user and one session
//   (a challenge issued for one browser is useless in another), lives five minutes and is deleted
//   when checked, whatever the outcome: a replayed response finds no challenge. The browser never
//   tells the server which challenge it answered.
// - Challenges are not secrets, but nothing of them (nor of a response) is logged or audited: a
//   refusal is recorded with a fixed reason.
import 'server-only';
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { getConfig } from '@/lib/config';
import type { Database, Prisma } from '@/lib/db';
import { passkeyAssertionSchema } from '@/lib/validations/second-factor';

type Db = Database | Prisma.TransactionClient;
export type ChallengePurpose = 'registration' | 'authentication';

/** How long the browser prompt may stay open: the challenge expires with it. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

/** Keywarden as a WebAuthn relying party: KEYWARDEN_URL's host and origin. */
export function relyingParty(): RelyingParty {
  const { publicUrl } = getConfig();
  return { id: publicUrl.hostname, origin: publicUrl.origin, name: 'Keywarden' };
}

const TRANSPORTS: readonly AuthenticatorTransportFuture[] = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'];
export function knownTransports(values: readonly string[] | undefined): AuthenticatorTransportFuture[] {
  return (values ?? []).filter((value): value is AuthenticatorTransportFuture => (TRANSPORTS as readonly string[]).includes(value));
}

/** Keeps `challenge` as the one outstanding challenge of this session for `purpose`. */
export async function issueChallenge(
  db: Db,
  binding: { userId: string; sessionId: string; purpose: ChallengePurpose },
  challenge: string,
  now = new Date(),
): Promise<void> {
  // Expired challenges of anyone go too: the table holds only what may still be answered.
  await db.webAuthnChallenge.deleteMany({
    where: { OR: [{ sessionId: binding.sessionId, purpose: binding.purpose }, { expiresAt: { lte: now } }] },
  });
  await db.webAuthnChallenge.create({
    data: { ...binding, challenge, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS) },
  });
}

/**
 * The outstanding challenge of this user's session for `purpose`, taken (deleted) so it is answered
 * at most once; null when there is none, it expired, or another request took it first.
 */
export async function takeChallenge(db: Db, binding: { userId: string; sessionId: string; purpose: ChallengePurpose }, now = new Date()): Promise<string | null> {
  const row = await db.webAuthnChallenge.findFirst({ where: binding, orderBy: { createdAt: 'desc' } });
  if (!row) return null;
  const { count } = await db.webAuthnChallenge.deleteMany({ where: { id: row.id } });
  return count === 1 && row.expiresAt > now ? row.challenge : null;
}

/** The browser's answer, parsed (it is JSON in a form field); null when it is not one. */
export function parsePasskeyResponse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

/**
 * Options for an assertion with one of the user's passkeys, its challenge kept for this session;
 * null when the user has no passkey.
 */
export async function startPasskeyAssertion(db: Db, binding: { userId: string; sessionId: string }, now = new Date()): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const credentials = await db.passkeyCredential.findMany({
    where: { factor: { userId: binding.userId, kind: 'passkey', confirmedAt: { not: null } } },
    select: { credentialId: true, transports: true },
  });
  if (credentials.length === 0) return null;
  const options = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    allowCredentials: credentials.map((credential) => ({ id: credential.credentialId, transports: knownTransports(credential.transports) })),
    // A second factor after the password: presence is enough, verification (PIN, biometrics) welcome.
    userVerification: 'preferred',
    timeout: CHALLENGE_TTL_MS,
  });
  await issueChallenge(db, { ...binding, purpose: 'authentication' }, options.challenge, now);
  return options;
}

export type AssertionRefusal = 'malformed' | 'no challenge' | 'unknown passkey' | 'not verified' | 'counter did not advance';
export type AssertionResult = { ok: true; factorId: string; label: string } | { ok: false; reason: AssertionRefusal };

/**
 * Checks an assertion of `userId` against the challenge this session was given, the origin and RP
 * ID of KEYWARDEN_URL, and the stored public key and signature counter. On success the counter and
 * the factor's last use move forward (one conditional update: two requests with a copied assertion
 * cannot both pass — the challenge is single-use anyway).
 */
export async function verifyPasskeyAssertion(db: Db, binding: { userId: string; sessionId: string }, rawResponse: unknown, now = new Date()): Promise<AssertionResult> {
  // The challenge is taken first, so a malformed or failed answer also uses it up.
  const challenge = await takeChallenge(db, { ...binding, purpose: 'authentication' }, now);
  const parsed = passkeyAssertionSchema.safeParse(rawResponse);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (!challenge) return { ok: false, reason: 'no challenge' };
  const response: AuthenticationResponseJSON = parsed.data;
  const credential = await db.passkeyCredential.findFirst({
    where: { credentialId: response.id, factor: { userId: binding.userId, kind: 'passkey', confirmedAt: { not: null } } },
    include: { factor: { select: { label: true } } },
  });
  if (!credential) return { ok: false, reason: 'unknown passkey' };
  const rp = relyingParty();
  let newCounter: number;
  try {
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: credential.credentialId,
        publicKey: new Uint8Array(credential.publicKey),
        counter: Number(credential.signCount),
        transports: knownTransports(credential.transports),
      },
      requireUserVerification: false,
    });
    if (!verification.verified) return { ok: false, reason: 'not verified' };
    newCounter = verification.authenticationInfo.newCounter;
  } catch (error) {
    // The library's messages quote the challenge and origin: they are not kept, only the kind.
    return { ok: false, reason: error instanceof Error && /counter/i.test(error.message) ? 'counter did not advance' : 'not verified' };
  }
  const { count } = await db.passkeyCredential.updateMany({
    where: { factorId: credential.factorId, signCount: credential.signCount },
    data: { signCount: BigInt(newCounter) },
  });
  if (count !== 1) return { ok: false, reason: 'counter did not advance' };
  await db.secondFactor.update({ where: { id: credential.factorId }, data: { lastUsedAt: now } });
  return { ok: true, factorId: credential.factorId, label: credential.factor.label };
}
