// The per-request identity. The signed session cookie only says who claims to be here; the user's
// current role, status and projects are read from the database on every request, and a session
// whose version is older than the user's is refused (SECURITY.md A2).
import 'server-only';
import { decode } from 'next-auth/jwt';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { recordAudit } from '@/lib/audit/record';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { endSession, liveSessionUser, pendingSession, type SessionClaims } from '@/lib/domain/sessions';
import { clientAddressFrom } from '@/lib/security/client-address';
import { ENROLMENT_STEP_PATH, REQUESTED_PATH_HEADER, safeCallbackPath, SECOND_STEP_PATH, signInPathFor } from './callback-url';
import { getAuthOptions } from './options';

async function currentClientAddress(): Promise<string | null> {
  return clientAddressFrom((await headers()).get('x-forwarded-for'), getConfig().trustedProxyHops);
}

/** The name of the session cookie (for reading it from a request's Cookie header). */
export function sessionCookieName(): string {
  return getAuthOptions().cookies?.sessionToken?.name ?? '';
}

async function sessionClaims(raw: string | undefined): Promise<SessionClaims | null> {
  const options = getAuthOptions();
  if (!raw || !options.secret) return null;
  // decode() verifies the signature and expiry; a tampered or expired cookie yields null.
  const token = await decode({ token: raw, secret: options.secret }).catch(() => null);
  if (!token?.sub || typeof token.sid !== 'string') return null;
  return { userId: token.sub, sessionId: token.sid, sessionVersion: Number(token.sv ?? 0) };
}

/**
 * Signs this browser out: ends its session on the server (a copy of the cookie is worthless
 * afterwards, as after next-auth's own sign-out) and expires the cookie. For a full session and
 * for a half-signed-in one alike; a missing or forged cookie has nothing to end.
 */
export async function endCurrentSession(): Promise<void> {
  const store = await cookies();
  const sessionToken = getAuthOptions().cookies?.sessionToken;
  if (!sessionToken) return;
  const claims = await sessionClaims(store.get(sessionToken.name)?.value);
  if (claims) await endSession(getDb(), claims.sessionId);
  // The cookie's own attributes: a __Secure- cookie is only replaced by a Secure one.
  store.delete({ name: sessionToken.name, ...sessionToken.options });
}

/** The verified request context, or null when nobody (valid) is signed in. Cached per request. */
export const getRequestContext = cache(async (): Promise<RequestContext | null> =>
  contextFromSessionCookie((await cookies()).get(sessionCookieName())?.value, await currentClientAddress()),
);

/**
 * The context of a session cookie's value, or null. For route handlers that read the cookie from
 * the request itself (the REST API); the same checks as every page and action.
 */
export async function contextFromSessionCookie(raw: string | undefined, clientAddress: string | null): Promise<RequestContext | null> {
  const claims = await sessionClaims(raw);
  if (!claims) return null;
  // Signed out (or expired) on the server: the cookie alone proves nothing.
  const user = await liveSessionUser(getDb(), claims, new Date(), clientAddress);
  if (!user) return null;
  if (user.withdrawn) {
    // A valid cookie whose rights were withdrawn (disabled, demoted, password changed): refused
    // and recorded, once per request.
    await recordAudit(getDb(), {
      actor: { id: user.id, email: user.email, role: user.role },
      action: 'auth.session',
      outcome: 'refused',
      reason: user.disabledAt ? 'account disabled' : 'session revoked (role or status changed)',
      clientAddress,
    });
    return null;
  }
  return {
    actor: {
      id: user.id,
      email: user.email,
      role: user.role,
      projectIds: user.role === 'onboarder' ? user.projectAssignments.map((a) => a.projectId) : [],
    },
    clientAddress,
    sessionId: claims.sessionId,
  };
}

/**
 * The half-signed-in session of this request (password checked, second step owed), or null.
 * Only the second-step pages and their handlers use it: it is no session for anything else.
 */
export const getPendingSignIn = cache(async () => {
  const claims = await sessionClaims((await cookies()).get(sessionCookieName())?.value);
  if (!claims) return null;
  const pending = await pendingSession(getDb(), claims);
  if (!pending) return null;
  const { user } = pending;
  const context: RequestContext = {
    actor: { id: user.id, email: user.email, role: user.role, projectIds: user.role === 'onboarder' ? user.projectAssignments.map((a) => a.projectId) : [] },
    clientAddress: await currentClientAddress(),
  };
  return { sessionId: pending.sessionId, pendingStep: pending.pendingStep, context };
});

/** Where a half-signed-in session goes next, keeping the page it asked for. */
export function secondStepPathFor(step: 'second_factor' | 'enrolment', requestedPath: string | null | undefined): string {
  const callback = safeCallbackPath(requestedPath);
  const query = callback && callback !== '/' ? `?callbackUrl=${encodeURIComponent(callback)}` : '';
  return `${step === 'second_factor' ? SECOND_STEP_PATH : ENROLMENT_STEP_PATH}${query}`;
}

/** For pages and layouts: the context, or a redirect to the sign-in page (or to the step owed). */
export async function requirePageContext(): Promise<RequestContext> {
  const context = await getRequestContext();
  if (!context) {
    const requested = (await headers()).get(REQUESTED_PATH_HEADER);
    const pending = await getPendingSignIn();
    if (pending) redirect(secondStepPathFor(pending.pendingStep, requested));
    // Back to the page asked for after sign-in (a same-origin path only: lib/auth/callback-url.ts).
    redirect(signInPathFor(requested));
  }
  return context;
}

export { currentClientAddress };
