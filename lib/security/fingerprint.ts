// Token fingerprints (SECURITY.md T2): HMAC-SHA256 with a key that lives outside the database, so
// that a copy of the database alone cannot confirm a guessed token. Plus the last four characters,
// for people. Never an unkeyed hash.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function fingerprintOf(token: string, key: string): string {
  return createHmac('sha256', key).update(token, 'utf8').digest('hex');
}

export function lastFourOf(token: string): string {
  return token.slice(-4);
}

/** Constant-time comparison of two hex fingerprints. */
export function sameFingerprint(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
