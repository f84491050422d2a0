'use client';
// The incident's steps after the plan: the dry run, the execution (confirmed by typing the
// incident's name, in the form itself so that it works without JavaScript), and the resume of an
// interrupted run. Each is a real form posting to its server action. A bulk rotation's execution and
// resume carry bootstrap tokens: they are SecretForms (A7: post only, inert until hydrated).
import { useRouter } from 'next/navigation';
import { startTransition, useActionState, useEffect, type FormEvent } from 'react';
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { SecretForm } from '@/components/ui/secret-form';
import { submittedDefaults } from '@/components/ui/submitted-values';
import { dryRunIncidentAction, executeIncidentAction, executeRotationAction, resumeIncidentAction, resumeRotationAction } from '@/lib/actions/incidents';
import type { RotationReport } from '@/lib/domain/incidents/rotation';
import { countOf } from '@/lib/utils';
import { INCIDENT_NAME_MAX_LENGTH, PASTED_TOKEN_MAX_LENGTH } from '@/lib/validations/limits';

function useRefreshOnSuccess(ok: boolean | undefined) {
  const router = useRouter();
  useEffect(() => {
    if (ok) router.refresh();
  }, [ok, router]);
}

export function DryRunForm({ incidentId }: { incidentId: string }) {
  const [state, formAction, isPending] = useAnchoredActionState(dryRunIncidentAction, null, 'dry-run');
  useRefreshOnSuccess(state?.ok);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <form action={formAction} aria-label="Dry run" className="space-y-3">
      <input type="hidden" name="incidentId" value={incidentId} />
      <Button id="dry-run" type="submit" variant="secondary" disabled={isPending}>
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
  const [state, formAction, isPending] = useAnchoredActionState(executeIncidentAction, null, 'execute-incident');
  useRefreshOnSuccess(state?.ok);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <form action={formAction} aria-label="Execute the incident" className="space-y-3">
      <input type="hidden" name="incidentId" value={incidentId} />
      <TextField
        label={`Type the incident’s name (“${name}”) to confirm`}
        name="confirmName"
        defaultValue={submittedDefaults(state).text('confirmName')}
        required
        autoComplete="off"
        spellCheck={false}
        maxLength={INCIDENT_NAME_MAX_LENGTH + 20}
        errors={fieldErrorsFor(error, 'confirmName')}
      />
      <Button id="execute-incident" type="submit" variant="danger" disabled={isPending}>
        {isPending ? 'Starting…' : 'Revoke every token of the plan'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">{state?.ok ? <Alert tone="success">The bulk revocation has started; its progress is below.</Alert> : null}</div>
    </form>
  );
}

export function ResumeIncidentForm({ incidentId }: { incidentId: string }) {
  const [state, formAction, isPending] = useAnchoredActionState(resumeIncidentAction, null, 'resume-incident');
  useRefreshOnSuccess(state?.ok);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <form action={formAction} aria-label="Resume the incident" className="space-y-3">
      <input type="hidden" name="incidentId" value={incidentId} />
      <Button id="resume-incident" type="submit" disabled={isPending}>
        {isPending ? 'Resuming…' : 'Resume the run'}
      </Button>
      <ErrorSummary error={error} />
    </form>
  );
}

export interface RotationGroupChoice {
  machineUserId: string;
  email: string;
  projectId: string;
  tokensLeft: number;
}

function BootstrapFields({ groups, error }: { groups: RotationGroupChoice[]; error: Parameters<typeof fieldErrorsFor>[0] }) {
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-900">One bootstrap token per machine user (leave one blank to skip it: its tokens are not rotated)</legend>
      {groups.map((group) => (
        <TextField
          key={group.machineUserId}
          label={`Bootstrap token of ${group.email} (${group.projectId}, ${group.tokensLeft} token${group.tokensLeft === 1 ? '' : 's'})`}
          name={`bootstrap:${group.machineUserId}`}
          type="password"
          autoComplete="off"
          spellCheck={false}
          maxLength={PASTED_TOKEN_MAX_LENGTH}
          errors={fieldErrorsFor(error, `bootstraps.${group.machineUserId}`)}
        />
      ))}
      {fieldErrorsFor(error, 'bootstraps') ? <p className="text-sm text-red-700">{fieldErrorsFor(error, 'bootstraps')?.join(' ')}</p> : null}
    </fieldset>
  );
}

/** Submits a secret form through its action, then empties it: nothing pasted stays in the page (T5). */
function submitThrough(formAction: (data: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    event.currentTarget.reset();
    startTransition(() => formAction(data));
  };
}

function RotationOutcome({ report }: { report: RotationReport | null }) {
  if (!report) return <Alert tone="warning">The run stopped before its end. Once this page shows it as interrupted, resume it with the bootstrap tokens.</Alert>;
  return (
    <Alert tone={report.notRotated ? 'warning' : 'success'}>
      {report.rotated} of {countOf(report.tokens, 'token')} rotated{report.notRotated ? `, ${report.notRotated} not rotated (see the report)` : ''}. {report.bootstrapsDeleted} bootstrap token{report.bootstrapsDeleted === 1 ? '' : 's'} deleted.
    </Alert>
  );
}

/**
 * A bulk rotation's execution: the name typed again and one bootstrap token per machine user. It
 * runs within this request (the bootstrap values live nowhere else), so the answer is the outcome.
 */
export function ExecuteRotationForm({ incidentId, name, groups }: { incidentId: string; name: string; groups: RotationGroupChoice[] }) {
  const [state, formAction, isPending] = useActionState(executeRotationAction, null);
  useRefreshOnSuccess(state?.ok);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <SecretForm onSubmit={submitThrough(formAction)} aria-label="Execute the bulk rotation" className="space-y-3">
      <input type="hidden" name="incidentId" value={incidentId} />
      <BootstrapFields groups={groups} error={error} />
      <TextField label={`Type the incident’s name (“${name}”) to confirm`} name="confirmName" required autoComplete="off" spellCheck={false} maxLength={INCIDENT_NAME_MAX_LENGTH + 20} errors={fieldErrorsFor(error, 'confirmName')} />
      <Button type="submit" variant="danger" disabled={isPending}>
        {isPending ? 'Rotating… (this page waits for the run)' : 'Rotate every token of the plan'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">{state?.ok ? <RotationOutcome report={state.data.report} /> : null}</div>
    </SecretForm>
  );
}

/** Resumes an interrupted bulk rotation: its bootstrap tokens are asked for again (they were never kept). */
export function ResumeRotationForm({ incidentId, groups }: { incidentId: string; groups: RotationGroupChoice[] }) {
  const [state, formAction, isPending] = useActionState(resumeRotationAction, null);
  useRefreshOnSuccess(state?.ok);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <SecretForm onSubmit={submitThrough(formAction)} aria-label="Resume the bulk rotation" className="space-y-3">
      <input type="hidden" name="incidentId" value={incidentId} />
      <BootstrapFields groups={groups} error={error} />
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Resuming…' : 'Resume the rotation'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">{state?.ok ? <RotationOutcome report={state.data.report} /> : null}</div>
    </SecretForm>
  );
}
