import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { getPendingSignIn, getRequestContext, secondStepPathFor } from '@/lib/auth/session';
import { ACCOUNT_POLICY } from '@/lib/auth/throttle';
import { getConfig } from '@/lib/config';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string | string[]; callbackUrl?: string | string[] }> }) {
  const { error, callbackUrl } = await searchParams;
  // Only a path of this site: never an open redirect (lib/auth/callback-url.ts).
  const returnTo = safeCallbackPath(typeof callbackUrl === 'string' ? callbackUrl : undefined) ?? '/';
  if (await getRequestContext()) redirect(returnTo);
  // Half signed in: the step still owed comes first (signing out starts over).
  const pending = await getPendingSignIn();
  if (pending) redirect(secondStepPathFor(pending.pendingStep, returnTo));
  return (
    <>
      <h1 className="mb-6 text-lg font-semibold text-slate-900">Sign in</h1>
      <SignInForm
        ssoName={getConfig().oidc?.displayName} initialError={typeof error === 'string' ? error : undefined}
        returnTo={returnTo}
        throttleMinutes={ACCOUNT_POLICY.blockSeconds / 60}
      />
    </>
  );
}
