'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { SecretForm } from '@/components/ui/secret-form';
import { useServerAction } from '@/components/ui/use-server-action';
import { recordTokenAction, resumePushAction } from '@/lib/actions/tokens';
import type { PushOutcome } from '@/lib/domain/tokens/push';
import { PushSteps, usePushRun } from './push-progress';

export interface PushTarget {
  id: string;
  title: string;
  type: 'production' | 'staging' | 'development';
  status: string;
}

const TYPES = ['production', 'staging', 'development'] as const;

/**
 * The token is pasted into a password field (never echoed, not autocompleted, not spell-checked),
 * sent once with the push, and cleared from the form as soon as the action answers (SECURITY.md T5).
 */
function TokenField({ label, errors }: { label: string; errors?: string[] }) {
  return <TextField label={label} name="token" type="password" autoComplete="off" spellCheck={false} autoCapitalize="off" autoCorrect="off" required errors={errors} hint="Shown once in the Platform.sh Console. Keywarden keeps only its fingerprint and last four characters." />;
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
  consoleUrl,
}: {
  machineUserId: string;
  environments: PushTarget[];
  defaultTypes: readonly string[];
  defaultRotateBy: string;
  /** Sandbox mode: the simulator's Console page where the machine user creates a token. */
  consoleUrl?: string;
}) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [runId, setRunId] = useState<string>();
  const [chosen, setChosen] = useState<string[]>(() => environments.filter((environment) => defaultTypes.includes(environment.type) && environment.status === 'active').map((environment) => environment.id));
  const [confirmReplace, setConfirmReplace] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<PushOutcome>();
  const { run, isPending, error } = useServerAction(recordTokenAction);
  const progress = usePushRun(runId, isPending);
  const needsConfirmation = error?.code === 'conflict' ? (error.fieldErrors?.confirmReplace ?? []) : [];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
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
      confirmReplace,
    });
    // The value leaves the page with the answer, whatever it is.
    const field = formRef.current?.elements.namedItem('token');
    if (field instanceof HTMLInputElement) field.value = '';
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
          A machine user creates its own token in the Platform.sh Console.{' '}
          <a href={consoleUrl} target="_blank" rel="noreferrer" className="font-medium underline">
            Open the simulator’s Console as this machine user
          </a>{' '}
          to create one, copy it, and paste it here.
        </Alert>
      ) : null}
      <SecretForm ref={formRef} onSubmit={(event) => void submit(event)} className="space-y-4">
        <TokenField label="API token" errors={fieldErrorsFor(error, 'token')} />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Name" name="name" defaultValue="Cron" maxLength={100} required hint="Where it is used, e.g. “backups cron”." errors={fieldErrorsFor(error, 'name')} />
          <TextField label="Rotate by" name="rotateBy" type="date" defaultValue={defaultRotateBy} hint="Organisation policy: 90 days." errors={fieldErrorsFor(error, 'rotateBy')} />
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">Push to these environments (as env:PLATFORMSH_CLI_TOKEN)</legend>
          <div className="mt-2 grid gap-3 sm:grid-cols-3">
            {TYPES.map((type) => (
              <div key={type}>
                <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">{type}</p>
                <ul className="mt-1 space-y-1">
                  {environments
                    .filter((environment) => environment.type === type)
                    .map((environment) => (
                      <li key={environment.id}>
                        <label className="flex items-center gap-2 text-sm text-slate-800">
                          <input type="checkbox" checked={chosen.includes(environment.id)} onChange={() => setChosen((list) => toggle(list, environment.id))} />
                          <span className="font-mono">{environment.id}</span>
                          {environment.status !== 'active' ? <span className="text-xs text-slate-600">({environment.status})</span> : null}
                        </label>
                      </li>
                    ))}
                </ul>
              </div>
            ))}
          </div>
          {fieldErrorsFor(error, 'environmentIds') ? <p className="mt-1 text-sm text-red-700">{fieldErrorsFor(error, 'environmentIds')?.join(' ')}</p> : null}
        </fieldset>
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <input type="checkbox" name="visibleBuild" /> Visible at build time too (only if a build hook calls the CLI)
        </label>
        {needsConfirmation.length > 0 ? (
          <fieldset className="rounded-md border border-amber-300 bg-amber-50 p-3">
            <legend className="px-1 text-sm font-semibold text-amber-950">Replace variables Keywarden did not push?</legend>
            <p className="text-sm text-amber-950">Whoever set them may rely on them. Tick each one that may be replaced, paste the token again, and push.</p>
            {needsConfirmation.map((environmentId) => (
              <label key={environmentId} className="mt-2 flex items-center gap-2 text-sm text-amber-950">
                <input type="checkbox" checked={confirmReplace.includes(environmentId)} onChange={() => setConfirmReplace((list) => toggle(list, environmentId))} />
                Replace the existing env:PLATFORMSH_CLI_TOKEN on <span className="font-mono">{environmentId}</span>
              </label>
            ))}
          </fieldset>
        ) : null}
        <div aria-live="polite" className="space-y-2">
          <ErrorSummary error={error} />
          <Outcome outcome={outcome} />
        </div>
        <Button type="submit" disabled={isPending || chosen.length === 0}>
          {isPending ? 'Verifying and pushing…' : 'Verify and push'}
        </Button>
      </SecretForm>
      {runId && progress.data ? <PushSteps run={progress.data} caption="Environments of this push" /> : null}
    </div>
  );
}

/** A partial push resumes only with the same token pasted again (SECURITY.md R5). */
export function ResumePushForm({ runId, lastFour }: { runId: string; lastFour: string }) {
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
      <TokenField label={`The same token (…${lastFour})`} errors={fieldErrorsFor(error, 'token')} />
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
