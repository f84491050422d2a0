// The Content-Security-Policy for one response. Scripts run only with this request's nonce;
// nothing may frame Keywarden.

export function contentSecurityPolicy(nonce: string, options: { isDevelopment: boolean; isHttps: boolean }): string {
  const { isDevelopment, isHttps } = options;
  return [
    `default-src 'self'`,
    // 'strict-dynamic' lets Next's nonce'd loader bring its chunks; dev mode needs eval for HMR.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDevelopment ? " 'unsafe-eval'" : ''}`,
    isDevelopment ? `style-src 'self' 'unsafe-inline'` : `style-src 'self' 'nonce-${nonce}'`,
    // React renders a few style="" attributes (e.g. Next's route announcer); they cannot run code.
    `style-src-attr 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'${isDevelopment ? ' ws: wss:' : ''}`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
    // Only meaningful (and only harmless) when Keywarden itself is served over https.
    ...(isHttps ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence in depth (SECURITY.md A3): a state-changing request must come from Keywarden's own
 * origin (KEYWARDEN_URL's, never one derived from the Host header). No Origin and no Referer →
 * refused. `Origin: null` (a sandboxed frame, a file, a cross-origin redirect) is refused outright:
 * the browser is telling us the origin is opaque, and a Referer cannot vouch for it.
 */
export function isSameOriginRequest(method: string, headers: { get(name: string): string | null }, allowedOrigin: string): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const origin = headers.get('origin');
  if (origin !== null) return origin === allowedOrigin;
  const referer = headers.get('referer');
  if (!referer) return false;
  try {
    return new URL(referer).origin === allowedOrigin;
  } catch {
    return false;
  }
}
