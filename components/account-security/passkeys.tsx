'use client';
// Passkeys in the browser (issue 20): adding one, using one at the second sign-in step, and using
// one to confirm a removal. Each asks the server for options (the challenge stays on the server),
// opens the browser's prompt (@simplewebauthn/browser) and sends the answer back. They need
// JavaScript: before hydration (or without it) the buttons stay disabled and the page says so,
// while codes keep working with plain forms.
import { browserSupportsWebAuthn, startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import Link from 'next/link';
import { useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import {
  finishPasskeyEnrolmentAction,
  startPasskeyCheckAction,
  startPasskeyEnrolmentAction,
  startSecondStepPasskeyAction,
} from '@/lib/actions/second-factor';
import { PASSKEY_NAME_MAX_LENGTH } from '@/lib/validations/limits';
import { RecoveryCodes } from './recovery-codes';

type Support = 'unknown' | 'yes' | 'no';
const noSubscription = () => () => {};

/** 'unknown' on the server and before hydration; then whether this browser can use passkeys. */
export function useWebAuthnSupport(): Support {
  return useSyncExternalStore<Support>(noSubscription, () => (browserSupportsWebAuthn() ? 'yes' : 'no'), () => 'unknown');
}

/** What a person is told when the browser's prompt does not end with a passkey. */
export function passkeyErrorMessage(error: unknown): string {
  const name = error instanceof WebAuthnError ? (error.cause instanceof Error ? error.cause.name : error.name) : error instanceof Error ? error.name : '';
  const code = error instanceof WebAuthnError ? error.code : '';
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') return 'This passkey is already set up on your account.';
  if (name === 'NotAllowedError' || name === 'AbortError') return 'The passkey prompt was closed or timed out. Try again when you are ready.';
  if (name === 'SecurityError' || code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID') {
    return 'The browser refused: this address is not the one Keywarden is configured with (KEYWARDEN_URL).';
  }
  return 'The browser could not use a passkey. Try again, or use another way to sign in.';
}

export function PasskeysNeedJavaScript({ support, alternative }: { support: Support; alternative: string }) {
  if (support === 'no') return <Alert tone="info">This browser cannot use passkeys. {alternative}</Alert>;
  return (
    <noscript>
      <Alert tone="info">Passkeys need JavaScript, which is off in this browser. {alternative}</Alert>
    </noscript>
  );
}

/** Naming and adding a passkey; `continueHref` once it is added (and its recovery codes seen). */
export function PasskeyEnrolment({ continueHref, continueLabel, alternative }: { continueHref: string; continueLabel: string; alternative: string }) {
  const support = useWebAuthnSupport();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<{ label: string; recoveryCodes: string[] | null } | null>(null);

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      const options = await startPasskeyEnrolmentAction(name);
      if (!options.ok) {
        setError(options.error.fieldErrors?.name?.[0] ?? options.error.message);
        return;
      }
      let response;
      try {
        response = await startRegistration({ optionsJSON: options.data });
      } catch (prompt) {
        setError(passkeyErrorMessage(prompt));
        return;
      }
      const result = await finishPasskeyEnrolmentAction(name, JSON.stringify(response));
      if (!result.ok) setError(result.error.message);
      else setAdded({ label: result.data.label, recoveryCodes: result.data.recoveryCodes });
    } catch {
      setError('Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  }

  if (added) {
    return (
      <div className="space-y-4" aria-live="polite">
        <Alert tone="success">Passkey “{added.label}” added. From now on, signing in can ask for it.</Alert>
        {added.recoveryCodes ? <RecoveryCodes codes={added.recoveryCodes} /> : null}
        <Link href={continueHref} className={buttonClasses('primary')}>
          {continueLabel}
        </Link>
      </div>
    );
  }

  return (
    <form onSubmit={add} aria-label="Add a passkey" className="space-y-3">
      <p className="text-sm text-slate-800">
        A passkey lives on this device (or your phone, or a security key) and is unlocked with its screen lock or a touch. Keywarden keeps only
        its public key.
      </p>
      <PasskeysNeedJavaScript support={support} alternative={alternative} />
      <TextField label="Passkey name" name="name" required maxLength={PASSKEY_NAME_MAX_LENGTH} placeholder="Work laptop" autoComplete="off" />
      <Button type="submit" disabled={support !== 'yes' || busy}>
        {busy ? 'Waiting for the passkey…' : 'Add a passkey'}
      </Button>
      <div aria-live="polite">{error ? <Alert tone="error">{error}</Alert> : null}</div>
    </form>
  );
}

/**
 * The passkey half of the second sign-in step: the assertion is posted, like a code, to
 * /api/auth/second-factor, which answers with a redirect (on, or back here with what went wrong).
 */
export function PasskeySignIn({ callbackUrl }: { callbackUrl: string | null }) {
  const support = useWebAuthnSupport();
  const form = useRef<HTMLFormElement>(null);
  const answer = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signInWithPasskey() {
    setBusy(true);
    setError(null);
    try {
      const options = await startSecondStepPasskeyAction();
      if (!options.ok) {
        setError(options.error.message);
        setBusy(false);
        return;
      }
      const response = await startAuthentication({ optionsJSON: options.data });
      answer.current!.value = JSON.stringify(response);
      form.current!.requestSubmit();
    } catch (prompt) {
      setError(passkeyErrorMessage(prompt));
      setBusy(false);
    }
  }

  return (
    <form ref={form} method="post" action="/api/auth/second-factor" aria-label="Sign in with a passkey" className="space-y-3">
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <input ref={answer} type="hidden" name="passkeyResponse" defaultValue="" />
      <PasskeysNeedJavaScript support={support} alternative="Enter a code from your authenticator app or a recovery code below." />
      <Button type="button" className="w-full" onClick={signInWithPasskey} disabled={support !== 'yes' || busy}>
        {busy ? 'Waiting for the passkey…' : 'Use a passkey'}
      </Button>
      <div aria-live="polite">{error ? <Alert tone="error">{error}</Alert> : null}</div>
    </form>
  );
}

/**
 * In a removal form: confirms with a passkey instead of a code. Fills the form's `passkeyResponse`
 * field with the assertion and submits the form (whose password field must be filled).
 */
export function PasskeyCheckButton() {
  const support = useWebAuthnSupport();
  const answer = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function check() {
    const form = answer.current!.form!;
    const password = form.elements.namedItem('password');
    if (password instanceof HTMLInputElement && !password.value) {
      setError('Enter your current password first.');
      password.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const options = await startPasskeyCheckAction();
      if (!options.ok || !options.data) {
        setError(options.ok ? 'You have no passkey. Enter a code instead.' : options.error.message);
        return;
      }
      const response = await startAuthentication({ optionsJSON: options.data });
      answer.current!.value = JSON.stringify(response);
      form.requestSubmit();
    } catch (prompt) {
      setError(passkeyErrorMessage(prompt));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-2">
      <input ref={answer} type="hidden" name="passkeyResponse" defaultValue="" />
      <Button type="button" variant="secondary" onClick={check} disabled={support !== 'yes' || busy}>
        {busy ? 'Waiting for the passkey…' : 'Confirm with a passkey instead of a code'}
      </Button>
      <div aria-live="polite">{error ? <Alert tone="error">{error}</Alert> : null}</div>
    </div>
  );
}
