// next-auth's endpoints (sign-in, callbacks, sign-out, CSRF token). The proxy has already refused
// POSTs from foreign origins; next-auth adds its own CSRF token on top.
import NextAuth from 'next-auth';
import { getAuthOptions } from '@/lib/auth/options';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(request: Request, context: RouteContext): Promise<Response> {
  return NextAuth(request as never, { params: await context.params } as never, getAuthOptions()) as Promise<Response>;
}

export { handler as GET, handler as POST };
