'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useIsHydrated } from '@/components/ui/needs-javascript';
import { SecretForm } from '@/components/ui/secret-form';

function messagesFor(throttleMinutes: number): Record<string, string> {
  return {
    // One message for every wrong combination: it never says whether the account exists.
    CredentialsSignin: 'Sign-in failed. Check your e-mail address and password.',
    Throttled: `Too many failed attempts. Sign-in is paused for ${throttleMinutes} minutes; try again then.`,
    AccessDenied: 'Your single sign-on account has no access to Keywarden. Ask an admin for an invitation.',
  };
}

interface SignInFormProps {
  ssoName?: string;
  initialError?: string;
  /** Where to go once signed in: a same-origin path, checked by the page (lib/auth/callback-url.ts). */
  returnTo: string;
  /** How long a throttled sign-in is paused (lib/auth/throttle.ts). */
  throttleMinutes: number;
}

export function SignInForm({ ssoName, initialError, returnTo, throttleMinutes }: SignInFormProps) {
  const router = useRouter();
  const MESSAGES = messagesFor(throttleMinutes);
  const [error, setError] = useState<string | undefined>(initialError ? (MESSAGES[initialError] ?? MESSAGES.CredentialsSignin) : undefined);
  const [pending, setPending] = useState(false);
  const emailField = useRef<HTMLInputElement>(null);
  const isHydrated = useIsHydrated();
  // The fields are disabled until hydration, when autoFocus has already been tried: focus the
  // e-mail once they can take it.
  useEffect(() => {
    if (isHydrated) emailField.current?.focus();
  }, [isHydrated]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    const result = await signIn('credentials', {
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
      redirect: false,
    });
    setPending(false);
    if (result?.ok && !result.error) {
      router.replace(returnTo);
      router.refresh();
      return;
    }
    setError(MESSAGES[result?.error ?? ''] ?? MESSAGES.CredentialsSignin);
  }

  return (
    <div className="space-y-6">
      {/* Signing in goes through next-auth's client, whose CSRF token it fetches: without JavaScript
          the fields stay disabled and say so, instead of posting a password that nothing reads. */}
      <SecretForm
        onSubmit={onSubmit}
        className="space-y-4"
        noValidate
        autoComplete="on"
        noScriptNotice="Signing in needs JavaScript: turn it on for this site, then reload this page."
      >
        <TextField ref={emailField} label="E-mail" name="email" type="email" autoComplete="username" required />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        <div aria-live="polite">{error ? <Alert tone="error">{error}</Alert> : null}</div>
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </SecretForm>
      {ssoName ? (
        <div className="border-t border-slate-200 pt-6">
          <Button variant="secondary" className="w-full" onClick={() => void signIn('oidc', { callbackUrl: returnTo })}>
            Continue with {ssoName}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
