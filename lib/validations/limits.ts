// Input limits the forms carry as maxLength, shared with the schemas that enforce them. No zod here:
// this module is imported by client components, and zod in the browser probes `new Function` on
// its first object parse, which the CSP (no 'unsafe-eval') reports as a violation.

/** Longer than any Platform.sh API token. */
export const PASTED_TOKEN_MAX_LENGTH = 512;

/** Why a token is marked compromised (kept as the audit row's reason). */
export const COMPROMISE_REASON_MAX_LENGTH = 500;

/** A token's name, on the record and rotate forms. */
export const TOKEN_NAME_MAX_LENGTH = 100;

/** An e-mail address (RFC 5321). */
export const EMAIL_MAX_LENGTH = 254;

/** An access-review campaign's name, e.g. "2027 Q1". */
export const CAMPAIGN_NAME_MAX_LENGTH = 80;

/** A reviewer's note on a sign-off (what to change, or why the machine user goes). */
export const REVIEW_NOTE_MAX_LENGTH = 1000;

/** A dashboard API key's name, e.g. "SIEM export". */
export const API_KEY_NAME_MAX_LENGTH = 80;

/** A dashboard API key's lifetime: the form's default and the policy's maximum, in days. */
export const API_KEY_DEFAULT_DAYS = 90;
export const API_KEY_MAX_DAYS = 365;

/** An incident's name (typed again to confirm its execution), e.g. "CI provider breach 2026-12". */
export const INCIDENT_NAME_MAX_LENGTH = 80;

/** A passkey's name on the account security page, e.g. "Work laptop". */
export const PASSKEY_NAME_MAX_LENGTH = 60;
/** The browser's answer to a passkey prompt (JSON): attestation objects run to a few kilobytes. */
export const PASSKEY_RESPONSE_MAX_LENGTH = 32_000;
