// The second sign-in step (issue 20): the forms of /sign-in/second-step post here — a code (a plain
// form: it works without JavaScript) or a passkey's assertion (`passkeyResponse`, JSON). Only a half-signed-in session owing a code is heard; the answer is a
// redirect — on to the page asked for, or back to the form with what went wrong. Never echoes the
// code. Same-origin only (proxy.ts), like every state-changing request.
import { NextResponse, type NextRequest } from 'next/server';
import { safeCallbackPath, SECOND_STEP_PATH } from '@/lib/auth/callback-url';
import { getPendingSignIn } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { verifySecondStep } from '@/lib/domain/second-factor';
import { PASSKEY_RESPONSE_MAX_LENGTH } from '@/lib/validations/limits';

export const dynamic = 'force-dynamic';

function redirectTo(path: string): NextResponse {
  const response = NextResponse.redirect(new URL(path, getConfig().publicUrl.origin), 303);
  response.headers.set('Cache-Control', 'no-store');
  return response;
}

export async function POST(request: NextRequest): Promise<NextResponse> {
  const form = await request.formData().catch(() => null);
  const code = typeof form?.get('code') === 'string' ? String(form?.get('code')) : '';
  const passkeyResponse = typeof form?.get('passkeyResponse') === 'string' ? String(form?.get('passkeyResponse')).slice(0, PASSKEY_RESPONSE_MAX_LENGTH) : '';
  const returnTo = safeCallbackPath(typeof form?.get('callbackUrl') === 'string' ? String(form?.get('callbackUrl')) : undefined);
  const pending = await getPendingSignIn();
  if (!pending || pending.pendingStep !== 'second_factor') return redirectTo('/sign-in');
  const result = await verifySecondStep(
    { sessionId: pending.sessionId, user: pending.context.actor },
    passkeyResponse ? { passkeyResponse } : { code },
    { masterKey: getSecrets(getConfig()).fingerprint, clientAddress: pending.context.clientAddress },
  );
  if (result.ok) return redirectTo(returnTo ?? '/');
  const query = new URLSearchParams({ error: result.reason === 'throttled' ? 'throttled' : passkeyResponse ? 'passkey' : 'invalid', ...(returnTo ? { callbackUrl: returnTo } : {}) });
  return redirectTo(`${SECOND_STEP_PATH}?${query.toString()}`);
}
