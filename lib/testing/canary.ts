// Canary tokens for the scans that prove a token value reaches no sink (SECURITY.md T1): a value
// that says what it is, with a checksum so that a hit cannot be a coincidence, and every form in
// which it could be written down (raw, JSON-escaped, URL-encoded, hex, base64 at each alignment).
import crypto from 'node:crypto';
import { encodingsOf } from '@/lib/security/redact';

export function canaryToken(): string {
  const body = `kwcanary${crypto.randomBytes(24).toString('base64url')}`;
  return `${body}${crypto.createHash('sha256').update(body).digest('hex').slice(0, 8)}`;
}

/**
 * Every form to search for: encodingsOf (raw, JSON, URL, hex, base64) and base64 of the canary at
 * the two other byte alignments, as it would appear inside a longer base64 blob.
 */
export function formsOf(canary: string): string[] {
  const shifted = [1, 2].map((shift) => Buffer.concat([Buffer.alloc(shift), Buffer.from(canary)]).toString('base64').slice(4, -4));
  return [...new Set([...encodingsOf(canary), ...shifted])];
}

/** The first form of the canary found in `haystack`, if any. */
export function findIn(haystack: Buffer | string, forms: string[]): string | undefined {
  const buffer = typeof haystack === 'string' ? Buffer.from(haystack) : haystack;
  return forms.find((form) => buffer.includes(form));
}
