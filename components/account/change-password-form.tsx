'use client';
// Changing one's own password. A real form: without JavaScript it posts to the server action
// (POST, never a query string) and the page comes back with the answer; hydrated, the same action
// is called with the fields as a plain object. Nothing typed is ever sent back by the server: a
// refused attempt comes back as messages only.
import { startTransition, useActionState, useEffect, useRef, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { changePasswordAction } from '@/lib/actions/account';

const FIELDS = ['currentPassword', 'password', 'confirmPassword'] as const;

function endedText(count: number): string {
  if (count === 0) return 'You had no other sessions.';
  return count === 1 ? 'Your other session was ended.' : `Your ${count} other sessions were ended.`;
}

export function ChangePasswordForm() {
  const [state, dispatch, isPending] = useActionState(changePasswordAction, null);
  const formRef = useRef<HTMLFormElement>(null);
  const error = state && !state.ok ? state.error : undefined;

  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const fields = Object.fromEntries(FIELDS.map((name) => [name, String(form.get(name) ?? '')]));
    startTransition(() => dispatch(fields));
  }

  return (
    <form ref={formRef} action={dispatch} onSubmit={onSubmit} aria-label="Change your password" className="max-w-md space-y-4" noValidate>
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        maxLength={256}
        errors={fieldErrorsFor(error, 'currentPassword')}
      />
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        maxLength={256}
        hint="At least 12 characters. A passphrase of several words works well."
        errors={fieldErrorsFor(error, 'password')}
      />
      <TextField
        label="Repeat the new password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        maxLength={256}
        errors={fieldErrorsFor(error, 'confirmPassword')}
      />
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Changing…' : 'Change password'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">
        {state?.ok ? (
          <Alert tone="success" title="Your password is changed">
            {endedText(state.data.endedSessions)} This session stays signed in.
          </Alert>
        ) : null}
      </div>
    </form>
  );
}
