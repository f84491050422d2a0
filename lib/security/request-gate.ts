// The first look at every request, in the custom server (lib/cli/start.ts) before Next.js sees it:
// the proxy matcher skips `_next/static`, so this is the one place every request passes.
//
// - Host (SECURITY.md A3): only KEYWARDEN_URL's host is served. Any other Host header is a DNS
//   rebinding attempt or a misrouted request and is answered 421. Origins are checked against the
//   same single origin in proxy.ts, so a forged Host can no longer make a forged Origin "ours".
//   `GET /api/health` answers for any Host: load balancers probe with an internal address, and the
//   report holds nothing secret.
// - Body size: Next answers an oversized server action body with a 500 and a stack trace on stderr.
//   A body over MAX_BODY_BYTES is refused with 413 before it is read; a body without a length
//   (chunked) cannot be bounded up front and is refused with 411 (browsers always send the length).
// - Nesting: a body nested deeper than MAX_NESTING_DEPTH (`[[[[…]]]]`) overflows the stack of the
//   decoders behind server actions and route handlers; it is refused with 400.
// - Malformed requests: a path whose percent-encoding does not decode (`/%ff`) and a multipart body
//   that does not parse are a client's mistakes, but Next answers both with a 500 (the body with an
//   error-level stack trace on stderr, where it hides real failures). Both are refused with 400.
// - Methods: Node's parser lets through methods no route of Keywarden serves (TRACE, PROPFIND, …).
//   Next's proxy cannot even build its request for TRACE (a 500 and an error-level stack trace for
//   every probe), and renders pages for WebDAV verbs. Anything but the methods below is refused
//   with 405 and an Allow header.
// - Server action arguments: a fetch-style server action call (a `Next-Action` header) carries what
//   React's encodeReply makes of the argument list: JSON text, or multipart parts of JSON ("0" the
//   list, "1", "2", … outlined values), whose strings are plain (user text beginning with `$` is
//   escaped `$$`), inline values (`$undefined`, a date, …) or references to parts the body has.
//   Next answers a part that is not JSON, a list that is not an array, or a reference to a part
//   that is not there (`"$Q1"`, `"$1"`, `"$"`) with a 500 and an error-level stack trace, for any
//   caller who read an action id from a page's script. Such a body is refused 400.
// - Native form posts of a bound action (no JavaScript: a `$ACTION_REF_n` field and the parts
//   `$ACTION_n:0`, `:1`, … of the action's id and bound arguments, in any page's HTML): React
//   decodes those parts the same way, with the same 500 for one that is not JSON, refers to a
//   missing part, or is not an `{ id, bound }` descriptor. Refused 400 the same way; the form's own
//   fields are the action's to judge.
// Every refusal carries the same security headers as the app's own answers (static-headers.json).
import { IncomingMessage, type ServerResponse } from 'node:http';
import type { ErrorBody } from '@/lib/errors';
import STATIC_SECURITY_HEADERS from './static-headers.json';

/** The same bound as Next's default `serverActions.bodySizeLimit` (1 MB), for every route. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Far deeper than any form or action argument of Keywarden (a handful of levels), far shallower than a stack. */
export const MAX_NESTING_DEPTH = 64;

