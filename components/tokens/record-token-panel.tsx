'use client';

import { useRouter } from 'next/navigation';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { SecretForm } from '@/components/ui/secret-form';
import { useServerAction } from '@/components/ui/use-server-action';
import { recordTokenAction, resumePushAction } from '@/lib/actions/tokens';
import type { ForeignVariable } from '@/lib/domain/tokens/foreign-variables';
import type { PushOutcome } from '@/lib/domain/tokens/push';
import { PASTED_TOKEN_MAX_LENGTH, TOKEN_NAME_MAX_LENGTH } from '@/lib/validations/limits';
import { useVendor } from '@/components/vendor-context';
import { MintingChoice, mintChoiceOf, type MintingSetting } from './minting-choice';
import { PushSteps, usePushRun } from './push-progress';

export interface PushTarget {
  id: string;
  title: string;
  type: 'production' | 'staging' | 'development';
  status: string;
  /** A variable of the name Keywarden pushes that Keywarden did not push, as the inventory last saw it (SECURITY.md R8). */
  foreignVariable: ForeignVariable | null;
}

/** What replacing an environment's foreign variable does, from the inventory; says so when it cannot tell. */
function describeForeign(foreign: ForeignVariable, variable: string): string {
  const parts = [`Holds an ${variable} that Keywarden did not push (as the last sync saw it).`];
  if (!foreign.isInheritable) parts.push('Not inheritable: no child environment has a copy of it.');
  else if (foreign.inheritedBy.length) {
    parts.push(`Inheritable: replacing it removes the copy that ${foreign.inheritedBy.join(', ')} inherit${foreign.inheritedBy.length === 1 ? 's' : ''} now.`);
    if (foreign.hasProjectVariable) parts.push('They may fall back to the project-level variable.');
  } else if (!foreign.unknown.length) parts.push('Inheritable, but no child environment inherits it now.');
  if (foreign.unknown.length) parts.push(`Keywarden has not read the variables of ${foreign.unknown.join(', ')}: it cannot tell whether they inherit it.`);
  return parts.join(' ');
}

const TYPES = ['production', 'staging', 'development'] as const;

/**
 * The token is pasted into a password field (never echoed, not autocompleted, not spell-checked),
 * sent once with the push, and cleared from the form as soon as the action answers (SECURITY.md T5).
 */
function TokenField({ label, errors }: { label: string; errors?: string[] }) {
  const { productName } = useVendor();
  return <TextField label={label} name="token" type="password" autoComplete="off" spellCheck={false} autoCapitalize="off" autoCorrect="off" required maxLength={PASTED_TOKEN_MAX_LENGTH} errors={errors} hint={`Shown once in the ${productName} Console. Keywarden keeps only its fingerprint and last four characters.`} />;
}

function Outcome({ outcome }: { outcome: PushOutcome | undefined }) {
  if (!outcome) return null;
  return <Alert tone={outcome.status === 'succeeded' ? 'success' : outcome.status === 'partial' ? 'warning' : 'error'}>{outcome.message}</Alert>;
}

