// Free text that people type (names, notes, reasons, search words). Two rules for all of it:
// - control characters are refused. PostgreSQL cannot store a NUL in a text column (the query fails
//   and the person saw "Something went wrong"), and the others (escape sequences, bidi-less C0/C1
//   controls) have no business in a name or a log line. Multi-line fields keep tab and line breaks;
// - text that looks like a token is refused (SECURITY.md T1): a person reporting a leak pastes the
//   leaked string into the reason, a name gets a key pasted by mistake, and free text is stored,
//   shown, audited, exported and signed into evidence packs, where redaction by value cannot reach
//   it once the request that held the token has ended.
import { z } from 'zod';

/** C0 controls, DEL and C1 controls. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, minus tab, line feed and carriage return. */
const CONTROL_CHARACTER_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export const CONTROL_CHARACTER_MESSAGE = 'Remove the control characters (such as NUL) from this text.';

export function hasControlCharacters(value: string, options: { multiline?: boolean } = {}): boolean {
  return (options.multiline ? CONTROL_CHARACTER_EXCEPT_LINE_BREAKS : CONTROL_CHARACTER).test(value);
}

/** A run of the characters API tokens and keys are written in (base64url). */
const TOKEN_CHARACTER_RUN = /[A-Za-z0-9_-]+/g;

/**
 * How a field treats text that looks like a token:
 * - `refused`: a run of 32 or more token characters that mixes upper case, lower case and digits,
 *   as random tokens and keys do and names, words, slugs, hex digests and UUIDs do not;
 * - `refused-strictly`: that, and any run of 40 or more token characters (notes, whose longest
 *   legitimate word is far shorter);
 * - `allowed`: a filter that only matches stored rows and withholds such text wherever it records
 *   the filter (the audit log's, lib/domain/audit-log.ts).
 */
export type TokenLikeRule = 'refused' | 'refused-strictly' | 'allowed';

export const TOKEN_LIKE_MESSAGE = 'This looks like a token or a key: never paste one here. Keywarden keeps no token values.';

type TokenLikeShape = Exclude<TokenLikeRule, 'allowed'>;

function isTokenLikeRun(run: string, rule: TokenLikeShape): boolean {
  if (rule === 'refused-strictly' && run.length >= 40) return true;
  return run.length >= 32 && /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run);
}

export function looksLikeToken(value: string, rule: TokenLikeShape = 'refused'): boolean {
  for (const [run] of value.matchAll(TOKEN_CHARACTER_RUN)) if (isTokenLikeRun(run, rule)) return true;
  return false;
}

/** The text with each token-like run replaced: for a filter that is `allowed` through but recorded. */
export function withholdTokenLike(value: string, rule: TokenLikeShape = 'refused-strictly'): string {
  return value.replace(TOKEN_CHARACTER_RUN, (run) => (isTokenLikeRun(run, rule) ? '[withheld: looks like a token]' : run));
}

/**
 * A trimmed string of at most `max` characters with no control characters (line breaks too,
 * unless `multiline`) and nothing that looks like a token (unless `tokenLike` says otherwise).
 */
export function textSchema(options: { max: number; maxMessage?: string; multiline?: boolean; tokenLike?: TokenLikeRule; tokenLikeMessage?: string }) {
  const rule = options.tokenLike ?? 'refused';
  return z
    .string()
    .trim()
    .max(options.max, options.maxMessage ?? `Use at most ${options.max} characters.`)
    .refine((value) => !hasControlCharacters(value, options), CONTROL_CHARACTER_MESSAGE)
    .refine((value) => rule === 'allowed' || !looksLikeToken(value, rule), options.tokenLikeMessage ?? TOKEN_LIKE_MESSAGE);
}
