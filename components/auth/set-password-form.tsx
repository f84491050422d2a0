'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ActionResult, FieldErrors } from '@/lib/errors';

interface SetPasswordFormProps {
  token: string;
  /** Known for an invitation; asked for in the first-run set-up. */
  fixedEmail?: string;
  submitLabel: string;
  submit: (input: Record<string, string>) => Promise<ActionResult<{ email: string }>>;
}

/** Creates an account's password (first admin, or an invited user), then signs in with it. */
export function SetPasswordForm({ token, fixedEmail, submitLabel, submit }: SetPasswordFormProps) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input: Record<string, string> = {
      token,
      name: String(form.get('name') ?? ''),
      password: String(form.get('password') ?? ''),
      confirmPassword: String(form.get('confirmPassword') ?? ''),
    };
    if (!fixedEmail) input.email = String(form.get('email') ?? '');
    setPending(true);
    setMessage(undefined);
    const result = await submit(input);
    if (!result.ok) {
      setPending(false);
      setFieldErrors(result.error.fieldErrors ?? {});
      setMessage(result.error.message);
      return;
    }
    setFieldErrors({});
    const signedIn = await signIn('credentials', { email: result.data.email, password: input.password ?? '', redirect: false });
    router.replace(signedIn?.ok && !signedIn.error ? '/' : '/sign-in');
    router.refresh();
  }

  // method=post: submitted before hydration, a GET would put the password (and the link's token) in the URL.
  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
      {fixedEmail ? (
        <p className="text-sm text-slate-800">
          Account: <strong>{fixedEmail}</strong>
        </p>
      ) : (
        <TextField label="E-mail" name="email" type="email" autoComplete="username" required errors={fieldErrors.email} />
      )}
      <TextField label="Name (optional)" name="name" autoComplete="name" errors={fieldErrors.name} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 12 characters. A passphrase of several words works well."
        errors={fieldErrors.password}
      />
      <TextField label="Repeat the password" name="confirmPassword" type="password" autoComplete="new-password" required errors={fieldErrors.confirmPassword} />
      <div aria-live="polite">{message ? <Alert tone="error">{message}</Alert> : null}</div>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Working…' : submitLabel}
      </Button>
    </form>
  );
}
