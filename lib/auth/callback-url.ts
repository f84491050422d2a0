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
