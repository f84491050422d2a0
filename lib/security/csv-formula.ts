// CSV injection (OWASP): a cell a spreadsheet would run as a formula is prefixed with an apostrophe.
// One rule for every CSV Keywarden writes by hand; the audit export's csv-stringify
// (`escape_formulas`) applies the same one, full-width signs included (Apple Numbers folds ＝＋－＠
// to their ASCII forms before it evaluates a cell).
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The value, with an apostrophe first when a spreadsheet would read it as a formula. */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
