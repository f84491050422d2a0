'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { SecretForm } from '@/components/ui/secret-form';
import { useServerAction } from '@/components/ui/use-server-action';
import { compromiseTokenAction, moveTokenVariablesAction, rotateTokenAction } from '@/lib/actions/tokens';
import type { PushOutcome } from '@/lib/domain/tokens/push';
import type { TokenRecordView } from '@/lib/domain/tokens/queries';
import type { RevocationOutcome } from '@/lib/domain/tokens/rotate';
import { COMPROMISE_REASON_MAX_LENGTH, PASTED_TOKEN_MAX_LENGTH, TOKEN_NAME_MAX_LENGTH } from '@/lib/validations/limits';
import { useVendor } from '@/components/vendor-context';
import { MintingChoice, mintChoiceOf, type MintingSetting } from './minting-choice';
import { PushSteps, usePushRun } from './push-progress';

type Token = Pick<TokenRecordView, 'id' | 'name' | 'lastFour' | 'environments' | 'variables' | 'platformshTokenId' | 'deletedOnPlatformAt' | 'status'>;

/** The names the token is held under, in words (both after an organisation moved vendor). */
const variableNames = (token: Token, environments?: readonly string[]) =>
  [...new Set(token.variables.filter((variable) => !environments || environments.includes(variable.environmentId)).map((variable) => variable.name))].sort().join(' and ');

function secretValue(form: HTMLFormElement, name: string): { value: string; clear: () => void } {
  const field = form.elements.namedItem(name);
  const input = field instanceof HTMLInputElement ? field : undefined;
  return { value: input?.value ?? '', clear: () => input && (input.value = '') };
}

/**
 * Move: the token's variables under the other vendor's name get the configured vendor's name
 * (set anew, then the old one deleted, per environment). Keywarden never kept the token, so it is
 * pasted again; a partial move is resumed like a push, with the same token.
 */
export function MoveVariablesForm({ token, onDone }: { token: Token; onDone: (message: string, tone: 'success' | 'warning') => void }) {
  const router = useRouter();
  const vendor = useVendor();
  const [runId, setRunId] = useState<string>();
  const [outcome, setOutcome] = useState<PushOutcome>();
  const { run, isPending, error } = useServerAction(moveTokenVariablesAction);
  const progress = usePushRun(runId, isPending);
  const toMove = token.variables.filter((variable) => variable.name !== vendor.tokenVariable);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const secret = secretValue(event.currentTarget, 'token');
    const id = crypto.randomUUID();
    setRunId(id);
    setOutcome(undefined);
    const result = await run({ tokenId: token.id, runId: id, token: secret.value });
    secret.clear();
    if (result.ok) {
      setOutcome(result.data);
      onDone(result.data.message, result.data.status === 'succeeded' ? 'success' : 'warning');
      router.refresh();
    }
  }

  return (
    <SecretForm onSubmit={(event) => void submit(event)} className="space-y-3" aria-label={`Move the variables of …${token.lastFour}`}>
      <p className="text-sm text-slate-700">
        The {vendor.cliBinary} CLI reads {vendor.tokenVariable}. On {toMove.map((variable) => `${variable.environmentId} (${variable.name})`).join(', ')}, Keywarden sets {vendor.tokenVariable} with
        this token, then deletes the old variable; each environment redeploys. Keywarden never stores a token: paste …{token.lastFour} again.
      </p>
      <TextField label={`API token …${token.lastFour}`} name="token" type="password" autoComplete="off" spellCheck={false} required maxLength={PASTED_TOKEN_MAX_LENGTH} errors={fieldErrorsFor(error, 'token')} />
      <div aria-live="polite" className="space-y-2">
        <ErrorSummary error={error} />
        {outcome ? <Alert tone={outcome.status === 'succeeded' ? 'success' : 'warning'}>{outcome.message}</Alert> : null}
      </div>
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Moving…' : `Move to ${vendor.tokenVariable}`}
      </Button>
      {runId && progress.data ? <PushSteps run={progress.data} caption="Environments of this move" /> : null}
    </SecretForm>
  );
}

