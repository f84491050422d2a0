'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { NeedsJavaScript, useIsHydrated } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { SecretForm } from '@/components/ui/secret-form';
import { useServerAction } from '@/components/ui/use-server-action';
import {
  acceptInvitationInSandboxAction,
  changeMachineUserRolesAction,
  manageInvitationAction,
  removeMachineUserAction,
} from '@/lib/actions/machine-users';
import type { StepOutcome } from '@/lib/domain/machine-users/manage';
import type { OffboardingPlan } from '@/lib/domain/machine-users/offboarding';
import type { MachineUserSummary } from '@/lib/domain/machine-users/queries';
import { diffRoles, fromPermissions, type MachineRoles } from '@/lib/machine-users/roles';
import { formatDateTime } from '@/lib/utils';
import { PASTED_TOKEN_MAX_LENGTH } from '@/lib/validations/limits';
import { RolesEditor, RolesSummary } from './roles-editor';
import { useVendor } from '@/components/vendor-context';

type Target = Pick<MachineUserSummary, 'id' | 'email' | 'state' | 'permissions' | 'needsSshKey' | 'project' | 'invitationExpiresAt' | 'checkedAt' | 'platformshUserId'>;

const POLL_MS = 5000;

interface StatusView {
  state: string;
  checkedAt: string | null;
}

/** Follows a pending invitation (or an access) on Platform.sh while the page is open. */
function useLiveStatus(machineUser: Target) {
  const router = useRouter();
  const watching = machineUser.state === 'invited' || machineUser.state === 'expired';
  const query = useQuery({
    queryKey: ['machine-user-status', machineUser.id],
    queryFn: async (): Promise<StatusView> => {
      const response = await fetch(`/api/machine-users/${machineUser.id}/status`, { cache: 'no-store' });
      const body = (await response.json()) as StatusView & { message?: string };
      if (!response.ok) throw new Error(body.message ?? `The status could not be read (${response.status}).`);
      return body;
    },
    refetchInterval: watching ? POLL_MS : false,
    enabled: machineUser.state !== 'removed',
  });
  const seen = query.data?.state;
  useEffect(() => {
    if (seen && seen !== machineUser.state) router.refresh();
  }, [seen, machineUser.state, router]);
  return query;
}

function OutcomeMessage({ outcome }: { outcome: StepOutcome | undefined }) {
  if (!outcome) return null;
  const tone = outcome.outcome === 'done' || outcome.outcome === 'invited' || outcome.outcome === 'linked' ? 'success' : outcome.outcome === 'unknown' ? 'warning' : 'error';
  return <Alert tone={tone}>{outcome.message}</Alert>;
}

