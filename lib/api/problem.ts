// Errors of the REST API as RFC 9457 problem details (`application/problem+json`): the app's error
// vocabulary (lib/errors.ts) as the stable `code`, a `detail` written by Keywarden (never a copy of
// the request: no value, no field name the caller made up), and per-field messages keyed by the
// schema's own field names.
import { z } from 'zod';
import { HTTP_STATUS, type ErrorBody, type ErrorCode } from '@/lib/errors';
import { isUuid } from '@/lib/utils';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Codes beyond lib/errors.ts that only HTTP has: a body too large, the wrong media type, a method the path does not have, an
 * Idempotency-Key reused for another request (422, as the IETF Idempotency-Key draft says), no
 * connection to Platform.sh for an operation that needs one (503).
 */
export type ApiErrorCode = ErrorCode | 'payload_too_large' | 'unsupported_media_type' | 'method_not_allowed' | 'idempotency_key_reused' | 'unavailable';

const API_STATUS: Record<ApiErrorCode, number> = { ...HTTP_STATUS, payload_too_large: 413, unsupported_media_type: 415, method_not_allowed: 405, idempotency_key_reused: 422, unavailable: 503 };

const TITLES: Record<ApiErrorCode, string> = {
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  invalid_input: 'Invalid request',
  not_found: 'Not found',
  conflict: 'Conflict',
  rate_limited: 'Too many requests',
  internal: 'Internal error',
  payload_too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported media type',
  method_not_allowed: 'Method not allowed',
  idempotency_key_reused: 'Idempotency key reused',
  unavailable: 'Service unavailable',
};

export const API_ERROR_CODES = Object.keys(API_STATUS) as [ApiErrorCode, ...ApiErrorCode[]];

export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'A URI reference naming the kind of problem: `/api/docs#errors`.' }),
    title: z.string(),
    status: z.int().min(400).max(599),
    code: z.enum(API_ERROR_CODES).meta({ description: 'Stable machine-readable code.' }),
    detail: z.string().meta({ description: 'For people; never repeats the request.' }),
    field_errors: z.record(z.string(), z.array(z.string())).optional().meta({ description: 'Messages per field of the request (`body`, `query` or a field name).' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });

export type Problem = z.infer<typeof problemSchema>;

export function statusOf(code: ApiErrorCode): number {
  return API_STATUS[code];
}

/**
 * A 401 names the scheme that would be accepted (RFC 9110 §15.5.2 requires the header; RFC 6750 §3
 * gives the Bearer form). Bearer, never Basic: a browser prompts for a password only for Basic.
 */
export const API_AUTHENTICATE_CHALLENGE = 'Bearer realm="keywarden"';

export function problemResponse(code: ApiErrorCode, detail: string, options: { fieldErrors?: Record<string, string[]>; headers?: Record<string, string> } = {}): Response {
  const status = API_STATUS[code];
  const body: Problem = { type: '/api/docs#errors', title: TITLES[code], status, code, detail, ...(options.fieldErrors ? { field_errors: options.fieldErrors } : {}) };
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'Cache-Control': 'no-store',
      ...(status === 401 ? { 'WWW-Authenticate': API_AUTHENTICATE_CHALLENGE } : {}),
      ...options.headers,
    },
  });
}

/** A domain error as a problem. */
export function problemOf(error: ErrorBody, headers?: Record<string, string>): Response {
  return problemResponse(error.code, error.message, { fieldErrors: error.fieldErrors, headers });
}

/** The schema inside wrappers that do not change a value's shape (optional, default, pipe…). */
function unwrapped(schema: z.core.$ZodType): z.core.$ZodType {
  const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
  if (def.innerType) return unwrapped(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrapped(def.in);
  return schema;
}

/**
 * An issue's path as a field name, with every segment the caller chose masked: a field of an
 * object schema is the schema's own name and an array index a number, but a record's key is the
 * caller's text (a token pasted as a key would come back) — kept only when it is a UUID (the ids
 * such records are keyed by), `*` otherwise. Past a schema it cannot follow, only numbers and
 * UUIDs are kept.
 */
function fieldName(schema: z.core.$ZodType | undefined, path: readonly PropertyKey[]): string {
  let current = schema;
  const names: string[] = [];
  for (const segment of path) {
    const def = current ? (unwrapped(current)._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; valueType?: z.core.$ZodType; element?: z.core.$ZodType }) : undefined;
    const text = String(segment);
    if (def?.type === 'object' && def.shape && Object.hasOwn(def.shape, text)) {
      names.push(text);
      current = def.shape[text];
    } else if (typeof segment === 'number') {
      names.push(text);
      current = def?.type === 'array' ? def.element : undefined;
    } else {
      names.push(isUuid(text) ? text : '*');
      current = def?.type === 'record' ? def.valueType : undefined;
    }
  }
  return names.join('.');
}

/**
 * Zod issues as field errors that repeat nothing of the request: the key is the schema's own field
 * (a path through a strict schema names only fields it knows, and a record's key is masked:
 * fieldName), an unknown field is reported without its name, and messages are the schemas' own
 * (zod's defaults name types and limits, not values).
 */
export function safeFieldErrors(where: 'body' | 'query' | 'path', issues: readonly z.core.$ZodIssue[], schema?: z.core.$ZodType): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      (result[where] ??= []).push(where === 'query' ? 'Unknown query parameters are not accepted.' : 'Unknown fields are not accepted.');
      continue;
    }
    (result[fieldName(schema, issue.path) || where] ??= []).push(issue.message);
  }
  return result;
}
