// The first look at every request, in the custom server (lib/cli/start.ts) before Next.js sees it:
// the proxy matcher skips `_next/static`, so this is the one place every request passes.
//
// - Host (SECURITY.md A3): only KEYWARDEN_URL's host is served. Any other Host header is a DNS
//   rebinding attempt or a misrouted request and is answered 421. Origins are checked against the
//   same single origin in proxy.ts, so a forged Host can no longer make a forged Origin "ours".
//   `GET /api/health` answers for any Host: load balancers probe with an internal address, and the
//   report holds nothing secret.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorBody } from '@/lib/errors';

export interface Refusal {
  status: 421;
  body: ErrorBody;
}

const HOST_SYNTAX = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Whether a Host header names KEYWARDEN_URL's host. Case-insensitive, and an explicit default port
 * (`:443` for https) equals none; any other port, a missing port where one is configured, or
 * anything that is not a bare host name (user info, a path) does not match.
 */
export function isPublicHost(host: string | undefined, publicUrl: URL): boolean {
  if (!host || !HOST_SYNTAX.test(host)) return false;
  try {
    return new URL(`${publicUrl.protocol}//${host}`).host === publicUrl.host;
  } catch {
    return false;
  }
}

const HEALTH_PATH = '/api/health';

/** 421 for a Host that is not KEYWARDEN_URL's, except for the health check. */
export function refuseHost(request: { method?: string; url?: string; headers: { host?: string } }, publicUrl: URL): Refusal | null {
  if (isPublicHost(request.headers.host, publicUrl)) return null;
  const pathname = (request.url ?? '').split('?')[0];
  if ((request.method === 'GET' || request.method === 'HEAD') && pathname === HEALTH_PATH) return null;
  return {
    status: 421,
    body: { code: 'forbidden', message: `This server answers only for ${publicUrl.host}.` },
  };
}

/** Answers a refusal in the app's error vocabulary (`{ error: { code, message } }`), never a stack. */
export function sendRefusal(response: ServerResponse, refusal: Refusal): void {
  const payload = JSON.stringify({ error: refusal.body });
  response.statusCode = refusal.status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(payload));
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  // An unread body may still be on the wire: do not reuse the connection for another request.
  response.setHeader('Connection', 'close');
  response.end(payload);
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

/** Wraps the server's handler with the Host check above. */
export function gateRequests(handler: RequestHandler, publicUrl: URL): RequestHandler {
  return (request, response) => {
    const refusal = refuseHost(request, publicUrl);
    if (!refusal) return handler(request, response);
    request.resume();
    sendRefusal(response, refusal);
  };
}
