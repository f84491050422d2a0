'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button, buttonClasses } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { SelectField, TextField } from '@/components/ui/field';
import { useServerAction } from '@/components/ui/use-server-action';
import { inviteMachineUserAction } from '@/lib/actions/machine-users';
import type { InvitationOutcome } from '@/lib/domain/machine-users/invite';
import type { OnboardingOptions } from '@/lib/domain/machine-users/queries';
import { normalizeEmail, suggestEmail } from '@/lib/machine-users/email';
import { emailProblemOf } from '@/lib/validations/email-rule';
import { describePermissions, PRESETS, PURPOSES, toPermissions, type MachineRoles, type Purpose } from '@/lib/machine-users/roles';
import { RolesEditor, RolesSummary } from './roles-editor';
import { useVendor } from '@/components/vendor-context';

const STEPS = ['Project', 'Purpose', 'E-mail', 'Roles', 'Owners', 'Review'] as const;
type Step = (typeof STEPS)[number];

/** The step that holds each field of the invitation, so that a server error found at Review sends the person there. */
const STEP_OF_FIELD: Record<string, Step> = {
  projectId: 'Project',
  purpose: 'Purpose',
  email: 'E-mail',
  roles: 'Roles',
  needsSshKey: 'Roles',
  ownerId: 'Owners',
  backupOwnerId: 'Owners',
  overrideReason: 'Review',
};

/** The earliest step holding a field in `fieldErrors` (keys like `roles.production` count for `roles`). */
function stepOfErrors(fieldErrors: Record<string, string[]> | undefined): Step | undefined {
  const steps = Object.keys(fieldErrors ?? {})
    .map((key) => STEP_OF_FIELD[key.split('.')[0] ?? ''])
    .filter((step): step is Step => step !== undefined);
  return STEPS.find((step) => steps.includes(step));
}

interface Draft {
  projectId: string;
  purpose: Purpose;
  email: string;
  /** Whether the person typed the address (then a new project or purpose does not replace it). */
  emailEdited: boolean;
  roles: MachineRoles;
  needsSshKey: boolean;
  ownerId: string;
  backupOwnerId: string;
  overrideReason: string;
}

