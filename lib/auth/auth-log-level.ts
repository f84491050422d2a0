// How loud next-auth's own error reports are in Keywarden's log (lib/auth/options.ts). What a
// client's request alone caused is no server error: logged at error level, it would hide the real
// ones among strangers' probes. Everything else stays an error.

/**
 * Thrown by the jwt callback when /api/auth/session is asked about a session the server has ended:
 * next-auth then answers with an empty session and clears the cookie (and reports the throw as an
 * error, which it is not).
 */
export class SessionEndedError extends Error {
  constructor() {
    super('The session was ended on the server.');
    this.name = 'SessionEndedError';
  }
}

/** An error of the JWT library: a cookie that does not decode (forged, another secret, expired). */
function isUndecodableCookie(error: unknown): boolean {
  const code: unknown = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_JW');
}

export function authErrorLevel(code: string, metadata: unknown): 'info' | 'warn' | 'error' {
  if (metadata instanceof SessionEndedError) return 'info';
  // A callbackUrl that is not ours (or not a URL): next-auth sends the browser to the error page.
  if (code === 'INVALID_CALLBACK_URL_ERROR') return 'warn';
  if (code === 'JWT_SESSION_ERROR' && isUndecodableCookie(metadata)) return 'warn';
  return 'error';
}
