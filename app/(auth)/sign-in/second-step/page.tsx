// The second sign-in step: a passkey, a code from the authenticator app, or a recovery code. Only a
// session that has passed the password and owes a second factor sees it; the code form is a plain
// POST to /api/auth/second-factor (no JavaScript needed), which answers with a redirect. The passkey
// needs JavaScript (the browser's prompt) and posts its answer to the same handler.
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PasskeySignIn } from '@/components/account-security/passkeys';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { getPendingSignIn, getRequestContext, secondStepPathFor } from '@/lib/auth/session';
import { secondFactorKindsOf } from '@/lib/domain/passkeys';
import { SECOND_FACTOR_POLICY } from '@/lib/domain/second-factor';

export const metadata: Metadata = { title: 'Second step' };

const ERRORS: Record<string, string> = {
  invalid: 'That code did not work. Enter the current code from your app, or an unused recovery code.',
  passkey: 'That passkey was not accepted. Try it again, or enter a code.',
  throttled: `Too many failed attempts. The second step is paused for ${SECOND_FACTOR_POLICY.blockSeconds / 60} minutes; try again then.`,
};

export default async function SecondStepPage({ searchParams }: { searchParams: Promise<{ error?: string | string[]; callbackUrl?: string | string[] }> }) {
  const { error, callbackUrl } = await searchParams;
  const returnTo = safeCallbackPath(typeof callbackUrl === 'string' ? callbackUrl : undefined);
  if (await getRequestContext()) redirect(returnTo ?? '/');
  const pending = await getPendingSignIn();
  if (!pending) redirect('/sign-in');
  if (pending.pendingStep !== 'second_factor') redirect(secondStepPathFor(pending.pendingStep, returnTo));
  const message = typeof error === 'string' ? ERRORS[error] : undefined;
  const kinds = await secondFactorKindsOf(pending.context.actor.id);
  const codeHelp = kinds.totp ? 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.' : 'Or enter one of your recovery codes.';
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold text-slate-900">Second step</h1>
      <p className="mb-6 text-sm text-slate-800">
        Signing in as <strong>{pending.context.actor.email}</strong>. {kinds.passkey ? 'Use your passkey.' : codeHelp}
      </p>
      {kinds.passkey ? (
        <div className="mb-6 space-y-3">
          <PasskeySignIn callbackUrl={returnTo ?? null} />
          {error === 'passkey' ? <Alert tone="error">{message}</Alert> : null}
          <p className="text-sm text-slate-800">{codeHelp}</p>
        </div>
      ) : null}
      <form method="post" action="/api/auth/second-factor" className="space-y-4">
        {returnTo ? <input type="hidden" name="callbackUrl" value={returnTo} /> : null}
        <TextField label="Code" name="code" autoComplete="one-time-code" required autoFocus={!kinds.passkey} maxLength={40} spellCheck={false} />
        <div aria-live="polite">{message && error !== 'passkey' ? <Alert tone="error">{message}</Alert> : null}</div>
        <Button type="submit" className="w-full">
          Continue
        </Button>
      </form>
      <div className="mt-6 border-t border-slate-200 pt-4 text-center">
        <SignOutButton />
      </div>
    </>
  );
}
