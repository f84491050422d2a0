// next-auth configuration: local accounts (credentials) and optional OIDC SSO. Sessions are signed
// JWTs carrying only the user id and the session version; roles are read from the database on every
// request (lib/auth/session.ts), so a demotion or a disable takes effect on the next request.
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { headers } from 'next/headers';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { getConfig, type OidcConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { getDb } from '@/lib/db';
import { signInWithPassword, signInWithSso } from '@/lib/domain/accounts';
import { initialPendingStep } from '@/lib/domain/second-factor';
import type { Role } from '@/lib/roles';
import { endSession, isSessionCurrent, startSession } from '@/lib/domain/sessions';
import { logger } from '@/lib/logger';
import { clientAddressFrom } from '@/lib/security/client-address';
import { authErrorLevel, SessionEndedError } from './auth-log-level';
import { redirectWithinSite } from './callback-url';

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
export const SIGN_IN_ERROR_THROTTLED = 'Throttled';

interface OidcProfile extends Record<string, unknown> {
  sub: string;
  email?: string;
  name?: string;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function oidcProvider(oidc: OidcConfig): OAuthConfig<OidcProfile> {
  return {
    id: 'oidc',
    name: oidc.displayName,
    type: 'oauth',
    wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    authorization: { params: { scope: 'openid email profile' } },
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    profile: (profile) => ({ id: profile.sub, email: profile.email ?? null, name: profile.name ?? null }),
  };
}

/** The message of an error next-auth reports, never the request or token material beside it. */
function describeAuthError(metadata: unknown): string {
  if (metadata instanceof Error) return metadata.message;
  const error = (metadata as { error?: unknown } | undefined)?.error;
  return error instanceof Error ? error.message : 'no detail';
}

/**
 * The headers of the sign-in request being handled (for the Account page's list of sessions), or
 * null outside one: next-auth's callbacks run inside the route handler's request scope.
 */
async function requestHeaders(): Promise<Pick<Headers, 'get'> | null> {
  try {
    return await headers();
  } catch {
    return null;
  }
}

let cached: NextAuthOptions | undefined;

export function getAuthOptions(): NextAuthOptions {
  if (cached) return cached;
  const config = getConfig();
  const secrets = getSecrets(config);
  const secure = config.publicUrl.protocol === 'https:';
  const sessionCookie = secure ? '__Secure-keywarden.session' : 'keywarden.session';
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, path: '/', secure };

  cached = {
    secret: secrets.session,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    useSecureCookies: secure,
    cookies: {
      sessionToken: { name: sessionCookie, options: cookieOptions },
      callbackUrl: { name: secure ? '__Secure-keywarden.callback-url' : 'keywarden.callback-url', options: cookieOptions },
      csrfToken: { name: secure ? '__Host-keywarden.csrf' : 'keywarden.csrf', options: cookieOptions },
    },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'E-mail and password',
        credentials: { email: { label: 'E-mail', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, request) {
          if (typeof credentials?.email !== 'string' || typeof credentials.password !== 'string') return null;
          const clientAddress = clientAddressFrom(headerOf(request?.headers, 'x-forwarded-for'), config.trustedProxyHops);
          const result = await signInWithPassword(getDb(), credentials, clientAddress);
          if (result.ok) {
            return { id: result.user.id, email: result.user.email, name: result.user.name, sessionVersion: result.user.sessionVersion, role: result.user.role, clientAddress };
          }
          if (result.reason === 'throttled') throw new Error(SIGN_IN_ERROR_THROTTLED);
          return null;
        },
      }),
      ...(config.oidc ? [oidcProvider(config.oidc)] : []),
    ],
    callbacks: {
      redirect: async (target) => redirectWithinSite(target),
      async signIn({ account, profile, user }) {
        if (account?.provider !== 'oidc' || !config.oidc) return true;
        const claims = (profile ?? {}) as Record<string, unknown>;
        const result = await signInWithSso(
          getDb(),
          {
            subject: String(claims.sub ?? account.providerAccountId),
            email: typeof claims.email === 'string' && claims.email_verified !== false ? claims.email : null,
            name: typeof claims.name === 'string' ? claims.name : null,
            claims,
          },
          config.oidc,
          null,
        );
        if (!result.ok) return false;
        // Hand the local identity to the jwt callback.
        Object.assign(user, { id: result.user.id, sessionVersion: result.user.sessionVersion });
        return true;
      },
      async jwt({ token, user, account }) {
        if (user) {
          const signedIn = user as { id: string; sessionVersion?: number; clientAddress?: string | null; role?: Role };
          token.sub = signedIn.id;
          token.sv = signedIn.sessionVersion ?? 0;
          const request = await requestHeaders();
          // A password is one factor: the session starts half signed in when a second is owed (a
          // code, or an enrolment the policy requires). SSO is exempt: the provider does MFA.
          const pendingStep = account?.provider === 'credentials' && signedIn.role ? await initialPendingStep(getDb(), { id: signedIn.id, role: signedIn.role }) : null;
          token.sid = await startSession(getDb(), signedIn.id, {
            maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
            // The credentials provider read it from its request; SSO's callback from this one.
            clientAddress: signedIn.clientAddress ?? clientAddressFrom(request?.get('x-forwarded-for'), config.trustedProxyHops),
            userAgent: request?.get('user-agent') ?? null,
            userVersion: signedIn.sessionVersion ?? 0,
            pendingStep,
          });
          return token;
        }
        // Read back by /api/auth/session: the cookie alone proves nothing once the session was
        // ended on the server (signed out elsewhere, ended from Users → Sessions or the Account
        // page, its user disabled or changed); the answer is then an empty session, like every page.
        const { sid: sessionId, sub: userId } = token;
        const isCurrent = typeof sessionId === 'string' && typeof userId === 'string' && (await isSessionCurrent(getDb(), { sessionId, userId, sessionVersion: Number(token.sv ?? 0) }));
        if (!isCurrent) throw new SessionEndedError();
        return token;
      },
      async session({ session }) {
        // Only what the browser needs to greet the user; authority is re-read server-side.
        return { ...session, user: { email: session.user?.email, name: session.user?.name } };
      },
    },
    events: {
      // Sign-out ends the session on the server too: a copy of the cookie is worthless afterwards.
      async signOut({ token }) {
        if (typeof token?.sid === 'string') await endSession(getDb(), token.sid);
      },
    },
    // next-auth's own diagnostics (an unreachable SSO issuer, a rejected callback) go to Keywarden's
    // log, where every line is redacted by value; its debug chatter does not. What a client caused
    // (a forged callback URL, a cookie that does not decode) is a warning, not a server error.
    logger: {
      error: (code, metadata) => logger[authErrorLevel(code, metadata)](`auth: ${code}`, { detail: describeAuthError(metadata) }),
      warn: (code) => logger.warn(`auth: ${code}`),
      debug: () => undefined,
    },
  };
  return cached;
}
