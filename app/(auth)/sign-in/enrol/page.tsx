// The enrolment the organisation's policy requires: after the password, a user it covers who has
// no second factor sets one up here before any page. Nothing else is reachable meanwhile.
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PasskeyEnrolment } from '@/components/account-security/passkeys';
import { TotpEnrolment } from '@/components/account-security/totp-enrolment';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { getPendingSignIn, getRequestContext, secondStepPathFor } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { getPendingEnrolment } from '@/lib/domain/second-factor';

export const metadata: Metadata = { title: 'Set up a second factor' };

export default async function EnrolStepPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const { callbackUrl } = await searchParams;
  const returnTo = safeCallbackPath(typeof callbackUrl === 'string' ? callbackUrl : undefined);
  if (await getRequestContext()) redirect(returnTo ?? '/');
  const pending = await getPendingSignIn();
  if (!pending) redirect('/sign-in');
  if (pending.pendingStep !== 'enrolment') redirect(secondStepPathFor(pending.pendingStep, returnTo));
  const enrolment = await getPendingEnrolment(pending.context.actor, getSecrets(getConfig()).fingerprint);
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold text-slate-900">Set up a second factor</h1>
      <p className="mb-6 text-sm text-slate-800">
        Your organisation requires a second factor for <strong>{pending.context.actor.email}</strong>. Set up an authenticator app or a passkey to continue.
      </p>
      <section aria-labelledby="enrol-app" className="space-y-3">
        <h2 id="enrol-app" className="text-base font-semibold text-slate-900">
          Authenticator app
        </h2>
        <TotpEnrolment pending={enrolment} continueHref={returnTo ?? '/'} continueLabel="Continue to Keywarden" />
      </section>
      <section aria-labelledby="enrol-passkey" className="mt-6 space-y-3 border-t border-slate-200 pt-4">
        <h2 id="enrol-passkey" className="text-base font-semibold text-slate-900">
          Or a passkey
        </h2>
        <PasskeyEnrolment continueHref={returnTo ?? '/'} continueLabel="Continue to Keywarden" alternative="Set up an authenticator app above instead." />
      </section>
      <div className="mt-6 border-t border-slate-200 pt-4 text-center">
        <SignOutButton />
      </div>
    </>
  );
}