/** Rotate: paste the new token; it replaces the old one everywhere, then the old one is deleted. */
export function RotateTokenForm({ token, consoleUrl, minting, onDone }: { token: Token; consoleUrl?: string; minting: MintingSetting; onDone: (message: string, tone: 'success' | 'warning') => void }) {
  const router = useRouter();
  const vendor = useVendor();
  const [runId, setRunId] = useState<string>();
  const [outcome, setOutcome] = useState<PushOutcome>();
  const { run, isPending, error } = useServerAction(rotateTokenAction);
  const progress = usePushRun(runId, isPending);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const secret = secretValue(event.currentTarget, 'token');
    const form = new FormData(event.currentTarget);
    const id = crypto.randomUUID();
    setRunId(id);
    setOutcome(undefined);
    const result = await run({ oldTokenId: token.id, runId: id, token: secret.value, name: String(form.get('name') ?? ''), mint: mintChoiceOf(form, minting) });
    secret.clear();
    if (result.ok) {
      setOutcome(result.data);
      onDone(result.data.message, result.data.status === 'succeeded' ? 'success' : 'warning');
      router.refresh();
    }
  }

  return (
    <SecretForm onSubmit={(event) => void submit(event)} className="space-y-3" aria-label={`Rotate …${token.lastFour}`}>
      <p className="text-sm text-slate-700">
        The new token goes to {token.environments.length ? token.environments.join(', ') : 'no environment (none holds this token)'}; then …{token.lastFour} is deleted on {vendor.productName} with the
        new token’s identity. Each environment keeps the variable’s name ({variableNames(token) || vendor.tokenVariable}).
        {consoleUrl ? (
          <>
            {' '}
            <a href={consoleUrl} target="_blank" rel="noreferrer" className="underline">
              Create the new token in the simulator’s Console
            </a>
            .
          </>
        ) : null}
      </p>
      <TextField label="New API token" name="token" type="password" autoComplete="off" spellCheck={false} required maxLength={PASTED_TOKEN_MAX_LENGTH} errors={fieldErrorsFor(error, 'token')} />
      <TextField label="Name of the new token" name="name" defaultValue={token.name} maxLength={TOKEN_NAME_MAX_LENGTH} required errors={fieldErrorsFor(error, 'name')} />
      <MintingChoice minting={minting} productName={vendor.productName} />
      <div aria-live="polite" className="space-y-2">
        <ErrorSummary error={error} />
        {outcome ? <Alert tone={outcome.status === 'succeeded' ? 'success' : 'warning'}>{outcome.message}</Alert> : null}
      </div>
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Rotating…' : `Rotate …${token.lastFour}`}
      </Button>
      {runId && progress.data ? <PushSteps run={progress.data} caption="Environments of this rotation" /> : null}
    </SecretForm>
  );
}

/**
 * Compromised: the plan, in plain words, then its execution. Once it acted, the dialog shows the
 * outcome only (the plan no longer applies); a revocation left open — the token still to delete on
 * Platform.sh — can be retried from the outcome, with a live token of the machine user.
 */
