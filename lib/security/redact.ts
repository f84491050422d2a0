// Redaction by value (SECURITY.md T3): every known secret is removed from text in every encoding
// it could travel in, whatever the field is called. Runs before anything is logged, stored as a
// status, or written to the audit log.

export const REDACTED = '[REDACTED]';

// Secret values this process knows of (the dashboard's credential, its keys, and any value a
// request registers while it holds one). Every log line and audit row is redacted against them.
// Counted: a value held by nested work (a bulk rotation's bootstrap, held by the run and by each
// rotation it drives) stays registered until the outermost holder forgets it.
const registry = new Map<string, number>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) registry.set(value, (registry.get(value) ?? 0) + 1);
}

export function forgetSecret(value: string): void {
  const holders = (registry.get(value) ?? 0) - 1;
  if (holders > 0) registry.set(value, holders);
  else registry.delete(value);
}

export function knownSecrets(): string[] {
  return [...registry.keys()];
}

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

/**
 * Keywarden's own API keys (lib/api/key-format.ts: `kw_` + 46 base62 characters) are redacted by
 * their shape too: a key is never registered as a secret (the server does not hold it), yet one
 * pasted into a request or a log line must not be written anywhere.
 */
export const API_KEY_PATTERN = /kw_[0-9A-Za-z]{46}/g;

export function redactText(text: string, secrets: Iterable<string>): string {
  let result = text.replace(API_KEY_PATTERN, `kw_${REDACTED}`);
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of encodingsOf(secret)) result = result.split(form).join(REDACTED);
  }
  return result;
}

/**
 * Redacts every string (and key) inside a JSON-like value. Each string is redacted on its own,
 * not the serialised whole: a secret JSON-escaped inside a string (an echoed request body) would
 * be escaped twice in the serialisation and slip through, and a match spanning JSON punctuation
 * would break the value apart.
 */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  const redactNode = (node: unknown): unknown => {
    if (typeof node === 'string') return redactText(node, secrets);
    if (Array.isArray(node)) return node.map(redactNode);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [redactText(key, secrets), redactNode(child)]));
    }
    return node;
  };
  // The JSON round trip keeps the previous contract: the result is plain JSON data (dates as strings).
  return redactNode(JSON.parse(JSON.stringify(value))) as T;
}
