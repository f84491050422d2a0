// One typed error for every way a Platform.sh call can fail (issue 3, "Client").
// Invariant: nothing this error carries — message, toString, toJSON, vendor message — holds a
// credential or a request body. Request bodies are never read into it at all, and every text that
// came from the wire is redacted by value (SECURITY.md T3) against the secrets the caller held.
import { AppError, type ErrorCode } from '@/lib/errors';
import { knownSecrets, redactText } from '@/lib/security/redact';

export type PlatformshErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'unknown_outcome'
  | 'circuit_open'
  | 'protocol';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface PlatformshErrorInit {
  kind: PlatformshErrorKind;
  method: HttpMethod;
  /** The templated path (`/projects/{projectId}/variables/{variableId}`): no ids, no query. */
  path: string;
  status?: number;
  /** Platform.sh's own error code (problem `type`/`title`, or an OAuth `error`). */
  code?: string;
  /** Platform.sh's own message (problem `detail`, `error_description`, `message` or `error`). */
  vendorMessage?: string;
  /** How long the server asked us to wait, or how long the breaker stays open. */
  retryAfterMs?: number;
  /** A short technical note (e.g. the network error's code); redacted like the rest. */
  detail?: string;
  /** Secret values in hand for this call: the API token, access token, a variable value. */
  secrets?: readonly string[];
  /** The service's name in the user message: the connection's vendor ("Upsun"); Platform.sh if unset. */
  productName?: string;
}

// Functions of the service's name, so an Upsun organisation reads "Upsun did not accept…".
const USER_MESSAGES: Record<PlatformshErrorKind, (name: string) => string> = {
  unauthorized: (name) => `${name} did not accept the API token. It may have been revoked or mistyped.`,
  forbidden: (name) => `${name} refused this action: the API token’s user lacks the permission for it.`,
  not_found: (name) => `${name} could not find what was asked for. It may have been deleted.`,
  conflict: (name) => `${name} reports that this already exists or was changed at the same time.`,
  invalid: (name) => `${name} rejected the request as invalid.`,
  rate_limited: (name) => `${name} is limiting how fast we may call it. Please try again in a little while.`,
  unavailable: (name) => `${name} is not answering properly right now. Please try again later.`,
  timeout: (name) => `${name} did not answer in time. Please try again later.`,
  network: (name) => `Keywarden could not reach ${name}. Check the network and try again.`,
  unknown_outcome: (name) =>
    `The connection to ${name} was lost after the change was sent, so we do not know whether it was applied. Keywarden will check before trying again.`,
  circuit_open: (name) => `${name} has failed repeatedly, so Keywarden is pausing calls to it for a moment.`,
  protocol: (name) => `${name} answered with something Keywarden does not understand.`,
};

const MAX_VENDOR_TEXT = 300;

function clean(text: string | undefined, secrets: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  // Redact the full text first: a secret cut in half by truncation would no longer match.
  const redacted = redactText(text, [...secrets, ...knownSecrets()]);
  return redacted.length > MAX_VENDOR_TEXT ? `${redacted.slice(0, MAX_VENDOR_TEXT)}…` : redacted;
}

/**
 * Brands every PlatformshError. Next.js bundles this module into several server layers (actions,
 * route handlers, instrumentation), each with its own class; the process-wide client may come from
 * any of them, so `instanceof` is not enough. `Symbol.for` is shared by the whole process.
 */
const BRAND = Symbol.for('keywarden.PlatformshError');

export class PlatformshError extends Error {
  readonly [BRAND] = true;
  readonly kind: PlatformshErrorKind;
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly vendorMessage: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** Plain words, safe to show to a dashboard user. */
  readonly userMessage: string;

  constructor(init: PlatformshErrorInit) {
    const secrets = init.secrets ?? [];
    const code = clean(init.code, secrets);
    const vendorMessage = clean(init.vendorMessage, secrets);
    const detail = clean(init.detail, secrets);
    const status = init.status === undefined ? '' : ` ${init.status}`;
    const vendor = [code, vendorMessage].filter(Boolean).join(': ');
    const text = `Platform.sh ${init.method} ${init.path}${status} (${init.kind})${vendor ? `: ${vendor}` : ''}${detail ? ` [${detail}]` : ''}`;
    super(clean(text, secrets) ?? text);
    this.name = 'PlatformshError';
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.code = code;
    this.vendorMessage = vendorMessage;
    this.retryAfterMs = init.retryAfterMs;
    this.userMessage = USER_MESSAGES[init.kind](init.productName ?? 'Platform.sh');
  }

  /** Safe to log or return: the same redacted fields, never a body or a credential. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      method: this.method,
      path: this.path,
      status: this.status,
      code: this.code,
      vendorMessage: this.vendorMessage,
      retryAfterMs: this.retryAfterMs,
      message: this.message,
    };
  }

  /**
   * Maps onto the app's error vocabulary (lib/errors.ts). A 401 from Platform.sh is about the
   * credential Keywarden holds, not the dashboard session, so it becomes `forbidden` rather than
   * `unauthenticated` (which would send the person back to the login page).
   */
  toAppError(): AppError {
    return new AppError(APP_CODES[this.kind], this.userMessage);
  }
}

const APP_CODES: Record<PlatformshErrorKind, ErrorCode> = {
  unauthorized: 'forbidden',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  invalid: 'invalid_input',
  rate_limited: 'rate_limited',
  unavailable: 'internal',
  timeout: 'internal',
  network: 'internal',
  unknown_outcome: 'internal',
  circuit_open: 'internal',
  protocol: 'internal',
};

export function isPlatformshError(value: unknown): value is PlatformshError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** The kind an HTTP error status maps to (2xx never reaches here). */
export function kindForStatus(status: number): PlatformshErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  if (status >= 400 && status < 500) return 'invalid';
  if (status >= 500) return 'unavailable';
  return 'protocol';
}

export interface VendorError {
  code?: string;
  message?: string;
}

/**
 * Reads Platform.sh's error out of a response body: `{"error": "..."}` (older endpoints, and the
 * OAuth server's `{"error", "error_description"}`) or `application/problem+json`
 * (`type`, `title`, `status`, `detail`). Anything else yields nothing: raw bodies are never surfaced.
 */
export function parseVendorError(bodyText: string): VendorError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const record = parsed as Record<string, unknown>;
  const text = (key: string): string | undefined => {
    const value = record[key];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const isProblem = text('title') !== undefined || text('detail') !== undefined || text('type') !== undefined;
  if (isProblem) {
    const type = text('type');
    return { code: type && type !== 'about:blank' ? type : text('title'), message: text('detail') ?? text('title') };
  }
  const description = text('error_description');
  if (description) return { code: text('error'), message: description };
  const code = typeof record.code === 'string' || typeof record.code === 'number' ? String(record.code) : undefined;
  return { code, message: text('error') ?? text('message') };
}