export function CompromiseControl({ token, productionEnvironments = [], onDone }: { token: Token; productionEnvironments?: readonly string[]; onDone: (message: string, tone: 'success' | 'warning') => void }) {
  const router = useRouter();
  const vendor = useVendor();
  const [open, setOpen] = useState(false);
  const [deleteVariables, setDeleteVariables] = useState(true);
  const [outcome, setOutcome] = useState<RevocationOutcome>();
  const { run, isPending, error, reset } = useServerAction(compromiseTokenAction);
  const toDeleteOnPlatform = !token.deletedOnPlatformAt;
  const isFinishing = token.status === 'compromised';
  // Production environments whose variable the plan deletes: their cron stops working (issue 14.7).
  const productionLosing = deleteVariables ? token.environments.filter((environment) => productionEnvironments.includes(environment)) : [];
  const canRetry = outcome?.status === 'partial' && toDeleteOnPlatform;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = new FormData(event.currentTarget).get('reason');
    const secret = secretValue(event.currentTarget, 'liveToken');
    const result = await run({ tokenId: token.id, deleteVariables, ...(typeof reason === 'string' && reason.trim() ? { reason } : {}), ...(secret.value ? { liveToken: secret.value } : {}) });
    secret.clear();
    if (result.ok) {
      setOutcome(result.data);
      onDone([result.data.message, ...result.data.openTasks].join(' '), result.data.status === 'done' ? 'success' : 'warning');
      router.refresh();
    }
  }

  return (
    <>
      <NeedsJavaScript notice="Marking a token compromised needs JavaScript: turn it on for this site, then reload this page.">
        <Button
          variant="danger"
          size="sm"
          onClick={() => {
            reset();
            setOutcome(undefined);
            setOpen(true);
          }}
        >
          {isFinishing ? `Finish revoking …${token.lastFour}` : `Mark …${token.lastFour} compromised`}
        </Button>
      </NeedsJavaScript>
      <Dialog open={open} title={`Revoke …${token.lastFour} as compromised?`} onClose={() => setOpen(false)}>
        <SecretForm onSubmit={(event) => void submit(event)} className="space-y-3">
          {outcome ? null : (
            <>
              <p>The plan:</p>
              <ul className="list-disc pl-5">
                {isFinishing ? null : <li>Mark the token compromised in Keywarden.</li>}
                {token.environments.length ? (
                  <li>
                    <label className="flex items-start gap-2">
                      <input type="checkbox" checked={deleteVariables} onChange={(event) => setDeleteVariables(event.target.checked)} className="mt-1" />
                      <span>
                        Delete {variableNames(token)} on {token.environments.join(', ')} (each redeploys).
                      </span>
                    </label>
                  </li>
                ) : (
                  <li>{isFinishing ? 'Its variables are already deleted: no environment holds it.' : 'No environment holds it: no variable to delete.'}</li>
                )}
                <li>
                  {toDeleteOnPlatform
                    ? token.platformshTokenId
                      ? `Delete the token on ${vendor.productName} — this needs a live token of the machine user (the compromised one works until deleted). Without one, it stays an open task.`
                      : `Keywarden does not know its id on ${vendor.productName}: delete it in the machine user’s Console (an open task).`
                    : `It is already deleted on ${vendor.productName}.`}
                </li>
              </ul>
              {productionLosing.length ? (
                <p role="note" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
                  Production will have no token: {productionLosing.join(', ')} {productionLosing.length === 1 ? 'loses its' : 'lose their'} {variableNames(token, productionLosing)}, and {productionLosing.length === 1 ? 'its cron fails' : 'their crons fail'} until a new token is pushed there.
                </p>
              ) : null}
            </>
          )}
          {outcome || isFinishing ? null : (
            <TextField
              label="Why is it compromised? (optional, kept in the audit log)"
              name="reason"
              autoComplete="off"
              maxLength={COMPROMISE_REASON_MAX_LENGTH}
              errors={fieldErrorsFor(error, 'reason')}
            />
          )}
          {toDeleteOnPlatform && token.platformshTokenId && (!outcome || canRetry) ? (
            <TextField label="A live token of this machine user (optional)" name="liveToken" type="password" autoComplete="off" spellCheck={false} maxLength={PASTED_TOKEN_MAX_LENGTH} errors={fieldErrorsFor(error, 'liveToken')} />
          ) : null}
          <div aria-live="polite" className="space-y-2">
            <ErrorSummary error={error} />
            {outcome ? (
              <Alert tone={outcome.status === 'done' ? 'success' : 'warning'} title={outcome.message}>
                {outcome.openTasks.length ? (
                  <ul className="list-disc pl-5">
                    {outcome.openTasks.map((task) => (
                      <li key={task}>{task}</li>
                    ))}
                  </ul>
                ) : null}
              </Alert>
            ) : null}
          </div>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={isPending} autoFocus>
              {outcome ? 'Close' : 'Cancel'}
            </Button>
            {!outcome || canRetry ? (
              <Button type="submit" variant="danger" disabled={isPending}>
                {isPending ? 'Revoking…' : outcome ? 'Try again' : 'Revoke as compromised'}
              </Button>
            ) : null}
          </div>
        </SecretForm>
      </Dialog>
    </>
  );
}

/**
 * The active tokens' controls. Client-side, so that an outcome stays on screen after the page
 * refreshes and its token is no longer active (a rotation supersedes it).
 *
 * The control that acted often goes with the refresh — a rotated token's form, a revoked token's
 * dialog and button — and focus would fall back to the top of the page, leaving a keyboard or
 * screen-reader user nowhere near what happened. So once nothing holds the focus (and no dialog is
 * open, whose outcome is shown inside it), it moves to the outcome beside the token.
 */
