'use client';
// Planning an incident: name it, say what to do (revoke, or rotate with minted tokens), then select the tokens. A real form (useActionState
// with the server action): it works without JavaScript; with it, the new incident's plan opens.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useAnchoredActionState } from '@/components/ui/anchored-action-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { SelectField, TextAreaField, TextField } from '@/components/ui/field';
import { submittedDefaults } from '@/components/ui/submitted-values';
import { createIncidentAction } from '@/lib/actions/incidents';
import { COMPROMISE_REASON_MAX_LENGTH, INCIDENT_NAME_MAX_LENGTH } from '@/lib/validations/limits';
import { useVendor } from '@/components/vendor-context';

export interface IncidentFormChoices {
  projects: { id: string; title: string }[];
  purposes: { value: string; label: string }[];
}

export function CreateIncidentForm({ choices }: { choices: IncidentFormChoices }) {
  const { productName } = useVendor();
  const router = useRouter();
  const [state, formAction, isPending] = useAnchoredActionState(createIncidentAction, null, 'plan-incident');
  const error = state && !state.ok ? state.error : undefined;
  const created = state?.ok ? state.data : undefined;
  const sent = submittedDefaults(state);
  useEffect(() => {
    if (created) router.push(`/incidents/${created.incidentId}`);
  }, [created, router]);
  const errorsOf = (name: string) => fieldErrorsFor(error, `filter.${name}`);
  const allErrors = errorsOf('all');

  return (
    <form action={formAction} aria-label="Plan an incident" className="space-y-4">
      <TextField label="Incident name" name="name" defaultValue={sent.text('name')} required maxLength={INCIDENT_NAME_MAX_LENGTH} placeholder="CI provider breach" autoComplete="off" errors={fieldErrorsFor(error, 'name')} hint="You type it again to confirm the execution." />
      <TextAreaField label="What happened (optional)" name="reason" defaultValue={sent.text('reason')} rows={2} maxLength={COMPROMISE_REASON_MAX_LENGTH} errors={fieldErrorsFor(error, 'reason')} hint="Never paste the leaked token here." />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-900">What to do with the selected tokens</legend>
        <label className="flex items-start gap-2 text-sm text-slate-900">
          <input type="radio" name="kind" value="revocation" defaultChecked={sent.checked('kind', 'revocation', true)} className="mt-0.5 size-4 accent-indigo-700" />
          <span>Revoke them (a breach): delete the variables that hold them and mark them compromised. Deleting the tokens themselves on {productName} needs a live token of each machine user, so each stays an open task.</span>
        </label>
        <label className="flex items-start gap-2 text-sm text-slate-900">
          <input type="radio" name="kind" value="rotation" defaultChecked={sent.checked('kind', 'rotation', false)} className="mt-0.5 size-4 accent-indigo-700" />
          <span>Rotate them: each active token is replaced by a fresh one minted from a bootstrap token you paste per machine user when you execute (a machine user left without one is skipped), pushed to the environments that held the old one; the old token and then the bootstrap are deleted on {productName}.</span>
        </label>
        {fieldErrorsFor(error, 'kind') ? <p className="text-sm text-red-700">{fieldErrorsFor(error, 'kind')?.join(' ')}</p> : null}
      </fieldset>
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-900">Tokens to select (every condition must hold; an empty one is “any”)</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Project" name="projectId" defaultValue={sent.text('projectId')} errors={errorsOf('projectId')}>
            <option value="">Any project</option>
            {choices.projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.title}
              </option>
            ))}
          </SelectField>
          <SelectField label="Purpose" name="purpose" defaultValue={sent.text('purpose')} errors={errorsOf('purpose')}>
            <option value="">Any purpose</option>
            {choices.purposes.map((purpose) => (
              <option key={purpose.value} value={purpose.value}>
                {purpose.label}
              </option>
            ))}
          </SelectField>
          <SelectField label="Environment type" name="environmentType" defaultValue={sent.text('environmentType')} errors={errorsOf('environmentType')} hint="Tokens held by at least one environment of this type.">
            <option value="">Any type</option>
            <option value="production">Production</option>
            <option value="staging">Staging</option>
            <option value="development">Development</option>
          </SelectField>
          <SelectField label="Visible at build time" name="buildVisible" defaultValue={sent.text('buildVisible')} errors={errorsOf('buildVisible')} hint="A build-visible token is readable by every build (and a CI that builds).">
            <option value="">Either</option>
            <option value="yes">Only build-visible tokens</option>
            <option value="no">Only runtime-only tokens</option>
          </SelectField>
          <TextField label="Recorded or pushed by (e-mail)" name="pushedBy" type="email" defaultValue={sent.text('pushedBy')} autoComplete="off" errors={errorsOf('pushedBy')} />
          <TextField label="Recorded before" name="recordedBefore" type="date" defaultValue={sent.text('recordedBefore')} errors={errorsOf('recordedBefore')} />
        </div>
        <label className="flex items-start gap-2 text-sm text-slate-900">
          <input type="checkbox" name="all" defaultChecked={sent.checked('all', 'on', false)} className="mt-0.5 size-4 accent-indigo-700" aria-invalid={Boolean(allErrors)} aria-describedby={allErrors ? 'incident-all-error' : undefined} />
          <span>Every matching token — open ones to revoke, active ones to rotate (needed when no condition above narrows the selection)</span>
        </label>
        {allErrors ? (
          <p id="incident-all-error" className="text-sm text-red-700">
            {allErrors.join(' ')}
          </p>
        ) : null}
      </fieldset>
      <p className="text-sm text-slate-700">Planning changes nothing on {productName}: the plan lists the selected tokens and the variables that hold them, a dry run then reads every environment, and nothing is revoked, minted or deleted until you execute the plan by typing its name.</p>
      <Button id="plan-incident" type="submit" disabled={isPending}>
        {isPending ? 'Planning…' : 'Plan the incident'}
      </Button>
      <ErrorSummary error={error} />
      <div aria-live="polite">
        {created ? (
          <Alert tone="success">
            Planned: {created.tokens} token{created.tokens === 1 ? '' : 's'}, {created.variables} variable{created.variables === 1 ? '' : 's'}.{' '}
            <Link href={`/incidents/${created.incidentId}`} className="font-medium underline">
              Open the plan
            </Link>
          </Alert>
        ) : null}
      </div>
    </form>
  );
}
