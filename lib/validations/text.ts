// Free text that people type (names, notes, reasons, search words). One rule for all of it:
// control characters are refused. PostgreSQL cannot store a NUL in a text column (the query fails
// and the person saw "Something went wrong"), and the others (escape sequences, bidi-less C0/C1
// controls) have no business in a name or a log line. Multi-line fields keep tab and line breaks.
import { z } from 'zod';

/** C0 controls, DEL and C1 controls. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, minus tab, line feed and carriage return. */
const CONTROL_CHARACTER_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export const CONTROL_CHARACTER_MESSAGE = 'Remove the control characters (such as NUL) from this text.';

export function hasControlCharacters(value: string, options: { multiline?: boolean } = {}): boolean {
  return (options.multiline ? CONTROL_CHARACTER_EXCEPT_LINE_BREAKS : CONTROL_CHARACTER).test(value);
}

/** A trimmed string of at most `max` characters with no control characters (line breaks too, unless `multiline`). */
export function textSchema(options: { max: number; maxMessage?: string; multiline?: boolean }) {
  return z
    .string()
    .trim()
    .max(options.max, options.maxMessage ?? `Use at most ${options.max} characters.`)
    .refine((value) => !hasControlCharacters(value, options), CONTROL_CHARACTER_MESSAGE);
}
