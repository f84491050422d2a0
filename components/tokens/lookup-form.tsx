'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { SecretForm } from '@/components/ui/secret-form';
import { useServerAction } from '@/components/ui/use-server-action';
import { lookupTokenAction } from '@/lib/actions/tokens';
import type { LookupResult } from '@/lib/domain/tokens/queries';
import { PASTED_TOKEN_MAX_LENGTH } from '@/lib/validations/limits';

/** Leaked-token lookup: compares the string's fingerprint with every record. Nothing is kept. */
export function LookupForm() {
  const [result, setResult] = useState<LookupResult>();
  const { run, isPending, error } = useServerAction(lookupTokenAction);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const field = event.currentTarget.elements.namedItem('token');
    const token = field instanceof HTMLInputElement ? field.value : '';
    setResult(undefined);
    const answer = await run({ token });
    if (field instanceof HTMLInputElement) field.value = '';
    if (answer.ok) setResult(answer.data);
  }

  return (
    <SecretForm onSubmit={(event) => void submit(event)} className="space-y-3" aria-label="Leaked-token lookup">
      <TextField label="Suspicious string" name="token" type="password" autoComplete="off" spellCheck={false} required maxLength={PASTED_TOKEN_MAX_LENGTH} errors={fieldErrorsFor(error, 'token')} hint="Compared by fingerprint with every recorded token; never stored. The lookup is on the audit log." />
      <Button type="submit" variant="secondary" disabled={isPending}>
        {isPending ? 'Looking up…' : 'Look up'}
      </Button>
      <div aria-live="polite" className="space-y-2">
        <ErrorSummary error={error} />
        {result ? (
          result.match ? (
            <Alert tone="warning" title={`This is a recorded token: ${result.match.name} …${result.match.lastFour} (${result.match.status})`}>
              Machine user{' '}
              <Link href={`/machine-users/${result.match.machineUser.id}`} className="font-medium underline">
                {result.match.machineUser.email}
              </Link>{' '}
              on {result.match.project.title}; set on {result.match.environments.length ? result.match.environments.join(', ') : 'no environment'}.
            </Alert>
          ) : (
            <Alert tone="info">No recorded token matches this string.</Alert>
          )
        ) : null}
      </div>
    </SecretForm>
  );
}