export function InvitationControls({ machineUser, canManage, sandbox }: { machineUser: Target; canManage: boolean; sandbox: boolean }) {
  const { productName } = useVendor();
  const router = useRouter();
  const status = useLiveStatus(machineUser);
  const isHydrated = useIsHydrated();
  const manage = useServerAction(manageInvitationAction);
  const accept = useServerAction(acceptInvitationInSandboxAction);
  const [outcome, setOutcome] = useState<StepOutcome>();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const pending = manage.isPending || accept.isPending;
  const waiting = machineUser.state === 'invited' || machineUser.state === 'expired';
  const canResend = ['invited', 'expired', 'cancelled', 'error'].includes(machineUser.state);

  async function run(operation: 'resend' | 'cancel') {
    setConfirmCancel(false);
    const result = await manage.run({ machineUserId: machineUser.id, operation });
    if (result.ok) setOutcome(result.data);
    router.refresh();
  }

  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700" aria-live="polite">
        {/* The checks while the page is open are the script's: without it, only the syncs look. */}
        {waiting ? (isHydrated ? `Keywarden checks the invitation every ${POLL_MS / 1000} seconds while this page is open.` : 'Keywarden checks the invitation at every inventory sync.') : null} Last checked{' '}
        {formatDateTime(status.data?.checkedAt ?? machineUser.checkedAt)}.
      </p>
      {status.error ? <Alert tone="warning">{status.error.message}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        <NeedsJavaScript notice="Checking and managing the invitation needs JavaScript: turn it on for this site, then reload this page.">
          <Button variant="secondary" size="sm" onClick={() => void status.refetch()} disabled={status.isFetching}>
            {/* The server renders the query as fetching: without JavaScript it would say so for ever. */}
            {isHydrated && status.isFetching ? 'Checking…' : 'Check now'}
          </Button>
          {canManage && canResend ? (
            <Button variant="secondary" size="sm" onClick={() => void run('resend')} disabled={pending}>
              Re-send invitation
            </Button>
          ) : null}
          {canManage && waiting ? (
            <Button variant="secondary" size="sm" onClick={() => setConfirmCancel(true)} disabled={pending}>
              Cancel invitation
            </Button>
          ) : null}
          {canManage && sandbox && waiting ? (
            <Button
              size="sm"
              onClick={async () => {
                const result = await accept.run({ machineUserId: machineUser.id });
                if (result.ok) setOutcome({ machineUserId: machineUser.id, outcome: 'done', message: 'The simulator accepted the invitation as the machine user would.' });
                router.refresh();
              }}
              disabled={pending}
            >
              Accept as the machine user (sandbox)
            </Button>
          ) : null}
        </NeedsJavaScript>
      </div>
      <div aria-live="polite" className="space-y-2">
        <OutcomeMessage outcome={outcome} />
        <ErrorSummary error={manage.error ?? accept.error} />
      </div>
      <ConfirmDialog
        open={confirmCancel}
        title={`Cancel the invitation to ${machineUser.email}?`}
        confirmLabel="Cancel invitation"
        cancelLabel="Keep the invitation"
        tone="danger"
        pending={manage.isPending}
        onConfirm={() => void run('cancel')}
        onCancel={() => setConfirmCancel(false)}
      >
        The pending invitation is cancelled on {productName}: the link in its e-mail stops working. The machine user stays in Keywarden as
        “invitation cancelled”; you can re-send it later.
      </ConfirmDialog>
    </div>
  );
}

/** `grantLimit`: the most the person may grant this machine user (null: no limit); the server enforces it too. */
export function ChangeRolesControl({ machineUser, grantLimit, purposeLabel }: { machineUser: Target; grantLimit: MachineRoles | null; purposeLabel: string }) {
  const { productName } = useVendor();
  const router = useRouter();
  const current = fromPermissions(machineUser.permissions);
  const [open, setOpen] = useState(false);
  const [roles, setRoles] = useState<MachineRoles>(current);
  const [outcome, setOutcome] = useState<StepOutcome>();
  const { run, isPending, error, reset } = useServerAction(changeMachineUserRolesAction);
  const changes = diffRoles(current, roles);

  async function apply() {
    const result = await run({ machineUserId: machineUser.id, roles });
    if (result.ok) {
      setOutcome(result.data);
      setOpen(false);
      router.refresh();
    }
  }

  return (
    <div className="space-y-2">
      <NeedsJavaScript notice="Changing roles needs JavaScript: turn it on for this site, then reload this page.">
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            setRoles(current);
            reset();
            setOpen(true);
          }}
        >
          Change roles
        </Button>
      </NeedsJavaScript>
      <div aria-live="polite">
        <OutcomeMessage outcome={outcome} />
      </div>
      <Dialog
        open={open}
        title={`Change the roles of ${machineUser.email}`}
        onClose={() => setOpen(false)}
        footer={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={isPending}>
              Cancel
            </Button>
            <Button onClick={() => void apply()} disabled={isPending || changes.length === 0}>
              {isPending ? 'Applying…' : 'Apply new roles'}
            </Button>
          </>
        }
      >
        <div className="space-y-4">
          <RolesEditor value={roles} onChange={setRoles} disabled={isPending} ceiling={grantLimit} current={current} purposeLabel={purposeLabel} error={error} />
          <section aria-label="Preview of the change" className="rounded-md border border-slate-200 px-4 py-3">
            <h3 className="text-sm font-semibold text-slate-900">Current → new</h3>
            {changes.length === 0 ? (
              <p className="mt-1 text-sm text-slate-700">No change yet.</p>
            ) : (
              <ul className="mt-1 list-disc pl-5 text-sm text-slate-800">
                {changes.map((change) => (
                  <li key={change.scope}>
                    {change.scope === 'project' ? 'Project role' : change.scope}: {change.from} → {change.to}
                  </li>
                ))}
              </ul>
            )}
            <p className="mt-2 text-xs text-slate-600">
              {machineUser.state === 'active'
                ? `Applied to its access on ${productName} at once.`
                : 'Not accepted yet: the pending invitation is replaced by one with the new roles.'}
            </p>
          </section>
          <RolesSummary roles={roles} needsSshKey={machineUser.needsSshKey} />
          <ErrorSummary error={error} />
        </div>
      </Dialog>
    </div>
  );
}