export interface Refusal {
  status: 400 | 405 | 411 | 413 | 421;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/** The methods some route of Keywarden answers (Next.js itself, route handlers, server actions). */
export const SERVED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const SERVED = new Set<string>(SERVED_METHODS);

/** 405 for a method no route serves (TRACE, CONNECT, WebDAV's verbs, …). */
export function refuseMethod(method: string | undefined): Refusal | null {
  if (method !== undefined && SERVED.has(method)) return null;
  return {
    status: 405,
    body: { code: 'invalid_input', message: 'This server does not answer that HTTP method.' },
    headers: { Allow: SERVED_METHODS.join(', ') },
  };
}

const HOST_SYNTAX = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Whether a Host header names KEYWARDEN_URL's host. Case-insensitive, and an explicit default port
 * (`:443` for https) equals none; any other port, a missing port where one is configured, or
 * anything that is not a bare host name (user info, a path) does not match.
 */
export function isPublicHost(host: string | undefined, publicUrl: URL): boolean {
  if (!host || !HOST_SYNTAX.test(host)) return false;
  try {
    return new URL(`${publicUrl.protocol}//${host}`).host === publicUrl.host;
  } catch {
    return false;
  }
}

const HEALTH_PATH = '/api/health';

/** 421 for a Host that is not KEYWARDEN_URL's, except for the health check. */
export function refuseHost(request: { method?: string; url?: string; headers: { host?: string } }, publicUrl: URL): Refusal | null {
  if (isPublicHost(request.headers.host, publicUrl)) return null;
  const pathname = (request.url ?? '').split('?')[0];
  if ((request.method === 'GET' || request.method === 'HEAD') && pathname === HEALTH_PATH) return null;
  return {
    status: 421,
    body: { code: 'forbidden', message: `This server answers only for ${publicUrl.host}.` },
  };
}

/**
 * 400 for a request target that is not a path (origin-form, RFC 9112 §3.2.1), and for a path whose
 * percent-encoding does not decode (the query string is parsed leniently). Browsers and reverse
 * proxies send a path; Next answers the absolute form (`GET http://evil.example/`) with a 308 to
 * that other host, and the asterisk form (`OPTIONS *`) with a 500 and a stack trace in the log.
 */
export function refuseMalformedPath(url: string | undefined): Refusal | null {
  if (!url?.startsWith('/')) {
    return { status: 400, body: { code: 'invalid_input', message: 'The request target must be a path.' } };
  }
  const pathname = url.split('?')[0] ?? '';
  try {
    decodeURIComponent(pathname);
    return null;
  } catch {
    return { status: 400, body: { code: 'invalid_input', message: 'The address is not validly encoded.' } };
  }
}

/**
 * 400 for a body sent as multipart/form-data that does not parse as such (no boundary, garbage),
 * with the same parser Next's server actions use; any other body is the route's to judge.
 */
const MULTIPART = /^\s*multipart\/form-data\b/i;

/**
 * A multipart body's parts, parsed once for the two checks below: undefined when the body is not
 * multipart, null when it does not parse.
 */
export async function multipartParts(contentType: string | undefined, body: Buffer): Promise<FormData | null | undefined> {
  if (!contentType || !MULTIPART.test(contentType)) return undefined;
  return new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData().catch(() => null);
}

/** 400 for a multipart body that does not parse. */
export function refuseMalformedMultipart(parts: FormData | null | undefined): Refusal | null {
  return parts === null ? { status: 400, body: { code: 'invalid_input', message: 'The request body is not valid multipart/form-data.' } } : null;
}

/** The character after `$` in a reply's string that React decodes inline (escape, temporary reference, ±Infinity, NaN, undefined, date, bigint, a form's entries, a hole). */
const INLINE_REPLY_VALUES = new Set(['$', 'T', 'I', '-', 'N', 'u', 'D', 'n', 'K', 'H']);

/**
 * The body part a reply's string refers to (`"$Q1f"` → 31, `"$2:name"` → 2; `"$"` → NaN, a part no
 * body has), or null for a plain or inline string. After `$`: a hex digit is a plain reference, any
 * other character (`Q` a Map, `W` a Set, `h` a server function, `@` a promise, `B` a blob, …) a
 * typed one whose id follows it. (React writes ids in lower-case hex; no type is a-f.)
 */
function referencedPart(value: string): number | null {
  if (!value.startsWith('$') || INLINE_REPLY_VALUES.has(value[1] ?? '')) return null;
  const id = /^[0-9a-f]/.test(value[1] ?? '') ? value.slice(1) : value.slice(2);
  return Number.parseInt(id.split(':')[0] ?? '', 16);
}

/** Every part a decoded JSON value refers to. Depth is bounded: the gate refused deep nesting first. */
function referencedParts(value: unknown, found: number[] = []): number[] {
  if (typeof value === 'string') {
    const part = referencedPart(value);
    if (part !== null) found.push(part);
  } else if (Array.isArray(value)) {
    for (const item of value) referencedParts(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) referencedParts(item, found);
  }
  return found;
}

function malformedAction(): Refusal {
  return { status: 400, body: { code: 'invalid_input', message: 'The server action arguments are not valid.' } };
}

function parsedJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A reply's parts by number ("0", "1", …), the first of each name as React reads it. */
type ReplyParts = Map<string, FormDataEntryValue>;

/**
 * Whether `parts` is a reply React decodes without throwing: every part text (Keywarden's actions
 * take no files, and React parses a file referenced as a value as JSON), every part JSON, part "0"
 * there and accepted by `isRoot`, and every reference naming a part the body has.
 */
function isDecodableReply(parts: ReplyParts, isRoot: (root: unknown, parsed: Map<string, unknown>) => boolean): boolean {
  const parsed = new Map<string, unknown>();
  const references: number[] = [];
  for (const [name, value] of parts) {
    if (typeof value !== 'string') return false;
    const part = parsedJson(value);
    if (!part.ok) return false;
    parsed.set(name, part.value);
    referencedParts(part.value, references);
  }
  return parsed.has('0') && isRoot(parsed.get('0'), parsed) && references.every((part) => parsed.has(String(part)));
}

/** The numbered parts of a multipart body whose names are `prefix` and a number, by that number. */
function numberedParts(form: FormData, prefix = ''): ReplyParts {
  const parts: ReplyParts = new Map();
  for (const [name, value] of form) {
    if (!name.startsWith(prefix)) continue;
    const number = name.slice(prefix.length);
    if (/^\d+$/.test(number) && !parts.has(number)) parts.set(number, value);
  }
  return parts;
}

/** A fetch-style call's part "0": the argument list. */
const isArgumentList = (root: unknown): boolean => Array.isArray(root);

/** A bound action's part "0" (React's encodeFormAction): `{ id, bound }`, `bound` a promise (`$@n`) of the bound arguments. */
function isBoundActionDescriptor(root: unknown, parsed: Map<string, unknown>): boolean {
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return false;
  const { id, bound } = root as { id?: unknown; bound?: unknown };
  if (typeof id !== 'string') return false;
  if (bound === null) return true;
  // Anything else makes React read the bound arguments' length off a non-list (a TypeError, a 500).
  const promised = typeof bound === 'string' ? /^\$@([0-9a-f]+)$/.exec(bound) : null;
  return promised !== null && Array.isArray(parsed.get(String(Number.parseInt(promised[1] ?? '', 16))));
}

/** The `$ACTION_REF_<prefix>` fields of a native form post: each names the parts `$ACTION_<prefix>:0`, `:1`, … of a bound action. */
const ACTION_REF = '$ACTION_REF_';

/**
 * 400 for a server action call whose arguments are not what React makes of them, for the two ways
 * a server action is posted:
 * - fetch-style (a `Next-Action` header): what encodeReply makes of the argument list. A text body
 *   is the list itself: JSON, an array, no reference to another part (a text body has none). A
 *   multipart body (arguments holding a form) has the list in its part "0" and outlined values in
 *   parts "1", "2", …: each numbered part is JSON text, and every reference names a part the body has.
 * - a native form post (no JavaScript, or before hydration: multipart, no header) of a bound action
 *   (useActionState's, a `.bind`): a `$ACTION_REF_<p>` field, and the parts `$ACTION_<p>:0`, `:1`, …
 *   of what encodeFormAction makes. Next checks only that part 0 begins with `{"id":"<a real action>"`;
 *   React answers a part that is not JSON, a reference to a missing part, an id that is not a string
 *   or bound arguments that are not a list with a 500 and an error-level stack trace. The form's
 *   own fields are the action's to judge.
 * `parts`: the body's (multipartParts).
 */
export function refuseMalformedActionArguments(
  method: string | undefined,
  headers: { 'next-action'?: string | string[]; 'content-type'?: string },
  body: Buffer,
  parts: FormData | null | undefined,
): Refusal | null {
  if (method !== 'POST') return null;
  if (headers['next-action'] === undefined) {
    if (!parts) return null;
    const boundActions = [...parts.keys()].filter((name) => name.startsWith(ACTION_REF));
    const decodable = boundActions.every((name) => isDecodableReply(numberedParts(parts, `$ACTION_${name.slice(ACTION_REF.length)}:`), isBoundActionDescriptor));
    return decodable ? null : malformedAction();
  }
  if (parts === undefined) {
    const root = parsedJson(body.toString('utf8'));
    return root.ok && Array.isArray(root.value) && referencedParts(root.value).length === 0 ? null : malformedAction();
  }
  if (!parts) return malformedAction();
  return isDecodableReply(numberedParts(parts), isArgumentList) ? null : malformedAction();
}

/** 413 or 411 from the headers alone, before any of the body is read. */
export function refuseBodyHeaders(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): Refusal | null {
  if (headers['transfer-encoding'] !== undefined) {
    return { status: 411, body: { code: 'invalid_input', message: 'Send the request body with a Content-Length.' } };
  }
  const length = Number(headers['content-length'] ?? 0);
  if (length > MAX_BODY_BYTES) return tooLarge();
  return null;
}

function tooLarge(): Refusal {
  return { status: 413, body: { code: 'invalid_input', message: `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.` } };
}

const OPEN_BRACKETS = new Set([0x5b, 0x7b]); // [ {
const CLOSE_BRACKETS = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether brackets in `body` nest deeper than `maxDepth`. Counted byte by byte without parsing and
 * without regard to quotes, so that no encoding (JSON, multipart, a quote in a field) can hide
 * depth: closing brackets only lower it. Text with dozens of unmatched `[` is refused too, a price
 * no real input pays.
 */
export function exceedsNestingDepth(body: Uint8Array, maxDepth = MAX_NESTING_DEPTH): boolean {
  let depth = 0;
  for (const byte of body) {
    if (OPEN_BRACKETS.has(byte)) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (CLOSE_BRACKETS.has(byte) && depth > 0) {
      depth -= 1;
    }
  }
  return false;
}

/** Answers a refusal in the app's error vocabulary (`{ error: { code, message } }`), never a stack. */
export function sendRefusal(response: ServerResponse, refusal: Refusal, options: { closeConnection?: boolean } = {}): void {
  const payload = JSON.stringify({ error: refusal.body });
  response.statusCode = refusal.status;
  for (const { key, value } of STATIC_SECURITY_HEADERS) response.setHeader(key, value);
  for (const [key, value] of Object.entries(refusal.headers ?? {})) response.setHeader(key, value);
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(payload));
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  // An unread body is still on the wire: do not reuse the connection for another request.
  if (options.closeConnection) response.setHeader('Connection', 'close');
  response.end(payload);
}

