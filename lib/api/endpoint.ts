// One REST API operation: its contract (path, query and body schemas, responses) and its handler.
// The same object feeds the route handler (lib/api/operations.ts → app/api/v1/**/route.ts) and the
// OpenAPI document (lib/api/openapi.ts), so the document cannot drift from what is enforced.
import 'server-only';
import { z } from 'zod';
import { isAppError, type ErrorBody } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { authenticateRequest, type Authenticated } from './authenticate';
import { idempotencyKeyOf, runIdempotently } from './idempotency';
import { problemOf, problemResponse, safeFieldErrors } from './problem';

/** Larger than any body of this API (a name and a number); far below the server's 1 MB gate. */
export const MAX_API_BODY_BYTES = 64 * 1024;

export type ApiAnswer = { ok: true; status?: number; body: unknown; headers?: Record<string, string> } | { ok: false; error: ErrorBody } | Response;

type AnyObject = z.ZodObject<z.core.$ZodLooseShape>;

export interface Endpoint<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends AnyObject = AnyObject> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** OpenAPI path template, e.g. `/api/v1/projects/{projectId}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** 'session': not with an API key (creating keys). */
  auth?: 'any' | 'session';
  params?: P;
  query?: Q;
  body?: B;
  /** The body may be left out (a DELETE's options): absent, it is validated as `{}`. */
  bodyOptional?: boolean;
  /**
   * A POST that creates: an `Idempotency-Key` header makes a retry return the first answer instead
   * of executing again (lib/api/idempotency.ts).
   */
  idempotent?: boolean;
  /** 202: accepted, continuing in the background; the answer's `Location` is the run to poll. */
  response: { status: 200 | 201 | 202; schema: z.ZodType; description: string };
  /** Extra media types of the success answer (NDJSON). */
  alternatives?: Record<string, { schema: z.ZodType }>;
  /** The refusals its handler can answer with; those every operation can are added by the document (errorStatusesOf in lib/api/openapi.ts). */
  errors: (400 | 403 | 404 | 409 | 413 | 415 | 422 | 503)[];
  handle: (input: { auth: Authenticated; params: z.output<P>; query: z.output<Q>; body: z.output<B>; request: Request }) => Promise<ApiAnswer>;
}

export function defineEndpoint<P extends AnyObject, Q extends AnyObject, B extends AnyObject>(endpoint: Endpoint<P, Q, B>): Endpoint {
  return endpoint as unknown as Endpoint;
}

const EMPTY = z.strictObject({});

function queryObject(url: URL): Record<string, string> | 'repeated' {
  const result: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(result, key)) return 'repeated';
    result[key] = value;
  }
  return result;
}

async function readJsonBody(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return { ok: false, response: problemResponse('unsupported_media_type', 'Send the body as application/json.') };
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_API_BODY_BYTES) return { ok: false, response: problemResponse('payload_too_large', `The body is larger than ${MAX_API_BODY_BYTES / 1024} KB.`) };
  const text = await request.text();
  if (Buffer.byteLength(text, 'utf8') > MAX_API_BODY_BYTES) return { ok: false, response: problemResponse('payload_too_large', `The body is larger than ${MAX_API_BODY_BYTES / 1024} KB.`) };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, response: problemResponse('invalid_input', 'The body is not valid JSON.') };
  }
}

function toResponse(answer: ApiAnswer): Response {
  if (answer instanceof Response) return answer;
  if (!answer.ok) return problemOf(answer.error, answer.error.code === 'rate_limited' ? { 'Retry-After': '900' } : undefined);
  return new Response(JSON.stringify(answer.body), {
    status: answer.status ?? 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...answer.headers },
  });
}

/** The route handler of an endpoint: authenticate → validate → handle, problems for every refusal, never a stack. */
export function routeHandler(endpoint: Endpoint) {
  return async (request: Request, route: { params: Promise<Record<string, string | string[] | undefined>> }): Promise<Response> => {
    try {
      const auth = await authenticateRequest(request, { sessionOnly: endpoint.auth === 'session' });
      if (!auth.ok) return toResponse(auth);

      const params = (endpoint.params ?? EMPTY).safeParse((await route.params) ?? {});
      // A malformed id names nothing: the same answer as an unknown one.
      if (!params.success) return problemResponse('not_found', 'There is no such resource, or it is not visible to you.');

      const rawQuery = queryObject(new URL(request.url));
      if (rawQuery === 'repeated') return problemResponse('invalid_input', 'Give each query parameter at most once.');
      const query = (endpoint.query ?? EMPTY).safeParse(rawQuery);
      if (!query.success) return problemResponse('invalid_input', 'Some query parameters are not valid.', { fieldErrors: safeFieldErrors('query', query.error.issues, endpoint.query) });

      let body: Record<string, unknown> = {};
      if (endpoint.body) {
        // An optional body left out: no media type and nothing sent (anything sent must be JSON).
        const absent = endpoint.bodyOptional && !request.headers.get('content-type') && (await request.clone().text()) === '';
        const read = absent ? ({ ok: true, value: {} } as const) : await readJsonBody(request);
        if (!read.ok) return read.response;
        const parsed = endpoint.body.safeParse(read.value);
        if (!parsed.success) return problemResponse('invalid_input', 'Some fields of the body are not valid.', { fieldErrors: safeFieldErrors('body', parsed.error.issues, endpoint.body) });
        body = parsed.data;
      }
      const execute = async () => toResponse(await endpoint.handle({ auth: auth.data, params: params.data, query: query.data, body, request }));
      if (!endpoint.idempotent) return await execute();
      const key = idempotencyKeyOf(request);
      if (!key.ok) return key.response;
      if (key.key === null) return await execute();
      return await runIdempotently({ userId: auth.data.context.actor.id, key: key.key, operationId: endpoint.operationId, params: params.data, body }, execute);
    } catch (error) {
      if (isAppError(error)) return problemOf(error.toBody());
      logger.error('REST API request failed', { operation: endpoint.operationId, error });
      return problemResponse('internal', 'Something went wrong on our side. Nothing was changed; please try again.');
    }
  };
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type RouteHandler = ReturnType<typeof routeHandler>;

/**
 * The exports of one route file: each of the path's endpoints through routeHandler, and every other
 * method answered with a 405 problem naming the allowed ones (`Allow`) — left unexported, Next.js
 * would answer them with an empty 405.
 */
export function routeHandlers(...endpoints: Endpoint[]): Record<(typeof HTTP_METHODS)[number], RouteHandler> {
  const allow = endpoints.map((endpoint) => endpoint.method).join(', ');
  const refuse: RouteHandler = async () => problemResponse('method_not_allowed', `This path accepts ${allow}.`, { headers: { Allow: allow } });
  const handlers = Object.fromEntries(HTTP_METHODS.map((method) => [method, refuse])) as Record<(typeof HTTP_METHODS)[number], RouteHandler>;
  for (const endpoint of endpoints) handlers[endpoint.method] = routeHandler(endpoint);
  return handlers;
}
