// next-auth's endpoints (sign-in, callbacks, sign-out, CSRF token). The proxy has already refused
// POSTs from foreign origins; next-auth adds its own CSRF token on top. Requests next-auth would
// answer with a 500 (a client's malformed input) are refused with a 4xx first.
import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { refuseMalformedAuthRequest } from '@/lib/auth/auth-route-guard';
import { getAuthOptions } from '@/lib/auth/options';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(request: NextRequest, context: RouteContext): Promise<Response> {
  const params = await context.params;
  const refused = await refuseMalformedAuthRequest(request, params.nextauth, getAuthOptions().cookies?.callbackUrl?.name ?? '');
  if (refused) return refused;
  return NextAuth(request as never, { params } as never, getAuthOptions()) as Promise<Response>;
}

/**
 * HEAD is GET without the body (RFC 9110 §9.3.2). Next hands HEAD to the GET handler with its
 * method unchanged, and next-auth answers any method but GET and POST with a 400.
 */
async function head(request: NextRequest, context: RouteContext): Promise<Response> {
  const answer = await handler(new NextRequest(request.url, { method: 'GET', headers: request.headers }), context);
  return new Response(null, { status: answer.status, headers: answer.headers });
}

export { handler as GET, handler as POST, head as HEAD };
