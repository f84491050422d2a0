// The rule an e-mail address must meet, in one place for the server's schema (emailSchema in
// users.ts) and for a form that checks an address before sending it (the onboarding wizard's
// E-mail step). No zod here: client components import it, and zod in the browser probes
// `new Function`, which the CSP reports (see limits.ts).
import { EMAIL_MAX_LENGTH } from './limits';

/** Zod's own e-mail pattern (`z.regexes.email`): emailSchema is built with this very expression. */
export const EMAIL_PATTERN = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

export const EMAIL_REQUIRED_MESSAGE = 'Enter an e-mail address.';
export const EMAIL_TOO_LONG_MESSAGE = 'That e-mail address is too long.';
export const EMAIL_INVALID_MESSAGE = 'Enter a valid e-mail address.';

/** Why emailSchema would refuse `value` (its message), or undefined when it would take it. */
export function emailProblemOf(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH) return EMAIL_TOO_LONG_MESSAGE;
  return EMAIL_PATTERN.test(email) ? undefined : EMAIL_INVALID_MESSAGE;
}
