// Runs before every request (Next.js 16 "proxy", formerly middleware): a fresh CSP nonce per
// response, and the origin check on state-changing requests. Not an authorization boundary:
// every action and route handler still calls authorize() itself.
import { NextResponse, type NextRequest } from 'next/server';
import { REQUESTED_PATH_HEADER } from '@/lib/auth/callback-url';
import { getConfig } from '@/lib/config';
import { contentSecurityPolicy, isSameOriginRequest } from '@/lib/security/headers';
import { withoutSecretParameters } from '@/lib/security/secret-query';

export function proxy(request: NextRequest): NextResponse {
  const config = getConfig();
  // A secret in the query string (a form sent before hydration) is never rendered back: the
  // browser is sent to the same address without it, and keeps no Referer of the old one.
  const withoutSecrets = withoutSecretParameters(request.nextUrl);
  if (withoutSecrets) {
    const response = NextResponse.redirect(new URL(`${withoutSecrets.pathname}${withoutSecrets.search}`, config.publicUrl.origin), 303);
    response.headers.set('Cache-Control', 'no-store');
    response.headers.set('Referrer-Policy', 'no-referrer');
    return response;
  }
  // KEYWARDEN_URL's origin only: the Host header is the client's to choose, so an origin derived
  // from it would let a forged Host vouch for a forged Origin (SECURITY.md A3).
  // A REST API call that carries an Authorization header is judged by its key alone: a browser
  // never attaches one by itself, so no other site can ride it, and scripts send no Origin. The
  // API handler still applies this rule to a session (lib/api/authenticate.ts).
  const isKeyedApiCall = request.nextUrl.pathname.startsWith('/api/v1/') && request.headers.has('authorization');
  // RFC 8058's one-click unsubscribe is POSTed by the mail provider, with no Origin and no cookie:
  // the signed link in its path is its only authority, and it can only turn one kind of e-mail off.
  const isOneClickUnsubscribe = request.nextUrl.pathname.startsWith('/api/unsubscribe/');
  if (!isKeyedApiCall && !isOneClickUnsubscribe && !isSameOriginRequest(request.method, request.headers, config.publicUrl.origin)) {
    if (request.nextUrl.pathname.startsWith('/api/v1/')) {
      return new NextResponse(
        JSON.stringify({ type: '/api/docs#errors', title: 'Forbidden', status: 403, code: 'forbidden', detail: 'Cross-origin or origin-less requests may not change anything with a session.' }),
        { status: 403, headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' } },
      );
    }
    return NextResponse.json(
      { error: { code: 'forbidden', message: 'Cross-origin or origin-less requests may not change anything.' } },
      { status: 403 },
    );
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const csp = contentSecurityPolicy(nonce, {
    isDevelopment: config.nodeEnv === 'development',
    isHttps: config.publicUrl.protocol === 'https:',
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  // The page asked for, so that a redirect to sign-in can come back to it (lib/auth/callback-url.ts).
  requestHeaders.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  // Next reads the nonce for its own scripts from the request-side policy header.
  requestHeaders.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico).*)' }],
};
