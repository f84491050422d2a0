// The values a refused form is filled again with. React 19 resets a form after its action completes,
// and a form posted without JavaScript comes back as a fresh page: either way what the person typed
// is gone unless the answer carries it. So a refusal echoes the fields the action names, and the form
// uses them as its default values (components/ui/submitted-values.ts).
// What is never echoed (SECURITY.md T1, T5): a field the action does not name (secrets, bootstrap
// tokens, passwords are never named), and a value that looks like a token or is too long to be a
// person's typing — the refusal then leaves that one field empty, with its error beside it.
// Not a "use server" module: a helper for the action files.
import type { ActionResult, SubmittedValues } from '@/lib/errors';
import { looksLikeToken } from '@/lib/validations/text';

/** Longer than any field of a form (the longest, a note, is 2,000): not echoed, not amplified. */
export const SUBMITTED_VALUE_MAX_LENGTH = 10_000;

function isEchoable(value: FormDataEntryValue): value is string {
  return typeof value === 'string' && value.length <= SUBMITTED_VALUE_MAX_LENGTH && !looksLikeToken(value, 'refused-strictly');
}

/** The named fields of a form as sent (every value of a repeated field), minus what is never echoed. */
export function submittedValuesOf(form: FormData, names: readonly string[]): SubmittedValues {
  const values: Record<string, string[]> = {};
  for (const name of new Set(names)) values[name] = form.getAll(name).filter(isEchoable);
  return values;
}

/** The action's answer, with the named fields of its form attached when it is a refusal. */
export function withSubmittedValues<T>(form: FormData, names: readonly string[], result: ActionResult<T>): ActionResult<T> {
  return result.ok ? result : { ...result, submitted: submittedValuesOf(form, names) };
}
