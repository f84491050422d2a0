import { describe, expect, it } from 'vitest';
import {
  decryptSecret,
  encryptSecret,
  looksLikeRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  recoveryCodeDigest,
  totpCodeAt,
  totpUri,
} from './second-factor-crypto';

const KEY = 'unit-test-fingerprint-key-0123456789abcdef';
const USER = '5b1a3c1e-0000-4000-8000-000000000001';
// A test clock: the start of a 30-second step, so "one step later" is exact.
const T0 = new Date(Date.UTC(2026, 0, 15, 9, 0, 0));
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('TOTP secrets at rest', () => {
  it('round-trips, and the stored form contains no trace of the secret', () => {
    const secret = newTotpSecret();
    const stored = encryptSecret(secret, KEY, USER);
    expect(stored).not.toContain(secret);
    expect(stored.startsWith('v1.')).toBe(true);
    expect(decryptSecret(stored, KEY, USER)).toBe(secret);
    // A fresh IV each time: the same secret never encrypts the same way twice.
    expect(encryptSecret(secret, KEY, USER)).not.toBe(stored);
  });

  it('does not decrypt with another key, for another user, or once tampered with', () => {
    const stored = encryptSecret(newTotpSecret(), KEY, USER);
    expect(() => decryptSecret(stored, `${KEY}-other`, USER)).toThrow();
    expect(() => decryptSecret(stored, KEY, '5b1a3c1e-0000-4000-8000-000000000002')).toThrow();
    const [format, iv, tag, ciphertext] = stored.split('.');
    const flipped = `${ciphertext!.slice(0, -2)}${ciphertext!.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(() => decryptSecret([format, iv, tag, flipped].join('.'), KEY, USER)).toThrow();
    expect(() => decryptSecret('v0.x.y.z', KEY, USER)).toThrow();
  });
});

describe('TOTP codes on a test clock', () => {
  const secret = newTotpSecret();
  const step0 = Math.floor(T0.getTime() / 30_000);

  it('accepts the current code, and one step either side (clock drift)', () => {
    const code = totpCodeAt(secret, T0);
    expect(matchTotp(secret, code, T0, null)).toBe(step0);
    expect(matchTotp(secret, code, later(29), null)).toBe(step0);
    expect(matchTotp(secret, code, later(30), null)).toBe(step0);
    expect(matchTotp(secret, code, later(-30), null)).toBe(step0);
    expect(matchTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, T0, null)).toBe(step0);
  });

  it('refuses an old code, a code of another secret, and anything that is not six digits', () => {
    expect(matchTotp(secret, totpCodeAt(secret, T0), later(90), null)).toBeNull();
    expect(matchTotp(secret, totpCodeAt(newTotpSecret(), T0), T0, null)).toBeNull();
    expect(matchTotp(secret, '12345', T0, null)).toBeNull();
    expect(matchTotp(secret, 'abcdef', T0, null)).toBeNull();
  });

  it('never accepts a step at or before the last one used (no replay)', () => {
    const code = totpCodeAt(secret, T0);
    expect(matchTotp(secret, code, T0, step0)).toBeNull();
    expect(matchTotp(secret, code, T0, step0 - 1)).toBe(step0);
    const next = totpCodeAt(secret, later(30));
    expect(matchTotp(secret, next, later(30), step0)).toBe(step0 + 1);
  });

  it('puts the secret in an otpauth URI for the QR code', () => {
    const uri = totpUri(secret, 'ada@example.com');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Keywarden:ada%40example\.com\?/);
    expect(new URL(uri).searchParams.get('secret')).toBe(secret);
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes in groups of four', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      expect(looksLikeRecoveryCode(code)).toBe(true);
    }
    expect(looksLikeRecoveryCode('123456')).toBe(false);
  });

  it('digest the same however they are typed, differently per user and per key', () => {
    const [code] = newRecoveryCodes(1);
    const digest = recoveryCodeDigest(code!, KEY, USER);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain(code!.replace(/-/g, ''));
    expect(recoveryCodeDigest(` ${code!.toUpperCase().replace(/-/g, ' ')} `, KEY, USER)).toBe(digest);
    expect(recoveryCodeDigest(code!, KEY, '5b1a3c1e-0000-4000-8000-000000000002')).not.toBe(digest);
    expect(recoveryCodeDigest(code!, `${KEY}-other`, USER)).not.toBe(digest);
  });
});
