import { describe, expect, it } from 'vitest';
import { CONTROL_CHARACTER_MESSAGE, hasControlCharacters, textSchema } from './text';

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