/** The onboarding of a machine user, one decision per step: project → purpose → e-mail → roles → owners → review. */
export function OnboardingWizard({ options, initialProjectId, currentUserId }: { options: OnboardingOptions; initialProjectId?: string; currentUserId: string }) {
  const { productName } = useVendor();
  const initialDraft = (): Draft => ({
    projectId: initialProjectId ?? '',
    purpose: 'backups',
    email: '',
    emailEdited: false,
    roles: PRESETS.backups.roles,
    needsSshKey: PRESETS.backups.needsSshKey,
    ownerId: options.owners.some((owner) => owner.id === currentUserId) ? currentUserId : (options.owners[0]?.id ?? ''),
    backupOwnerId: '',
    overrideReason: '',
  });
  const [stepIndex, setStepIndex] = useState(initialProjectId ? 1 : 0);
  const [draft, setDraft] = useState<Draft>(initialDraft);
  const [stepError, setStepError] = useState<string>();
  const [result, setResult] = useState<InvitationOutcome>();
  const { run, isPending, error } = useServerAction(inviteMachineUserAction);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const router = useRouter();
  const step: Step = STEPS[stepIndex] ?? 'Project';
  const project = options.projects.find((candidate) => candidate.id === draft.projectId);

  // Keyboard and screen-reader users land on the new step's heading — or, sent back by an error,
  // on the highlighted field.
  const firstRender = useRef(true);
  const focusInvalid = useRef(false);
  const sectionRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const invalid = focusInvalid.current ? sectionRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]') : null;
    focusInvalid.current = false;
    (invalid ?? headingRef.current)?.focus();
  }, [stepIndex, result]);

  // The suggested address follows the project and purpose until the person edits it.
  const suggested = project ? suggestEmail(options.emailPattern, project, draft.purpose) : '';
  const emailText = draft.emailEdited ? draft.email : suggested;
  const email = normalizeEmail(emailText);
  const overrides = useMemo(() => {
    const reasons: string[] = [];
    const elsewhere = options.usedEmails.filter((used) => used.email === email && used.projectId !== draft.projectId);
    if (elsewhere.length) reasons.push('this address already serves another project');
    if (project?.machineUsers.some((existing) => existing.purpose === draft.purpose && existing.state !== 'cancelled' && existing.state !== 'error')) {
      reasons.push(`${project.title} already has a machine user for ${PRESETS[draft.purpose].label.toLowerCase()}`);
    }
    return reasons;
  }, [options.usedEmails, email, draft.projectId, draft.purpose, project]);

  function update(patch: Partial<Draft>) {
    setDraft((previous) => ({ ...previous, ...patch }));
    setStepError(undefined);
  }

  function choosePurpose(purpose: Purpose) {
    update({ purpose, roles: PRESETS[purpose].roles, needsSshKey: PRESETS[purpose].needsSshKey });
  }

  /** What stops the person on this step, in plain words; undefined when they may go on. */
  function problemOf(current: Step): string | undefined {
    switch (current) {
      case 'Project':
        return project ? undefined : 'Choose a project.';
      case 'E-mail':
        // The server's own rule (emailSchema is built from email-rule.ts): an address it would refuse stops the person here, not at Review.
        if (emailProblemOf(email)) return `${emailProblemOf(email)} The machine user is a ${productName} account of its own.`;
        if (options.dashboardEmail && email === options.dashboardEmail) return `This is the dashboard’s own ${productName} account; choose another address.`;
        if (options.usedEmails.some((used) => used.email === email && used.projectId === draft.projectId)) return 'This address already belongs to a machine user of this project.';
        return undefined;
      case 'Owners':
        if (!draft.ownerId) return 'Choose the owner accountable for this machine user.';
        if (draft.backupOwnerId && draft.backupOwnerId === draft.ownerId) return 'The backup owner must be someone else than the owner.';
        return undefined;
      case 'Review':
        if (overrides.length && !options.canOverride) return `Not allowed: ${overrides.join(', and ')}. Ask an admin.`;
        if (overrides.length && draft.overrideReason.trim().length < 10) return 'Write why the override is needed (at least 10 characters).';
        return undefined;
      default:
        return undefined;
    }
  }

  function next() {
    const problem = problemOf(step);
    if (problem) return setStepError(problem);
    setStepIndex((index) => Math.min(index + 1, STEPS.length - 1));
  }

  function submitStep(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step === 'Review') void invite();
    else next();
  }

  async function invite() {
    const problem = problemOf('Review');
    if (problem) return setStepError(problem);
    const outcome = await run({
      projectId: draft.projectId,
      purpose: draft.purpose,
      email,
      roles: draft.roles,
      needsSshKey: draft.needsSshKey,
      ownerId: draft.ownerId,
      backupOwnerId: draft.backupOwnerId || null,
      overrideReason: overrides.length ? draft.overrideReason : null,
    });
    if (outcome.ok) {
      setResult(outcome.data);
      // The addresses and purposes in use changed: fresh options for the next onboarding.
      router.refresh();
      return;
    }
    // "Correct the highlighted fields" is only true on the step that shows them: go there.
    const errorStep = stepOfErrors(outcome.error.fieldErrors);
    if (errorStep && errorStep !== 'Review') {
      focusInvalid.current = true;
      setStepIndex(STEPS.indexOf(errorStep));
    }
  }

  if (result) {
    const succeeded = result.outcome === 'invited' || result.outcome === 'linked';
    return (
      <section aria-labelledby="wizard-result" className="rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="wizard-result" ref={headingRef} tabIndex={-1} className="text-lg font-semibold text-slate-900">
          {succeeded ? 'Invitation sent' : result.outcome === 'unknown' ? 'Outcome not known yet' : 'The invitation was not sent'}
        </h2>
        <div className="mt-3">
          <Alert tone={succeeded ? 'success' : result.outcome === 'unknown' ? 'warning' : 'error'}>{result.message}</Alert>
        </div>
        <div className="mt-6 flex flex-wrap gap-2">
          <Link href={`/machine-users/${result.machineUserId}`} className={buttonClasses('primary')}>
            Open the machine user
          </Link>
          <Button
            variant="secondary"
            onClick={() => {
              setDraft(initialDraft());
              setStepIndex(initialProjectId ? 1 : 0);
              setResult(undefined);
            }}
          >
            Onboard another
          </Button>
        </div>
      </section>
    );
  }

  const emailFieldErrors = fieldErrorsFor(error, 'email');

  return (
    <div className="grid gap-6 lg:grid-cols-[12rem_1fr]">
      <nav aria-label="Onboarding steps">
        {/* The steps live in this page's state: without JavaScript they cannot move (the notice is under the form). */}
        <NeedsJavaScript notice={null}>
        <ol className="space-y-1">
          {STEPS.map((name, index) => (
            <li key={name}>
              <button
                type="button"
                className={`w-full rounded-md px-3 py-2 text-left text-sm ${index === stepIndex ? 'bg-indigo-50 font-semibold text-indigo-900' : 'text-slate-700 hover:bg-slate-100'} disabled:cursor-not-allowed disabled:text-slate-400`}
                aria-current={index === stepIndex ? 'step' : undefined}
                disabled={index > stepIndex}
                onClick={() => setStepIndex(index)}
              >
                {index + 1}. {name}
              </button>
            </li>
          ))}
        </ol>
        </NeedsJavaScript>
      </nav>

      <section ref={sectionRef} aria-labelledby="wizard-step" className="rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="wizard-step" ref={headingRef} tabIndex={-1} className="text-lg font-semibold text-slate-900">
          Step {stepIndex + 1} of {STEPS.length}: {step}
        </h2>
        {/* A form, so that Enter in a field does what the step's main button says (Next, or Send). */}
        <form noValidate onSubmit={submitStep}>
        <NeedsJavaScript notice="Onboarding a machine user needs JavaScript: turn it on for this site, then reload this page.">
        <div className="mt-4 space-y-4">
          {step === 'Project' ? (
            <>
              <SelectField label="Project" value={draft.projectId} onChange={(event) => update({ projectId: event.target.value })}>
                <option value="">Choose a project…</option>
                {options.projects.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.title} ({candidate.id})
                  </option>
                ))}
              </SelectField>
              {project && project.machineUsers.length > 0 ? (
                <div className="text-sm text-slate-700">
                  <p>Machine users of {project.title} already:</p>
                  <ul className="mt-1 list-disc pl-5">
                    {project.machineUsers.map((existing) => (
                      <li key={existing.email}>
                        {existing.email} — {PRESETS[existing.purpose].label} ({existing.state})
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {options.projects.length === 0 ? <Alert tone="info">No project is available to you. Sync the inventory, or ask an admin to assign projects.</Alert> : null}
            </>
          ) : null}

          {step === 'Purpose' ? (
            <fieldset>
              <legend className="text-sm font-medium text-slate-900">What will this machine user do on {project?.title}?</legend>
              <div className="mt-3 grid gap-3 sm:grid-cols-2">
                {PURPOSES.map((purpose) => (
                  <label key={purpose} className={`flex cursor-pointer gap-3 rounded-md border p-3 text-sm ${draft.purpose === purpose ? 'border-indigo-700 bg-indigo-50' : 'border-slate-300'}`}>
                    <input type="radio" name="purpose" value={purpose} checked={draft.purpose === purpose} onChange={() => choosePurpose(purpose)} className="mt-1" />
                    <span>
                      <span className="block font-medium text-slate-900">{PRESETS[purpose].label}</span>
                      <span className="block text-slate-700">{PRESETS[purpose].description}</span>
                      <span className="mt-1 block text-xs text-slate-600">
                        {describePermissions(toPermissions(PRESETS[purpose].roles))} · {PRESETS[purpose].needsSshKey ? 'needs an SSH key' : 'no SSH key'}
                      </span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
          ) : null}

          {step === 'E-mail' ? (
            <>
              <TextField
                label="Machine user’s e-mail address"
                type="email"
                value={emailText}
                autoComplete="off"
                spellCheck={false}
                maxLength={254}
                errors={emailFieldErrors}
                hint={`Suggested from the organisation’s pattern ${options.emailPattern}. Every machine user needs an address of its own, able to receive the invitation.`}
                onChange={(event) => update({ email: event.target.value, emailEdited: true })}
              />
              {overrides.length ? <Alert tone="warning">Heads-up: {overrides.join(', and ')}. {options.canOverride ? 'You can override this with a written reason at the review step.' : 'Only an admin can override this.'}</Alert> : null}
            </>
          ) : null}

          {step === 'Roles' ? (
            <>
              <p className="text-sm text-slate-700">
                Pre-filled from the {PRESETS[draft.purpose].label} preset. Keep it as narrow as the job allows.
              </p>
              <RolesEditor value={draft.roles} onChange={(roles) => update({ roles })} ceiling={options.grantLimits?.[draft.purpose]} purposeLabel={PRESETS[draft.purpose].label} error={error} />
              <label className="flex items-center gap-2 text-sm text-slate-800">
                <input type="checkbox" checked={draft.needsSshKey} onChange={(event) => update({ needsSshKey: event.target.checked })} />
                Needs an SSH key (to check out code)
              </label>
              <RolesSummary roles={draft.roles} needsSshKey={draft.needsSshKey} />
            </>
          ) : null}

          {step === 'Owners' ? (
            <>
              <SelectField label="Owner" value={draft.ownerId} hint="The dashboard user accountable for this machine user and its tokens." errors={fieldErrorsFor(error, 'ownerId')} onChange={(event) => update({ ownerId: event.target.value })}>
                <option value="">Choose…</option>
                {options.owners.map((owner) => (
                  <option key={owner.id} value={owner.id}>
                    {owner.name ? `${owner.name} (${owner.email})` : owner.email}
                  </option>
                ))}
              </SelectField>
              <SelectField label="Backup owner (optional)" value={draft.backupOwnerId} errors={fieldErrorsFor(error, 'backupOwnerId')} onChange={(event) => update({ backupOwnerId: event.target.value })}>
                <option value="">None</option>
                {options.owners
                  .filter((owner) => owner.id !== draft.ownerId)
                  .map((owner) => (
                    <option key={owner.id} value={owner.id}>
                      {owner.name ? `${owner.name} (${owner.email})` : owner.email}
                    </option>
                  ))}
              </SelectField>
            </>
          ) : null}

          {step === 'Review' ? (
            <>
              <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
                <dt className="text-slate-600">Project</dt>
                <dd className="text-slate-900">{project ? `${project.title} (${project.id})` : '—'}</dd>
                <dt className="text-slate-600">Purpose</dt>
                <dd className="text-slate-900">
                  <Badge tone="indigo">{PRESETS[draft.purpose].label}</Badge>
                </dd>
                <dt className="text-slate-600">E-mail</dt>
                <dd className="font-mono text-slate-900">{email}</dd>
                <dt className="text-slate-600">Roles</dt>
                <dd className="text-slate-900">{describePermissions(toPermissions(draft.roles))}</dd>
                <dt className="text-slate-600">Owner</dt>
                <dd className="text-slate-900">
                  {options.owners.find((owner) => owner.id === draft.ownerId)?.email ?? '—'}
                  {draft.backupOwnerId ? `, backup ${options.owners.find((owner) => owner.id === draft.backupOwnerId)?.email ?? ''}` : ''}
                </dd>
              </dl>
              <RolesSummary roles={draft.roles} needsSshKey={draft.needsSshKey} />
              {overrides.length ? (
                options.canOverride ? (
                  <TextField
                    label="Reason for the override"
                    value={draft.overrideReason}
                    hint={`Needed because ${overrides.join(', and ')}. Kept in the audit log.`}
                    errors={fieldErrorsFor(error, 'overrideReason')}
                    onChange={(event) => update({ overrideReason: event.target.value })}
                    maxLength={500}
                  />
                ) : (
                  <Alert tone="error">Not allowed: {overrides.join(', and ')}. Only an admin can override this.</Alert>
                )
              ) : null}
              <p className="text-sm text-slate-700">
                Keywarden asks {productName} to invite {email} to {project?.title} with these roles, and follows the invitation until it is accepted.
              </p>
            </>
          ) : null}
        </div>

        <div aria-live="polite" className="mt-4 space-y-2">
          {stepError ? <Alert tone="error">{stepError}</Alert> : null}
          <ErrorSummary error={error} />
        </div>

        <div className="mt-6 flex justify-between gap-2">
          <Button variant="secondary" onClick={() => setStepIndex((index) => Math.max(0, index - 1))} disabled={stepIndex === 0 || isPending}>
            Back
          </Button>
          {step === 'Review' ? (
            <Button type="submit" disabled={isPending}>
              {isPending ? 'Sending the invitation…' : 'Send invitation'}
            </Button>
          ) : (
            <Button type="submit">Next</Button>
          )}
        </div>
        </NeedsJavaScript>
        </form>
      </section>
    </div>
  );
}
