import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { neutralizeFormula } from './csv-formula';

describe('neutralizeFormula', () => {
  const formulas = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1+1', '＋1', '－1', '＠SUM(A1)'];

  it('prefixes every formula start, full-width signs included', () => {
    expect(formulas.map(neutralizeFormula)).toEqual(formulas.map((value) => `'${value}`));
    expect(neutralizeFormula('Shop = live')).toBe('Shop = live');
    expect(neutralizeFormula('')).toBe('');
  });

  it('agrees with the audit export’s csv-stringify on text cells', () => {
    for (const value of [...formulas, 'plain', ' =1']) {
      expect(stringify([[neutralizeFormula(value)]], { quoted: true })).toBe(stringify([[value]], { escape_formulas: true, quoted: true }));
    }
  });
});
