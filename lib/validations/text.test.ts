import { describe, expect, it } from 'vitest';
import { CONTROL_CHARACTER_MESSAGE, hasControlCharacters, looksLikeToken, textSchema, withholdTokenLike } from './text';

describe('hasControlCharacters', () => {
  it('finds C0 controls, DEL and C1 controls', () => {
    for (const code of [0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x9f]) {
      expect(hasControlCharacters(`a${String.fromCharCode(code)}b`), `U+${code.toString(16)}`).toBe(true);
    }
  });

  it('lets tab and line breaks through in multi-line text only', () => {
    expect(hasControlCharacters('a\tb\r\nc', { multiline: true })).toBe(false);
    expect(hasControlCharacters('a\u0000b', { multiline: true })).toBe(true);
    expect(hasControlCharacters('a\u000bb', { multiline: true })).toBe(true);
  });

  it('leaves printable text alone, whatever its script', () => {
    for (const text of ['plain', 'Zoë', 'Ελληνικά', '日本語', '🚀', 'a\u00a0b', '']) expect(hasControlCharacters(text)).toBe(false);
  });
});

describe('textSchema', () => {
  const schema = textSchema({ max: 5 });

  it('trims, then bounds the length', () => {
    expect(schema.parse('  abc  ')).toBe('abc');
    expect(schema.safeParse('abcdef').error?.issues[0]?.message).toBe('Use at most 5 characters.');
  });

  it('refuses control characters with one clear message', () => {
    expect(schema.safeParse('a\u0000').error?.issues.map((issue) => issue.message)).toEqual([CONTROL_CHARACTER_MESSAGE]);
  });
});

describe('looksLikeToken', () => {
  it('finds a run of 32 or more base64url characters mixing upper case, lower case and digits', () => {
    expect(looksLikeToken('leaked: Gq3vX9_kLm2Pz8Rt-Yw4Nb7Hc1Jd6Fs5Ae0UoQ, rotate it')).toBe(true);
    expect(looksLikeToken('Gq3vX9kLm2Pz8RtYw4Nb7Hc1Jd6Fs5Ae')).toBe(true);
  });

  it('leaves words, slugs, UUIDs, hex digests, repeated letters and short keys alone', () => {
    for (const text of ['x'.repeat(300), 'N'.repeat(100), 'feature-checkout-flow-with-a-very-long-branch-name-2024', '3f1c2a7e-9b4d-4c1a-8e2f-5a6b7c8d9e0f', 'e'.repeat(64), 'a3f1c2a7e9b4d4c1a8e2f5a6b7c8d9e0f1a2b3c4', 'Gq3vX9kLm2Pz8RtYw4Nb7Hc1Jd6Fs5A', 'The Checkout API, production, 2024']) {
      expect(looksLikeToken(text), text).toBe(false);
    }
  });

  it('strictly, finds any run of 40 or more token characters', () => {
    expect(looksLikeToken('a3f1c2a7e9b4d4c1a8e2f5a6b7c8d9e0f1a2b3c4', 'refused-strictly')).toBe(true);
    expect(looksLikeToken('A'.repeat(43), 'refused-strictly')).toBe(true);
    expect(looksLikeToken('a3f1c2a7e9b4d4c1a8e2f5a6b7c8d9e0f1a2b3c', 'refused-strictly')).toBe(false);
  });
});

describe('withholdTokenLike', () => {
  it('replaces each token-like run by the strict shape and keeps the rest of the text', () => {
    expect(withholdTokenLike('ops@example.com Gq3vX9kLm2Pz8RtYw4Nb7Hc1Jd6Fs5Ae0Uo')).toBe('ops@example.com [withheld: looks like a token]');
    expect(withholdTokenLike(`bots+${'a'.repeat(40)}`)).toBe('bots+[withheld: looks like a token]');
    expect(withholdTokenLike('feature-checkout-flow-2024 3f1c2a7e-9b4d-4c1a-8e2f-5a6b7c8d9e0f')).toBe('feature-checkout-flow-2024 3f1c2a7e-9b4d-4c1a-8e2f-5a6b7c8d9e0f');
  });
});
