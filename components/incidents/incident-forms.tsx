'use client';
// The incident's steps after the plan: the dry run, the execution (confirmed by typing the
// incident's name, in the form itself so that it works without JavaScript), and the resume of an
// interrupted run. Each is a real form posting to its server action.
import { useRouter } from 'next/navigation';
import { useActionState, useEffect } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { dryRunIncidentAction, executeIncidentAction, resumeIncidentAction } from '@/lib/actions/incidents';
import { INCIDENT_NAME_MAX_LENGTH } from '@/lib/validations/limits';

function useRefreshOnSuccess(ok: boolean | undefined) {
  const router = useRouter();
  useEffect(() => {
    if (ok) router.refresh();
  }, [ok, router]);
}

export function DryRunForm({ incidentId }: { incidentId: string }) {
  const [state, formAction, isPending] = useActionState(dryRunIncidentAction, null);
  useRefreshOnSuccess(state?.ok);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <form action={formAction} aria-label="Dry run" className="space-y-3">
      <input type="hidden" name="incidentId" value={incidentId} />
      <Button type="submit" variant="secondary" disabled={isPending}>
        {isPending ? 'Reading every environment…' : 'Run the dry run'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">
        {state?.ok ? (
          <Alert tone="success">
            Dry run done: {state.data.present} variable{state.data.present === 1 ? '' : 's'} present, {state.data.absent} already gone, {state.data.unreadable} unreadable. Nothing was changed.
          </Alert>
        ) : null}
      </div>
    </form>
  );
}

export function ExecuteIncidentForm({ incidentId, name }: { incidentId: string; name: string }) {
  const [state, formAction, isPending] = useActionState(executeIncidentAction, null);
  useRefreshOnSuccess(state?.ok);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <form action={formAction} aria-label="Execute the incident" className="space-y-3">
      <input type="hidden" name="incidentId" value={incidentId} />
      <TextField
        label={`Type the incident’s name (“${name}”) to confirm`}
        name="confirmName"
        required
        autoComplete="off"
        spellCheck={false}
        maxLength={INCIDENT_NAME_MAX_LENGTH + 20}
        errors={fieldErrorsFor(error, 'confirmName')}
      />
      <Button type="submit" variant="danger" disabled={isPending}>
        {isPending ? 'Starting…' : 'Revoke every token of the plan'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">{state?.ok ? <Alert tone="success">The bulk revocation has started; its progress is below.</Alert> : null}</div>
    </form>
  );
}

export function ResumeIncidentForm({ incidentId }: { incidentId: string }) {
  const [state, formAction, isPending] = useActionState(resumeIncidentAction, null);
  useRefreshOnSuccess(state?.ok);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <form action={formAction} aria-label="Resume the incident" className="space-y-3">
      <input type="hidden" name="incidentId" value={incidentId} />
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Resuming…' : 'Resume the run'}
      </Button>
      <ErrorSummary error={error} />
    </form>
  );
}
