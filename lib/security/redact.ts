// Redaction by value (SECURITY.md T3): every known secret is removed from text in every encoding
// it could travel in, whatever the field is called. Runs before anything is logged, stored as a
// status, or written to the audit log.

export const REDACTED = '[REDACTED]';

/** The forms a secret can take in a log line, a JSON body, a URL or a dump. */
export function encodingsOf(secret: string): string[] {
  const buffer = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
    buffer.toString('hex'),
    buffer.toString('hex').toUpperCase(),
    buffer.toString('base64'),
    buffer.toString('base64').replace(/=+$/, ''),
    buffer.toString('base64url'),
  ]);
  // Too short a form would redact ordinary words; secrets are long, their forms longer.
  return [...forms].filter((form) => form.length >= 8).sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of encodingsOf(secret)) result = result.split(form).join(REDACTED);
  }
  return result;
}

/** Redacts every string inside a JSON-like value. */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  return JSON.parse(redactText(JSON.stringify(value), secrets)) as T;
}