/** The whole body; 'too-large' past the limit (a Content-Length can understate nothing, but be safe); 'aborted' if the client went away. */
function readBody(request: IncomingMessage): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.once('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    // Settles only if 'end' did not come first (a promise resolves once).
    request.once('error', () => resolve('aborted'));
    request.once('close', () => resolve('aborted'));
  });
}

/**
 * A copy of `original` whose body is `body` (already read). Next.js reads the body from the
 * request stream it is given, and a stream read once cannot be rewound.
 */
function withBody(original: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = new IncomingMessage(original.socket);
  replay.method = original.method;
  replay.url = original.url;
  replay.headers = original.headers;
  replay.rawHeaders = original.rawHeaders;
  replay.httpVersion = original.httpVersion;
  replay.httpVersionMajor = original.httpVersionMajor;
  replay.httpVersionMinor = original.httpVersionMinor;
  replay.complete = true;
  if (body.length) replay.push(body);
  replay.push(null);
  return replay;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

/**
 * Wraps the server's handler with the checks above. A request without a body goes through as it
 * came; one with a body is read (at most MAX_BODY_BYTES), checked, and handed on as a copy.
 */
export function gateRequests(handler: RequestHandler, publicUrl: URL): RequestHandler {
  return async (request, response) => {
    const hostRefusal = refuseHost(request, publicUrl);
    const headerRefusal = hostRefusal ?? refuseMethod(request.method) ?? refuseBodyHeaders(request.headers) ?? refuseMalformedPath(request.url);
    if (headerRefusal) {
      request.resume();
      sendRefusal(response, headerRefusal, { closeConnection: true });
      return;
    }
    if (!Number(request.headers['content-length'] ?? 0)) {
      // An action call with no arguments at all: Next's JSON.parse('') would throw (a 500).
      const empty = Buffer.alloc(0);
      const emptyAction = refuseMalformedActionArguments(request.method, request.headers, empty, await multipartParts(request.headers['content-type'], empty));
      if (emptyAction) return sendRefusal(response, emptyAction);
      return handler(request, response);
    }

    const body = await readBody(request);
    if (body === 'aborted') return void response.destroy();
    if (body === 'too-large') return sendRefusal(response, tooLarge());
    if (exceedsNestingDepth(body)) {
      return sendRefusal(response, {
        status: 400,
        body: { code: 'invalid_input', message: `The request body is nested more than ${MAX_NESTING_DEPTH} levels deep.` },
      });
    }
    const parts = await multipartParts(request.headers['content-type'], body);
    const multipartRefusal = refuseMalformedMultipart(parts);
    if (multipartRefusal) return sendRefusal(response, multipartRefusal);
    const actionRefusal = refuseMalformedActionArguments(request.method, request.headers, body, parts);
    if (actionRefusal) return sendRefusal(response, actionRefusal);
    return handler(withBody(request, body), response);
  };
}