export function RecordTokenPanel({
  machineUserId,
  environments,
  defaultTypes,
  defaultRotateBy,
  minRotateBy,
  consoleUrl,
  minting,
}: {
  machineUserId: string;
  /** Whether the pushed token is minted from the pasted one (issue 18.2). */
  minting: MintingSetting;
  environments: PushTarget[];
  defaultTypes: readonly string[];
  defaultRotateBy: string;
  /** The earliest rotate-by date the server accepts (tomorrow). */
  minRotateBy: string;
  /** Sandbox mode: the simulator's Console page where the machine user creates a token. */
  consoleUrl?: string;
}) {
  const router = useRouter();
  const vendor = useVendor();
  const formRef = useRef<HTMLFormElement>(null);
  const [runId, setRunId] = useState<string>();
  const [chosen, setChosen] = useState<string[]>(() => environments.filter((environment) => defaultTypes.includes(environment.type) && environment.status === 'active').map((environment) => environment.id));
  const [confirmReplace, setConfirmReplace] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<PushOutcome>();
  const [unanswered, setUnanswered] = useState<string[]>([]);
  const { run, isPending, error } = useServerAction(recordTokenAction);
  const progress = usePushRun(runId, isPending);
  const ids = useId();
  // Known from the inventory before anything is verified; the push's own check may still find one
  // the last sync did not see, and then asks the same question next to that environment.
  const foreignIds = new Set([...environments.filter((environment) => environment.foreignVariable).map((environment) => environment.id), ...(error?.code === 'conflict' ? (error.fieldErrors?.confirmReplace ?? []) : [])]);
  const needsAnswer = chosen.filter((id) => foreignIds.has(id) && !confirmReplace.includes(id));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // R8, asked before the 2.5-second verification: nothing is sent until each one is answered.
    if (needsAnswer.length) {
      setUnanswered(needsAnswer);
      return;
    }
    setUnanswered([]);
    const form = new FormData(event.currentTarget);
    const id = crypto.randomUUID();
    setRunId(id);
    setOutcome(undefined);
    const result = await run({
      machineUserId,
      runId: id,
      token: String(form.get('token') ?? ''),
      name: String(form.get('name') ?? ''),
      rotateBy: String(form.get('rotateBy') ?? '') || undefined,
      environmentIds: chosen,
      visibleBuild: form.get('visibleBuild') === 'on',
      confirmReplace: confirmReplace.filter((id) => chosen.includes(id)),
      mint: mintChoiceOf(form, minting),
    });
    // The value leaves the page with the answer — unless the only question is a replacement the
    // person has to answer (a variable the last sync did not see): then they tick it and push again.
    const isReplaceQuestion = !result.ok && result.error.code === 'conflict' && Boolean(result.error.fieldErrors?.confirmReplace?.length);
    const field = formRef.current?.elements.namedItem('token');
    if (field instanceof HTMLInputElement && !isReplaceQuestion) field.value = '';
    if (result.ok) {
      setOutcome(result.data);
      await progress.refetch();
      router.refresh();
    }
  }

  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((item) => item !== id) : [...list, id]);

  return (
    <div className="space-y-4">
      {consoleUrl ? (
        <Alert tone="info" title="Sandbox">
          A machine user creates its own token in the {vendor.productName} Console.{' '}
          <a href={consoleUrl} target="_blank" rel="noreferrer" className="font-medium underline">
            Open the simulator’s Console as this machine user
          </a>{' '}
          to create one, copy it, and paste it here.
        </Alert>
      ) : null}
      <SecretForm ref={formRef} onSubmit={(event) => void submit(event)} className="space-y-4">
        <TokenField label="API token" errors={fieldErrorsFor(error, 'token')} />
        <MintingChoice minting={minting} productName={vendor.productName} />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Name" name="name" defaultValue="Cron" maxLength={TOKEN_NAME_MAX_LENGTH} required hint="Where it is used, e.g. “backups cron”." errors={fieldErrorsFor(error, 'name')} />
          <TextField label="Rotate by" name="rotateBy" type="date" defaultValue={defaultRotateBy} min={minRotateBy} hint="Organisation policy: 90 days. A date after today." errors={fieldErrorsFor(error, 'rotateBy')} />
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">Push to these environments (as {vendor.tokenVariable})</legend>
          <div className="mt-2 grid gap-3 sm:grid-cols-3">
            {TYPES.map((type) => (
              <div key={type}>
                <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">{type}</p>
                <ul className="mt-1 space-y-1">
                  {environments
                    .filter((environment) => environment.type === type)
                    .map((environment) => {
                      const isForeign = foreignIds.has(environment.id);
                      const flagId = `${ids}-${environment.id}-foreign`;
                      return (
                        <li key={environment.id}>
                          <label className="flex items-center gap-2 text-sm text-slate-800">
                            <input
                              type="checkbox"
                              checked={chosen.includes(environment.id)}
                              aria-describedby={isForeign ? flagId : undefined}
                              onChange={() => {
                                setChosen((list) => toggle(list, environment.id));
                                setUnanswered([]);
                              }}
                            />
                            <span className="font-mono">{environment.id}</span>
                            {environment.status !== 'active' ? <span className="text-xs text-slate-600">({environment.status})</span> : null}
                          </label>
                          {isForeign ? (
                            <p id={flagId} className="ml-6 text-xs text-amber-900">
                              {environment.foreignVariable ? describeForeign(environment.foreignVariable, vendor.tokenVariable) : `Holds an ${vendor.tokenVariable} that Keywarden did not push (${vendor.productName} said so at the last attempt).`}
                            </p>
                          ) : null}
                          {isForeign && chosen.includes(environment.id) ? (
                            <label className="ml-6 mt-1 flex items-center gap-2 text-sm font-medium text-amber-950">
                              <input
                                type="checkbox"
                                checked={confirmReplace.includes(environment.id)}
                                aria-invalid={unanswered.includes(environment.id)}
                                onChange={() => {
                                  setConfirmReplace((list) => toggle(list, environment.id));
                                  setUnanswered([]);
                                }}
                              />
                              Replace the {vendor.tokenVariable} on <span className="font-mono">{environment.id}</span>
                            </label>
                          ) : null}
                        </li>
                      );
                    })}
                </ul>
              </div>
            ))}
          </div>
          {fieldErrorsFor(error, 'environmentIds') ? <p className="mt-1 text-sm text-red-700">{fieldErrorsFor(error, 'environmentIds')?.join(' ')}</p> : null}
        </fieldset>
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <input type="checkbox" name="visibleBuild" /> Visible at build time too (only if a build hook calls the CLI)
        </label>
        <div aria-live="polite" className="space-y-2">
          {unanswered.length ? (
            <Alert tone="error">
              {unanswered.length === 1
                ? `${unanswered[0]} already has an ${vendor.tokenVariable} that Keywarden did not push: tick “Replace” next to it, or leave it out.`
                : `${unanswered.join(', ')} already have an ${vendor.tokenVariable} that Keywarden did not push: tick “Replace” next to each, or leave them out.`}{' '}
              Whoever set it may rely on it. Nothing was sent.
            </Alert>
          ) : (
            <ErrorSummary error={error} />
          )}
          <Outcome outcome={outcome} />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={isPending || chosen.length === 0} aria-describedby={chosen.length === 0 ? `${ids}-why-disabled` : undefined}>
            {isPending ? 'Verifying and pushing…' : 'Verify and push'}
          </Button>
          {chosen.length === 0 ? (
            <p id={`${ids}-why-disabled`} className="text-sm text-slate-700">
              Choose at least one environment.
            </p>
          ) : null}
        </div>
      </SecretForm>
      {runId && progress.data ? <PushSteps run={progress.data} caption="Environments of this push" /> : null}
    </div>
  );
}

