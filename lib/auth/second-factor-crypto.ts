// The secrets of second factors (issue 20). A TOTP secret must be readable again to check a code,
// so it is encrypted (AES-256-GCM), not digested; recovery codes are only compared, so a keyed
// digest is kept. Both keys are derived (HKDF) from Keywarden's fingerprint key, which lives outside
// the database and is never rotated (rotating it would orphan every token fingerprint too): a copy
// of the database alone neither reveals a TOTP secret nor lets recovery codes be guessed offline.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';
import { registerSecret } from '@/lib/security/redact';

const ENCRYPTION_INFO = 'keywarden second-factor secret encryption v1';
const DIGEST_INFO = 'keywarden recovery-code digest v1';
const FORMAT_PREFIX = 'v1';

export const TOTP_PERIOD_SECONDS = 30;
/** One step either side: a phone clock a little off still works, a code is valid at most ~90 s. */
const TOTP_TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS;
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function subkey(masterKey: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(masterKey, 'utf8'), Buffer.alloc(0), info, 32));
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url; the user id is bound as associated data. */
export function encryptSecret(secret: string, masterKey: string, userId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', subkey(masterKey, ENCRYPTION_INFO), iv);
  // Bound to its owner: a ciphertext copied onto another user's row does not decrypt.
  cipher.setAAD(Buffer.from(userId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [FORMAT_PREFIX, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

export function decryptSecret(stored: string, masterKey: string, userId: string): string {
  const [format, iv, tag, ciphertext] = stored.split('.');
  if (format !== FORMAT_PREFIX || !iv || !tag || ciphertext === undefined) throw new Error('Unknown second-factor secret format');
  const decipher = createDecipheriv('aes-256-gcm', subkey(masterKey, ENCRYPTION_INFO), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(userId, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const secret = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  // Whatever happens next, the logger redacts it by value.
  registerSecret(secret);
  return secret;
}

/** A new 160-bit TOTP secret, base32 (what authenticator apps take). */
export function newTotpSecret(): string {
  const secret = generateSecret({ length: 20 });
  registerSecret(secret);
  return secret;
}

export function totpUri(secret: string, accountEmail: string): string {
  return generateURI({ issuer: 'Keywarden', label: accountEmail, secret, period: TOTP_PERIOD_SECONDS });
}

/** The code of `secret` at `now` (tests and the sandbox walkthrough compute codes as an app would). */
export function totpCodeAt(secret: string, now: Date): string {
  return generateSync({ secret, period: TOTP_PERIOD_SECONDS, epoch: Math.floor(now.getTime() / 1000) });
}

/** Digits only, spaces and dashes removed (apps show "123 456"). */
export function normaliseTotpCode(code: string): string {
  return code.replace(/[\s-]/g, '');
}

/**
 * The time step a code matches at `now`, or null. A step at or before `lastUsedStep` is refused:
 * a code seen once (over a shoulder, in a proxy log) cannot be replayed.
 */
export function matchTotp(secret: string, code: string, now: Date, lastUsedStep: number | null): number | null {
  const token = normaliseTotpCode(code);
  if (!/^\d{6}$/.test(token)) return null;
  const result = verifySync({
    secret,
    token,
    period: TOTP_PERIOD_SECONDS,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: TOTP_TOLERANCE_SECONDS,
    ...(lastUsedStep !== null ? { afterTimeStep: lastUsedStep } : {}),
  });
  // A TOTP result carries the matched step (the union type also covers HOTP's).
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** Ten codes like `k7m2-9xqp-a4tc` (~62 bits each), shown once. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const characters = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    const code = `${characters.slice(0, 4)}-${characters.slice(4, 8)}-${characters.slice(8)}`;
    registerSecret(code);
    return code;
  });
}

/** Lower case, without spaces or dashes: what is digested, however the code was typed. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{12}$/.test(normaliseRecoveryCode(code)) && !/^\d+$/.test(normaliseRecoveryCode(code));
}

/** Keyed digest, per user (the same code of two users has two digests). */
export function recoveryCodeDigest(code: string, masterKey: string, userId: string): string {
  return createHmac('sha256', subkey(masterKey, DIGEST_INFO)).update(`${userId}:${normaliseRecoveryCode(code)}`, 'utf8').digest('hex');
}
