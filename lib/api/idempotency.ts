// `Idempotency-Key` on the REST API's POSTs that create (invite, record + push, rotate, resume,
// sync), after the IETF draft "The Idempotency-Key HTTP Header Field": the first request with a
// key is executed and its answer kept; a retry by the same caller with the same key and the same
// request gets that answer again (marked `Idempotent-Replayed: true`) and executes nothing. The
// same key with another request is refused (422); while the first still runs, a retry is refused
// (409) rather than run twice. Keys expire after IDEMPOTENCY_TTL_HOURS.
//
// What is stored (SECURITY.md T1): never the body — it may hold a token value — only an HMAC of
// the operation, its path parameters and its validated body, to tell a retry from another request.
// The stored answer is one the API gave: it never holds a token value (answers carry the last four).
//
// Concurrency: the key is claimed by inserting its row before executing; the unique constraint on
// (user, key) lets one of two simultaneous requests in, on PGlite and PostgreSQL alike. Only a
// success is kept: a refusal (4xx: invalid, forbidden, a push already running…) or a failure (5xx)
// changed nothing, so it releases the key and a retry is judged afresh — and a refused caller leaves
// no row behind.
import 'server-only';
import { createHmac } from 'node:crypto';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { getDb } from '@/lib/db';
import { isUniqueViolation } from '@/lib/errors';
import { problemResponse } from './problem';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_TTL_HOURS = 24;
/** Printable ASCII without spaces, 1–255 characters: a UUID, a job id, a hash. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The request's key (null: none sent), or the refusal of a malformed one. */
export function idempotencyKeyOf(request: Request): { ok: true; key: string | null } | { ok: false; response: Response } {
  const raw = request.headers.get(IDEMPOTENCY_HEADER);
  if (raw === null) return { ok: true, key: null };
  // The structured-field form of the draft (`"abc"`) and a bare token are the same key.
  const key = raw.trim().replace(/^"(.*)"$/, '$1');
  if (!KEY_PATTERN.test(key)) {
    return { ok: false, response: problemResponse('invalid_input', 'The Idempotency-Key header must be 1–255 printable ASCII characters without spaces.', { fieldErrors: { [IDEMPOTENCY_HEADER]: ['1–255 printable ASCII characters, no spaces.'] } }) };
  }
  return { ok: true, key };
}

/** JSON with object keys sorted, so that two equal requests digest alike whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A keyed digest of the request: nothing of the body can be read back from it, nor guessed offline. */
export function requestDigest(request: { operationId: string; params: unknown; body: unknown }): string {
  return createHmac('sha256', getSecrets(getConfig()).apiKey)
    .update(`idempotency-key\0${request.operationId}\0${canonical(request.params)}\0${canonical(request.body)}`)
    .digest('hex');
}

function replay(row: { responseStatus: number | null; responseType: string | null; responseBody: string | null; responseLocation: string | null }): Response {
  const headers: Record<string, string> = { 'Content-Type': row.responseType ?? 'application/json', 'Cache-Control': 'no-store', 'Idempotent-Replayed': 'true' };
  if (row.responseLocation) headers.Location = row.responseLocation;
  return new Response(row.responseBody, { status: row.responseStatus ?? 200, headers });
}

/** Executes the request once per (caller, key); see the file's header. */
export async function runIdempotently(
  request: { userId: string; key: string; operationId: string; params: unknown; body: unknown },
  execute: () => Promise<Response>,
): Promise<Response> {
  const db = getDb();
  const now = new Date();
  const digest = requestDigest(request);
  // Expired keys go first, so that an expired key is a new one (an indexed, usually empty delete).
  await db.idempotencyKey.deleteMany({ where: { expiresAt: { lte: now } } });
  let claimedId: string;
  try {
    const claimed = await db.idempotencyKey.create({
      data: { userId: request.userId, key: request.key, requestDigest: digest, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_HOURS * 3_600_000) },
      select: { id: true },
    });
    claimedId = claimed.id;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const first = await db.idempotencyKey.findUnique({ where: { userId_key: { userId: request.userId, key: request.key } } });
    if (first && first.requestDigest !== digest) {
      return problemResponse('idempotency_key_reused', 'This Idempotency-Key was used for another request (another operation, resource or body). Use a new key for a new request.');
    }
    if (!first || first.responseStatus === null) {
      return problemResponse('conflict', 'A request with this Idempotency-Key is still being processed. Retry when it has answered.', { headers: { 'Retry-After': '1' } });
    }
    return replay(first);
  }

  let response: Response;
  try {
    response = await execute();
  } catch (error) {
    await db.idempotencyKey.delete({ where: { id: claimedId } }).catch(() => undefined);
    throw error;
  }
  if (!response.ok) {
    await db.idempotencyKey.delete({ where: { id: claimedId } });
    return response;
  }
  const body = await response.text();
  const stored = { responseStatus: response.status, responseType: response.headers.get('content-type'), responseBody: body, responseLocation: response.headers.get('location') };
  await db.idempotencyKey.update({ where: { id: claimedId }, data: stored });
  return new Response(body, { status: response.status, headers: response.headers });
}