/**
 * A partial push resumes only with the same token pasted again (SECURITY.md R5) — except a minted
 * token's, whose value no one has: it resumes with a live token of the machine user, which mints a
 * fresh token for every environment of the push and deletes the unfinished one (issue 18.2).
 */
export function ResumePushForm({ runId, lastFour, minted = false }: { runId: string; lastFour: string; minted?: boolean }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<PushOutcome>();
  const { run, isPending, error } = useServerAction(resumePushAction);
  const progress = usePushRun(runId, isPending);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const field = form.elements.namedItem('token');
    const token = field instanceof HTMLInputElement ? field.value : '';
    const result = await run({ runId, token });
    if (field instanceof HTMLInputElement) field.value = '';
    if (result.ok) {
      setOutcome(result.data);
      router.refresh();
    }
  }

  return (
    <SecretForm onSubmit={(event) => void submit(event)} className="space-y-3" aria-label={`Resume the push of …${lastFour}`}>
      {minted ? <p className="text-sm text-slate-700">…{lastFour} was minted by Keywarden and no one has its value: paste a live token of the machine user (the one pasted for that push still works). A fresh token is minted for every environment of the push, and …{lastFour} is deleted.</p> : null}
      <TokenField label={minted ? 'A live token of the machine user' : `The same token (…${lastFour})`} errors={fieldErrorsFor(error, 'token')} />
      <div aria-live="polite" className="space-y-2">
        <ErrorSummary error={error} />
        <Outcome outcome={outcome} />
      </div>
      <Button type="submit" variant="secondary" disabled={isPending}>
        {isPending ? 'Resuming…' : 'Resume the push'}
      </Button>
      {isPending && progress.data ? <PushSteps run={progress.data} caption="Environments of this push" /> : null}
    </SecretForm>
  );
}
