import { describe, expect, it } from 'vitest';
import { countOf, firstValue, firstValues } from './utils';

describe('firstValues', () => {
  it('keeps the first value of a repeated key', () => {
    expect(firstValues({ q: ['a', 'b'], page: '2', state: undefined })).toEqual({ q: 'a', page: '2', state: undefined });
  });

  it('ignores a value with a control character, as if the filter were absent', () => {
    expect(firstValues({ q: '\u0000', actor: 'ann\u0000', project: ['x\u001b', 'y'], page: '2' })).toEqual({
      q: undefined,
      actor: undefined,
      project: undefined,
      page: '2',
    });
    expect(firstValue('caf\u00e9 ✓')).toBe('café ✓');
  });
});

describe('countOf', () => {
  it('names one thing in the singular, and none or several in the plural', () => {
    expect(countOf(1, 'environment')).toBe('1 environment');
    expect(countOf(0, 'environment')).toBe('0 environments');
    expect(countOf(4, 'environment')).toBe('4 environments');
    expect(countOf(2, 'entry', 'entries')).toBe('2 entries');
  });
});
