import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, crc32, displayPrefixOf, generateApiKey, isWellFormedApiKey } from './key-format';

describe('API key format', () => {
  it('computes the standard CRC-32', () => {
    // The check value of CRC-32/ISO-HDLC.
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('generates distinct, well-formed keys with the kw_ prefix', () => {
    const keys = Array.from({ length: 50 }, generateApiKey);
    expect(new Set(keys).size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^kw_[0-9A-Za-z]{46}$/);
      expect(isWellFormedApiKey(key)).toBe(true);
      expect(key.match(API_KEY_PATTERN)).toEqual([key]);
    }
  });

  it('refuses a key with one character changed, cut short or lengthened', () => {
    const key = generateApiKey();
    const flipped = key.slice(0, 10) + (key[10] === 'a' ? 'b' : 'a') + key.slice(11);
    expect(isWellFormedApiKey(flipped)).toBe(false);
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${key}0`)).toBe(false);
    expect(isWellFormedApiKey(key.replace('kw_', 'kx_'))).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
  });

  it('shows only the prefix and six characters of the body', () => {
    const key = generateApiKey();
    expect(displayPrefixOf(key)).toBe(key.slice(0, 9));
  });
});