/** What the removal takes away, in plain words (the plan, before anything is done). */
function OffboardingPlanView({ plan, revokeTokens, onRevokeTokensChange }: { plan: OffboardingPlan; revokeTokens: boolean; onRevokeTokensChange: (value: boolean) => void }) {
  const { productName } = useVendor();
  if (plan.tokens.length === 0) return <p>It has no token to revoke.</p>;
  return (
    <div className="space-y-2">
      <label className="flex items-start gap-2">
        <input type="checkbox" name="revokeTokens" checked={revokeTokens} onChange={(event) => onRevokeTokensChange(event.target.checked)} className="mt-1" />
        <span>Delete its token variables and revoke its tokens (recommended):</span>
      </label>
      <ul className="list-disc space-y-1 pl-10">
        {plan.tokens.map((token) => (
          <li key={token.id}>
            <span className="font-medium">
              {token.name} …{token.lastFour}
            </span>{' '}
            ({token.status}):{' '}
            {token.environments.length ? `delete ${token.variableNames.join(' and ')} on ${token.environments.join(', ')} (each redeploys), then ` : ''}
            {token.deletableOnPlatform
              ? `delete the token on ${productName} — with a live token of this machine user (below); without one it stays an open task.`
              : `Keywarden does not know its id on ${productName}: delete it in the machine user’s Console (an open task).`}
          </li>
        ))}
      </ul>
      {revokeTokens && plan.productionEnvironments.length ? (
        <Alert tone="warning" title={`Production (${plan.productionEnvironments.join(', ')}) will have no token`}>
          Cron jobs and hooks there that call the CLI fail until another machine user’s token is pushed.
        </Alert>
      ) : null}
      {!revokeTokens ? <Alert tone="warning">Its tokens stay active and their variables stay on the environments.</Alert> : null}
      {plan.otherProjects.length ? (
        <Alert tone="warning" title={`The same ${productName} account reaches other projects`}>
          {plan.otherProjects.map((project) => project.title).join(', ')}: its tokens work there too until they are deleted on {productName}. Give a live token to delete them.
        </Alert>
      ) : null}
    </div>
  );
}

/**
 * Remove is offboarding: the dialog shows the plan (variables to delete per token, tokens to
 * revoke, other projects the account reaches), and by default the removal takes them away. A
 * removed machine user with tokens still to delete on Platform.sh offers to finish.
 */
