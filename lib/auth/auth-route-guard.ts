// What next-auth's endpoints (app/api/auth/[...nextauth]) are not handed. next-auth answers a few
// malformed requests from anyone with a 500, some with an error-level stack trace in the log, where
// they hide real failures; each is a client's mistake and is refused here with a 4xx instead:
// - `/api/auth/error?error=…` puts the code into its redirect's Location unencoded: a CR or LF makes
//   the Location header invalid and the handler throw. next-auth's codes are single words.
// - `GET /api/auth/callback/credentials`: the credentials callback is a POST (the sign-in form);
//   next-auth answers a GET with a 500 "not supported".
// - A POST whose body claims to be JSON but does not parse: next-auth's JSON.parse throws.
// - A `callbackUrl` query parameter, or a callback-URL cookie, that is not an http(s) URL or a path
//   (`javascript:…`, ` //host`): next-auth answers every endpoint, the session's and the CSRF
//   token's too, with a 500. The cookie is HttpOnly, but a sibling subdomain can set one for the
//   parent domain: refused with its removal, so the browser's next try works.

import { NextRequest } from 'next/server';
import { isAcceptedByNextAuth } from './callback-url';

const ERROR_CODE = /^[A-Za-z]{1,64}$/;

function refusal(status: 400 | 405, message: string, headers: Record<string, string> = {}): Response {
  return Response.json(
    { error: { code: 'invalid_input', message } },
    { status, headers: { 'Cache-Control': 'no-store', ...headers } },
  );
}

/** A Set-Cookie that removes the cookie `name` (set by next-auth with path `/`; `__Secure-` ones need Secure). */
function expiredCookie(name: string): string {
  return `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith('__Secure-') ? '; Secure' : ''}`;
}

/**
 * A 4xx for a request next-auth would mishandle, or null to hand it on. Reads a copy of the body.
 * `callbackCookie`: the name of next-auth's callback-URL cookie (lib/auth/options.ts).
 */
export async function refuseMalformedAuthRequest(request: Request, segments: readonly string[], callbackCookie: string): Promise<Response | null> {
  const [action, providerId] = segments;
  const url = new URL(request.url);
  if (url.searchParams.getAll('callbackUrl').some((value) => value && !isAcceptedByNextAuth(value, url.origin))) {
    return refusal(400, 'The callback URL is neither a path nor an http(s) URL.');
  }
  // Read as next-auth will read it (next/headers' cookies(): the last of a repeated name, decoded),
  // from the headers alone: a request made from this one would take its body, which next-auth reads.
  const cookie = new NextRequest(request.url, { headers: request.headers }).cookies.get(callbackCookie)?.value;
  if (cookie && !isAcceptedByNextAuth(cookie, url.origin)) {
    return refusal(400, 'The sign-in return address in your browser was not valid and has been cleared. Try again.', { 'Set-Cookie': expiredCookie(callbackCookie) });
  }
  if (action === 'error') {
    // next-auth takes the code from the query, else from the path's second segment.
    const code = url.searchParams.get('error') ?? providerId;
    if (code !== undefined && !ERROR_CODE.test(code)) return refusal(400, 'Unknown sign-in error.');
  }
  if (action === 'callback' && providerId === 'credentials' && request.method !== 'POST') {
    return refusal(405, 'Sign in with the form.', { Allow: 'POST' });
  }
  if (request.method === 'POST' && request.headers.get('content-type')?.includes('application/json')) {
    try {
      JSON.parse(await request.clone().text());
    } catch {
      return refusal(400, 'The request body is not valid JSON.');
    }
  }
  return null;
}
