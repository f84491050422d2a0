// next-auth's endpoints (sign-in, callbacks, sign-out, CSRF token). The proxy has already refused
// POSTs from foreign origins; next-auth adds its own CSRF token on top. Requests next-auth would
// answer with a 500 (a client's malformed input) are refused with a 4xx first.
import NextAuth from 'next-auth';
import { refuseMalformedAuthRequest } from '@/lib/auth/auth-route-guard';
import { getAuthOptions } from '@/lib/auth/options';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(request: Request, context: RouteContext): Promise<Response> {
  const params = await context.params;
  const refused = await refuseMalformedAuthRequest(request, params.nextauth);
  if (refused) return refused;
  return NextAuth(request as never, { params } as never, getAuthOptions()) as Promise<Response>;
}

export { handler as GET, handler as POST };