export function RemoveControl({ machineUser, plan }: { machineUser: Target; plan: OffboardingPlan }) {
  const { productName } = useVendor();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [revokeTokens, setRevokeTokens] = useState(true);
  const [outcome, setOutcome] = useState<StepOutcome>();
  const { run, isPending, error, reset } = useServerAction(removeMachineUserAction);
  const finishing = machineUser.state === 'removed';
  const canDeleteOnPlatform = revokeTokens && plan.tokens.some((token) => token.deletableOnPlatform);
  const onPlatformsh =
    machineUser.platformshUserId && (machineUser.state === 'active' || machineUser.state === 'error')
      ? `Revoke its access to ${machineUser.project.title} on ${productName} (the account itself stays, with no access to this project).`
      : machineUser.state === 'invited' || machineUser.state === 'expired'
        ? `Cancel its pending invitation on ${productName}.`
        : `Nothing on ${productName}: it has no access and no pending invitation.`;

  async function remove(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const field = event.currentTarget.elements.namedItem('liveToken');
    const liveToken = field instanceof HTMLInputElement ? field.value : '';
    const result = await run({ machineUserId: machineUser.id, confirmEmail: typed, revokeTokens, ...(canDeleteOnPlatform && liveToken ? { liveToken } : {}) });
    if (field instanceof HTMLInputElement) field.value = '';
    if (result.ok) {
      setOutcome(result.data);
      if (result.data.outcome === 'done') setOpen(false);
      router.refresh();
    }
  }

  // Once removed (and nothing is left to finish) the page has no Remove button any more: what the
  // removal did is shown here instead, and focus (which was on the dialog) lands on it.
  const removedNow = finishing && plan.tokens.length === 0;
  const doneHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (finishing && outcome && !open) doneHeading.current?.focus();
  }, [finishing, outcome, open]);
  if (removedNow && !outcome) return null;

  const title = finishing ? 'Finish offboarding' : 'Remove';
  return (
    <section aria-labelledby="machine-user-remove" className={`mt-6 rounded-lg border p-5 ${finishing && removedNow ? 'border-slate-200 bg-white' : 'border-red-200 bg-red-50'}`}>
      <h2 id="machine-user-remove" ref={doneHeading} tabIndex={-1} className="text-base font-semibold text-red-900">
        {removedNow ? 'Removed' : title}
      </h2>
      {removedNow ? null : (
        <p className="mt-1 text-sm text-red-900">
          {finishing
            ? `Removed, but ${plan.tokens.length === 1 ? 'a token is' : `${plan.tokens.length} tokens are`} still to revoke on ${productName}.`
            : 'Take this machine user off the project, with what it leaves behind. The record and its history stay.'}
        </p>
      )}
      <div className="mt-3 space-y-2">
        {removedNow ? null : (
          <NeedsJavaScript notice={`${finishing ? 'Finishing offboarding' : 'Removing a machine user'} needs JavaScript: turn it on for this site, then reload this page.`}>
            <Button
              variant="danger"
              size="sm"
              onClick={() => {
                setTyped('');
                setRevokeTokens(true);
                reset();
                setOutcome(undefined);
                setOpen(true);
              }}
            >
              {finishing ? 'Finish offboarding' : 'Remove machine user'}
            </Button>
          </NeedsJavaScript>
        )}
        <div aria-live="polite">{open ? null : <OutcomeMessage outcome={outcome} />}</div>
        <Dialog open={open} title={finishing ? `Finish offboarding ${machineUser.email}?` : `Remove ${machineUser.email}?`} onClose={() => setOpen(false)}>
          <SecretForm onSubmit={(event) => void remove(event)} className="space-y-3" aria-label={finishing ? 'Finish offboarding' : 'Remove machine user'}>
            <p>This will:</p>
            <ul className="list-disc space-y-1 pl-5">
              <li>
                <OffboardingPlanView plan={plan} revokeTokens={revokeTokens} onRevokeTokensChange={setRevokeTokens} />
              </li>
              {finishing ? null : (
                <>
                  <li>{onPlatformsh}</li>
                  <li>Keep its record in Keywarden as “removed”, with its history and audit trail.</li>
                </>
              )}
            </ul>
            {canDeleteOnPlatform ? (
              <TextField label="A live token of this machine user (optional)" name="liveToken" type="password" autoComplete="off" spellCheck={false} maxLength={PASTED_TOKEN_MAX_LENGTH} errors={fieldErrorsFor(error, 'liveToken')} hint="Any of its tokens that still works (one being revoked works until it is deleted). Used once, never stored." />
            ) : null}
            <TextField
              label={`Type ${machineUser.email} to confirm`}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              maxLength={254}
              errors={fieldErrorsFor(error, 'confirmEmail')}
            />
            <div aria-live="polite" className="space-y-2">
              <OutcomeMessage outcome={outcome} />
              <ErrorSummary error={error} />
            </div>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)} disabled={isPending} autoFocus>
                Keep it
              </Button>
              <Button type="submit" variant="danger" disabled={isPending || typed.trim().toLowerCase() !== machineUser.email}>
                {isPending ? 'Working…' : finishing ? 'Finish offboarding' : 'Remove machine user'}
              </Button>
            </div>
          </SecretForm>
        </Dialog>
      </div>
    </section>
  );
}
