// The default values of a form that may have been refused: what was sent (the refusal echoes it,
// lib/actions/submitted-values.ts) when the last answer is a refusal, the page's own defaults
// otherwise. Used as `defaultValue` / `defaultChecked`, they survive React's reset of the form after
// its action and a post without JavaScript alike. (A select only takes a new default when it is
// mounted: SelectField remounts on a changed default.)
import type { ActionResult } from '@/lib/errors';

export interface SubmittedDefaults {
  /** The text of a field: what was sent, or `fallback` if nothing was refused or the field is not echoed. */
  text(name: string, fallback?: string): string;
  /** Whether the choice `value` of a checkbox or radio group is checked. */
  checked(name: string, value: string, fallback: boolean): boolean;
}

export function submittedDefaults(state: ActionResult<unknown> | null | undefined): SubmittedDefaults {
  const submitted = state && !state.ok ? state.submitted : undefined;
  // A field the refusal does not echo keeps the page's default; one it echoes empty (nothing
  // checked, or a value withheld as token-like) is empty.
  const sent = (name: string) => (submitted && Object.hasOwn(submitted, name) ? submitted[name] : undefined);
  return {
    text: (name, fallback = '') => {
      const values = sent(name);
      return values ? (values[0] ?? '') : fallback;
    },
    checked: (name, value, fallback) => {
      const values = sent(name);
      return values ? values.includes(value) : fallback;
    },
  };
}
