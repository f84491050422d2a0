// Where a sign-in returns to: the page that asked for it (a deep link survives sign-in), but only
// ever a path of this site. Anything that could leave the origin — an absolute URL, a
// protocol-relative "//host", a "/\host" that browsers read as one, a "javascript:" — is refused,
// so that /sign-in?callbackUrl=… can never be an open redirect.

const BASE = 'http://keywarden.invalid';

/** Set by proxy.ts on every request (overwriting any the client sent): the path and query asked for. */
export const REQUESTED_PATH_HEADER = 'x-keywarden-requested-path';

/** The second sign-in step (a code) and the enrolment the organisation's policy requires. */
export const SECOND_STEP_PATH = '/sign-in/second-step';
export const ENROLMENT_STEP_PATH = '/sign-in/enrol';

/** The same-origin path (with its query and fragment) `value` names, or undefined. */
export function safeCallbackPath(value: string | null | undefined): string | undefined {
  if (!value || value.length > 2000) return undefined;
  // A relative path only; a backslash or a control character may be read as "//" by a browser.
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== BASE) return undefined;
  // Dot segments are resolved by the parser: "/.//evil.example" (or "/a/..//…", "/%2e//…") comes
  // out as "//evil.example", which a browser and Next's redirect() read as another host.
  if (url.pathname.startsWith('//')) return undefined;
  // Back to the sign-in page would loop; the API answers JSON, not pages.
  if (url.pathname === '/sign-in' || url.pathname.startsWith('/sign-in/') || url.pathname.startsWith('/api/')) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page's address for a visitor who asked for `path`. */
export function signInPathFor(path: string | null | undefined): string {
  const callback = safeCallbackPath(path);
  return callback && callback !== '/' ? `/sign-in?callbackUrl=${encodeURIComponent(callback)}` : '/sign-in';
}

/**
 * Whether next-auth takes `value` as a callback URL (its own check, in assertConfig): an http(s)
 * URL, or a path resolved against `base`. next-auth answers every request whose `callbackUrl`
 * query parameter or callback-URL cookie fails it with a 500 ("a problem with the server
 * configuration"), which is the client's mistake; lib/auth/auth-route-guard.ts refuses it first.
 */
export function isAcceptedByNextAuth(value: string, base: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith('/') ? base : undefined).protocol);
  } catch {
    return false;
  }
}

/**
 * next-auth's redirect callback: where a sign-in (or sign-out) ends. next-auth's default sends a
 * path of this site or a URL of its origin there, and anything else home, but throws on a value
 * that is not a URL at all (a posted `callbackUrl` of " //evil.example"), and hands on a path
 * with a line break, a NUL or a character beyond Latin-1 as it came, which no Location header can
 * hold: each was a 500 with an error-level stack trace. The same rule, answered as the URL
 * parser writes it (line breaks and tabs dropped, anything else outside ASCII percent-encoded).
 */
export function redirectWithinSite({ url, baseUrl }: { url: string; baseUrl: string }): string {
  try {
    const target = new URL(url.startsWith('/') ? `${baseUrl}${url}` : url);
    if (target.origin === baseUrl) return target.href;
  } catch {
    // Not a URL: home, like a URL of another origin.
  }
  return baseUrl;
}
