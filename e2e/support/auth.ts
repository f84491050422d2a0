// Signing in without the UI, for tests where the sign-in form is not what is tested: the same
// next-auth credentials callback the form posts to, from the same origin.
import type { APIRequestContext } from '@playwright/test';
import type { Credentials } from './test';

export const SESSION_COOKIE = 'keywarden.session';

export interface SignInOutcome {
  status: number;
  /** next-auth's error code (CredentialsSignin, Throttled, …) or null on success. */
  error: string | null;
}

/** Signs in through /api/auth/callback/credentials; the session cookie lands in `request`. */
export async function signInByApi(request: APIRequestContext, baseUrl: string, credentials: Credentials): Promise<SignInOutcome> {
  const origin = new URL(baseUrl).origin;
  const csrf = await request.get('/api/auth/csrf');
  if (!csrf.ok()) throw new Error(`GET /api/auth/csrf answered ${csrf.status()}`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await request.post('/api/auth/callback/credentials', {
    headers: { Origin: origin },
    form: { csrfToken, email: credentials.email, password: credentials.password, callbackUrl: `${origin}/`, json: 'true' },
    maxRedirects: 0,
  });
  const body = (await response.json().catch(() => ({}))) as { url?: string };
  const error = body.url ? new URL(body.url, origin).searchParams.get('error') : `no url in the answer (${response.status()})`;
  return { status: response.status(), error };
}

/** Like signInByApi, but fails loudly unless the sign-in succeeded. */
export async function signInOrThrow(request: APIRequestContext, baseUrl: string, credentials: Credentials): Promise<void> {
  const outcome = await signInByApi(request, baseUrl, credentials);
  if (outcome.status !== 200 || outcome.error) {
    throw new Error(`Sign-in as ${credentials.email} failed: ${outcome.status} ${outcome.error ?? ''}`);
  }
}