export function TokenControls({ tokens, consoleUrl, productionEnvironments, minting }: { tokens: Token[]; consoleUrl?: string; productionEnvironments?: readonly string[]; minting: MintingSetting }) {
  const vendor = useVendor();
  const [outcomes, setOutcomes] = useState<Record<string, { message: string; tone: 'success' | 'warning' }>>({});
  /** The token whose outcome should take the focus once the control that acted has gone, and the tokens shown when it acted. */
  const focusOutcomeOf = useRef<{ tokenId: string; tokens: Token[] } | undefined>(undefined);
  const outcomeRegions = useRef(new Map<string, HTMLDivElement>());
  const shown = tokens.filter((token) => token.status === 'active' || (token.status === 'compromised' && !token.deletedOnPlatformAt) || outcomes[token.id]);
  const done = (tokenId: string) => (message: string, tone: 'success' | 'warning') => {
    setOutcomes((previous) => ({ ...previous, [tokenId]: { message, tone } }));
    focusOutcomeOf.current = { tokenId, tokens };
  };
  useEffect(() => {
    const pending = focusOutcomeOf.current;
    if (!pending || document.querySelector('dialog[open]')) return;
    if (!document.activeElement || document.activeElement === document.body) {
      outcomeRegions.current.get(pending.tokenId)?.focus();
      focusOutcomeOf.current = undefined;
    } else if (pending.tokens !== tokens) {
      // The page has refreshed since, and the focus is still somewhere: nothing was lost.
      focusOutcomeOf.current = undefined;
    }
  }, [outcomes, tokens]);
  return (
    <>
      {shown.map((token) => (
        <section key={token.id} aria-label={`Token …${token.lastFour}`} className="space-y-3 rounded-md border border-slate-200 p-3">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="text-sm font-semibold text-slate-900">
              {token.name} …{token.lastFour} <span className="font-normal text-slate-600">({token.status})</span>
            </h3>
            {token.status === 'active' || (token.status === 'compromised' && !token.deletedOnPlatformAt) ? (
              <CompromiseControl token={token} productionEnvironments={productionEnvironments} onDone={done(token.id)} />
            ) : null}
          </div>
          <div
            role="group"
            aria-live="polite"
            tabIndex={-1}
            aria-label={`Outcome for …${token.lastFour}`}
            ref={(element) => {
              if (element) outcomeRegions.current.set(token.id, element);
              else outcomeRegions.current.delete(token.id);
            }}
          >
            {outcomes[token.id] ? <Alert tone={outcomes[token.id]!.tone}>{outcomes[token.id]!.message}</Alert> : null}
          </div>
          {token.status === 'active' && token.variables.some((variable) => variable.name !== vendor.tokenVariable) ? (
            <Alert tone="warning" title={`Held under another name: the ${vendor.cliBinary} CLI does not read it`}>
              <ul className="list-disc pl-5">
                {token.variables
                  .filter((variable) => variable.name !== vendor.tokenVariable)
                  .map((variable) => (
                    <li key={variable.environmentId}>
                      <span className="font-mono">{variable.environmentId}</span>: <span className="font-mono">{variable.name}</span>
                    </li>
                  ))}
              </ul>
              <details className="mt-2">
                <summary className="cursor-pointer font-medium text-indigo-800">Move to {vendor.tokenVariable}</summary>
                <div className="mt-3">
                  <MoveVariablesForm token={token} onDone={done(token.id)} />
                </div>
              </details>
            </Alert>
          ) : null}
          {token.status === 'active' ? (
            <details>
              <summary className="cursor-pointer text-sm font-medium text-indigo-800">Rotate this token</summary>
              <div className="mt-3">
                <RotateTokenForm token={token} consoleUrl={consoleUrl} minting={minting} onDone={done(token.id)} />
              </div>
            </details>
          ) : token.status === 'compromised' && !token.deletedOnPlatformAt ? (
            <p className="text-sm text-red-900">Compromised; still to delete on {vendor.productName}.</p>
          ) : null}
        </section>
      ))}
    </>
  );
}
