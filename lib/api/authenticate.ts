// Who calls the REST API: a dashboard API key (`Authorization: Bearer kw_…`) or the browser's
// session, resolved to the same RequestContext the server actions use, so that authorize() and the
// domain decide everything after this. A request with an Authorization header is judged by it
// alone (never by a cookie beside it). A session's state-changing request must pass the app's
// Origin rule (SECURITY.md A3), checked here as well as in proxy.ts; a key's need not: a browser
// never attaches a bearer key by itself, so a key cannot be ridden by another site.
import 'server-only';
import { recordAudit, recordStrangerRefusal } from '@/lib/audit/record';
import { contextFromSessionCookie, sessionCookieName } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { authenticateApiKey } from '@/lib/domain/api-keys';
import type { RequestContext } from '@/lib/domain/context';
import { getDb } from '@/lib/db';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { clientAddressFrom } from '@/lib/security/client-address';
import { isSameOriginRequest } from '@/lib/security/headers';

export type Credential = 'api_key' | 'session';

export interface Authenticated {
  context: RequestContext;
  credential: Credential;
}

export function clientAddressOf(request: Request): string | null {
  return clientAddressFrom(request.headers.get('x-forwarded-for'), getConfig().trustedProxyHops);
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (!header || !name) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

const BEARER = /^Bearer +(\S+)$/i;

/**
 * The caller, or the refusal to answer with. `sessionOnly`: the operation may not be done with a
 * key (creating keys: a leaked key must not be able to mint more).
 */
export async function authenticateRequest(request: Request, options: { sessionOnly?: boolean } = {}): Promise<ActionResult<Authenticated>> {
  const clientAddress = clientAddressOf(request);
  const authorization = request.headers.get('authorization');
  if (authorization !== null) {
    // Anything that is not a bearer credential is refused like a bad key (and counted like one).
    const presented = BEARER.exec(authorization.trim())?.[1] ?? '';
    const result = await authenticateApiKey(presented, { digestKey: getSecrets(getConfig()).apiKey, clientAddress });
    if (!result.ok) return result;
    if (options.sessionOnly) {
      await recordAudit(getDb(), { actor: result.data.actor, action: 'api_key.manage', outcome: 'refused', reason: 'API keys are created from a signed-in session, not with a key', clientAddress });
      return fail('forbidden', 'Create API keys signed in on the dashboard (Settings → API keys): a key cannot create keys.');
    }
    return ok({ context: result.data, credential: 'api_key' });
  }
  const context = await contextFromSessionCookie(cookieValue(request.headers.get('cookie'), sessionCookieName()), clientAddress);
  if (!context) {
    await recordStrangerRefusal(getDb(), { actor: null, action: 'auth.api_key', outcome: 'refused', reason: 'no API key and no session', clientAddress });
    return fail('unauthenticated', 'Send an API key as "Authorization: Bearer kw_…", or sign in.');
  }
  if (!isSameOriginRequest(request.method, request.headers, getConfig().publicUrl.origin)) {
    await recordAudit(getDb(), { actor: context.actor, action: 'auth.session', outcome: 'refused', reason: 'cross-origin or origin-less state-changing API request with a session', clientAddress });
    return fail('forbidden', 'Cross-origin or origin-less requests may not change anything with a session.');
  }
  return ok({ context, credential: 'session' });
}
