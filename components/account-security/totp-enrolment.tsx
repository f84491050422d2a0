'use client';
// Setting up an authenticator app: start (a new secret, kept encrypted on the server), scan the QR
// code or type the secret, confirm with a code. Real forms (useActionState with server actions):
// they work before hydration and without JavaScript. The QR code is an image rendered on the
// server. The recovery codes come back in the confirmation's answer, shown once.
import Link from 'next/link';
import { useActionState } from 'react';
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Button, buttonClasses } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { confirmEnrolmentAction, startEnrolmentAction } from '@/lib/actions/second-factor';
import { RecoveryCodes } from './recovery-codes';

export interface TotpEnrolmentProps {
  pending: { secret: string; qrCodeDataUrl: string } | null;
  /** Where "Continue" leads once the app is set up. */
  continueHref: string;
  continueLabel: string;
}

/** "ABCD EFGH …": easier to type into an app by hand. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

export function TotpEnrolment({ pending, continueHref, continueLabel }: TotpEnrolmentProps) {
  const [startState, startAction, starting] = useAnchoredActionState(startEnrolmentAction, null, 'set-up-authenticator');
  const [confirmState, confirmAction, confirming] = useActionState(confirmEnrolmentAction, null);
  const confirmError = confirmState && !confirmState.ok ? confirmState.error : undefined;

  if (confirmState?.ok) {
    return (
      <div className="space-y-4" aria-live="polite">
        <p className="text-sm text-slate-800">Your authenticator app is set up. From now on, signing in asks for a code from it.</p>
        <RecoveryCodes codes={confirmState.data.recoveryCodes} />
        <Link href={continueHref} className={buttonClasses('primary')}>
          {continueLabel}
        </Link>
      </div>
    );
  }

  if (!pending) {
    return (
      <form action={startAction} aria-label="Set up an authenticator app" className="space-y-3">
        <p className="text-sm text-slate-800">
          Use an authenticator app (such as 1Password, Bitwarden, Google Authenticator or Microsoft Authenticator) to get a 6-digit code at each
          sign-in.
        </p>
        <Button id="set-up-authenticator" type="submit" disabled={starting}>
          {starting ? 'Preparing…' : 'Set up an authenticator app'}
        </Button>
        <ErrorSummary error={startState && !startState.ok ? startState.error : undefined} />
      </form>
    );
  }

  return (
    <div className="space-y-4">
      <ol className="list-decimal space-y-4 pl-5 text-sm text-slate-800">
        <li>
          <p>Scan this QR code with your authenticator app.</p>
          {/* A data URL made on the server: it shows without JavaScript. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={pending.qrCodeDataUrl} alt="QR code to add Keywarden to an authenticator app" width={192} height={192} className="mt-2 rounded border border-slate-200 bg-white" />
        </li>
        <li>
          <p>Or type this key into the app (time-based, 6 digits, 30 seconds):</p>
          <p className="mt-1 break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm text-slate-900" aria-label="Secret key for manual entry">
            {grouped(pending.secret)}
          </p>
        </li>
        <li>
          <form action={confirmAction} aria-label="Confirm the authenticator app" className="mt-1 space-y-3">
            <TextField
              label="Code from the app"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              maxLength={7}
              errors={fieldErrorsFor(confirmError, 'code')}
            />
            <Button type="submit" disabled={confirming}>
              {confirming ? 'Checking…' : 'Confirm'}
            </Button>
            <ErrorSummary error={confirmError} />
          </form>
        </li>
      </ol>
    </div>
  );
}
