import type { Metadata } from 'next';
import Link from 'next/link';
import { PasskeyEnrolment } from '@/components/account-security/passkeys';
import { RemoveSecondFactorForm, RegenerateRecoveryCodesForm, SecondFactorPolicyForm } from '@/components/account-security/second-factor-forms';
import { TotpEnrolment } from '@/components/account-security/totp-enrolment';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import { getPendingEnrolment, getSecondFactorSummary } from '@/lib/domain/second-factor';
import { formatDateTime } from '@/lib/utils';

export const metadata: Metadata = { title: 'Account security' };

const REQUIREMENT_TEXT = {
  admins: 'Your organisation requires a second factor for admins.',
  everyone: 'Your organisation requires a second factor for everyone.',
  nobody: 'Your organisation does not require a second factor.',
} as const;

export default async function AccountSecurityPage({ searchParams }: { searchParams: Promise<{ removed?: string | string[] }> }) {
  const context = await requirePageContext();
  const { removed } = await searchParams;
  const summary = await getSecondFactorSummary(context);
  const factor = summary.factors.find((each) => each.kind === 'totp');
  const passkeys = summary.factors.filter((each) => each.kind === 'passkey');
  const hasAnyFactor = summary.factors.length > 0;
  const pending = factor || !summary.hasPassword ? null : await getPendingEnrolment(context.actor, getSecrets(getConfig()).fingerprint);
  const canSetPolicy = authorize(context.actor, 'second_factor.set_policy').allowed;
  return (
    <>
      <PageHeader
        title="Account security"
        description={
          <>
            Your second factors for signing in: an authenticator app, passkeys, or both. Your password and signed-in sessions are on{' '}
            <Link href="/account" className="font-medium underline">
              your account page
            </Link>
            .
          </>
        }
      />
      <div className="space-y-6">
        {removed === '1' || removed === 'passkey' ? (
          <Alert tone="success">
            {removed === 'passkey' ? 'Passkey removed.' : 'Authenticator app removed.'}
            {hasAnyFactor ? '' : ' Your recovery codes no longer work either.'}
          </Alert>
        ) : null}
        <section aria-labelledby="authenticator" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="authenticator" className="mb-3 text-base font-semibold text-slate-900">
            Authenticator app
          </h2>
          <p className="mb-3 text-sm text-slate-800">{REQUIREMENT_TEXT[summary.requirement]}</p>
          {!summary.hasPassword ? (
            <Alert tone="info">You sign in with single sign-on: your identity provider handles the second factor.</Alert>
          ) : factor ? (
            <div className="space-y-4">
              <p className="text-sm text-slate-800">
                <strong>{factor.label}</strong> set up {formatDateTime(factor.confirmedAt)}
                {factor.lastUsedAt ? `, last used ${formatDateTime(factor.lastUsedAt)}` : ''}.
              </p>
              <details className="rounded border border-slate-200 p-3">
                <summary className="cursor-pointer text-sm font-medium text-slate-900">Remove the authenticator app</summary>
                <div className="mt-3">
                  <RemoveSecondFactorForm factorId={factor.id} label={factor.label} hasPasskeys={passkeys.length > 0} />
                </div>
              </details>
            </div>
          ) : (
            <TotpEnrolment pending={pending} continueHref="/account/security" continueLabel="Done" />
          )}
        </section>
        {summary.hasPassword ? (
          <section aria-labelledby="passkeys" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="passkeys" className="mb-3 text-base font-semibold text-slate-900">
              Passkeys
            </h2>
            {passkeys.length > 0 ? (
              <ul aria-label="Your passkeys" className="mb-4 divide-y divide-slate-200 rounded border border-slate-200">
                {passkeys.map((passkey) => (
                  <li key={passkey.id} className="space-y-2 p-3">
                    <p className="text-sm text-slate-800">
                      <strong className="break-all">{passkey.label}</strong> — added {formatDateTime(passkey.confirmedAt)},{' '}
                      {passkey.lastUsedAt ? `last used ${formatDateTime(passkey.lastUsedAt)}` : 'not used yet'}.
                    </p>
                    <details className="rounded border border-slate-200 p-3">
                      <summary className="cursor-pointer text-sm font-medium text-slate-900">Remove “{passkey.label}”</summary>
                      <div className="mt-3">
                        <RemoveSecondFactorForm factorId={passkey.id} label={passkey.label} kind="passkey" hasPasskeys />
                      </div>
                    </details>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="mb-3 text-sm text-slate-800">No passkeys yet.</p>
            )}
            <PasskeyEnrolment continueHref="/account/security" continueLabel="Done" alternative="Set up an authenticator app instead." />
          </section>
        ) : null}
        {hasAnyFactor ? (
          <section aria-labelledby="recovery" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="recovery" className="mb-3 text-base font-semibold text-slate-900">
              Recovery codes
            </h2>
            <p className="mb-3 text-sm text-slate-800">
              {summary.recoveryCodesLeft} of 10 unused. Each signs you in once instead of a code from the app or a passkey.
            </p>
            <RegenerateRecoveryCodesForm />
          </section>
        ) : null}
        {canSetPolicy ? (
          <section aria-labelledby="policy" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="policy" className="mb-3 text-base font-semibold text-slate-900">
              Organisation policy
            </h2>
            <SecondFactorPolicyForm requiredFor={summary.requirement} />
          </section>
        ) : null}
      </div>
    </>
  );
}
