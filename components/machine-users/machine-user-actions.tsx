'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import { useServerAction } from '@/components/ui/use-server-action';
import {
  acceptInvitationInSandboxAction,
  changeMachineUserRolesAction,
  manageInvitationAction,
  removeMachineUserAction,
} from '@/lib/actions/machine-users';
import type { StepOutcome } from '@/lib/domain/machine-users/manage';
import type { MachineUserSummary } from '@/lib/domain/machine-users/queries';
import { diffRoles, fromPermissions, type MachineRoles } from '@/lib/machine-users/roles';
import { formatDateTime } from '@/lib/utils';
import { RolesEditor, RolesSummary } from './roles-editor';

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
  const router = useRouter();
  const status = useLiveStatus(machineUser);
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
        {waiting ? `Keywarden checks the invitation every ${POLL_MS / 1000} seconds while this page is open.` : null} Last checked{' '}
        {formatDateTime(status.data?.checkedAt ?? machineUser.checkedAt)}.
      </p>
      {status.error ? <Alert tone="warning">{status.error.message}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" size="sm" onClick={() => void status.refetch()} disabled={status.isFetching}>
          {status.isFetching ? 'Checking…' : 'Check now'}
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
        The pending invitation is cancelled on Platform.sh: the link in its e-mail stops working. The machine user stays in Keywarden as
        “invitation cancelled”; you can re-send it later.
      </ConfirmDialog>
    </div>
  );
}

export function ChangeRolesControl({ machineUser }: { machineUser: Target }) {
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
          <RolesEditor value={roles} onChange={setRoles} disabled={isPending} />
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
                ? 'Applied to its access on Platform.sh at once.'
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

export function RemoveControl({ machineUser }: { machineUser: Target }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [outcome, setOutcome] = useState<StepOutcome>();
  const { run, isPending, error, reset } = useServerAction(removeMachineUserAction);
  const onPlatformsh =
    machineUser.platformshUserId && (machineUser.state === 'active' || machineUser.state === 'error')
      ? `Revoke its access to ${machineUser.project.title} on Platform.sh (the account itself stays, with no access to this project).`
      : machineUser.state === 'invited' || machineUser.state === 'expired'
        ? 'Cancel its pending invitation on Platform.sh.'
        : 'Nothing on Platform.sh: it has no access and no pending invitation.';

  async function remove() {
    const result = await run({ machineUserId: machineUser.id, confirmEmail: typed });
    if (result.ok) {
      setOutcome(result.data);
      if (result.data.outcome === 'done') setOpen(false);
      router.refresh();
    }
  }

  // Once removed, the page has no Remove button any more: what the removal did is shown here
  // instead, and focus (which was on the dialog) lands on it.
  const removedNow = machineUser.state === 'removed';
  const doneHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (removedNow && outcome) doneHeading.current?.focus();
  }, [removedNow, outcome]);
  if (removedNow) {
    if (!outcome) return null;
    return (
      <section aria-labelledby="machine-user-removed" className="mt-6 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="machine-user-removed" ref={doneHeading} tabIndex={-1} className="text-base font-semibold text-slate-900">
          Removed
        </h2>
        <div className="mt-3">
          <OutcomeMessage outcome={outcome} />
        </div>
      </section>
    );
  }

  return (
    <section className="mt-6 rounded-lg border border-red-200 bg-red-50 p-5">
      <h2 className="text-base font-semibold text-red-900">Remove</h2>
      <p className="mt-1 text-sm text-red-900">Take this machine user off the project. The record and its history stay.</p>
      <div className="mt-3 space-y-2">
        <Button
          variant="danger"
          size="sm"
          onClick={() => {
            setTyped('');
            reset();
            setOutcome(undefined);
            setOpen(true);
          }}
        >
          Remove machine user
        </Button>
        <div aria-live="polite">{open ? null : <OutcomeMessage outcome={outcome} />}</div>
        <Dialog
          open={open}
          title={`Remove ${machineUser.email}?`}
          onClose={() => setOpen(false)}
          footer={
            <>
              <Button variant="secondary" onClick={() => setOpen(false)} disabled={isPending} autoFocus>
                Keep it
              </Button>
              <Button variant="danger" onClick={() => void remove()} disabled={isPending || typed.trim().toLowerCase() !== machineUser.email}>
                {isPending ? 'Removing…' : 'Remove machine user'}
              </Button>
            </>
          }
        >
          <div className="space-y-3">
            <p>This will:</p>
            <ul className="list-disc pl-5">
              <li>{onPlatformsh}</li>
              <li>Keep its record in Keywarden as “removed”, with its history and audit trail.</li>
              <li>Leave its env:PLATFORMSH_CLI_TOKEN variables on the environments; without its access, its token can no longer act on this project.</li>
            </ul>
            <TextField
              label={`Type ${machineUser.email} to confirm`}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              errors={fieldErrorsFor(error, 'confirmEmail')}
            />
            <div aria-live="polite" className="space-y-2">
              <OutcomeMessage outcome={outcome} />
              <ErrorSummary error={error} />
            </div>
          </div>
        </Dialog>
      </div>
    </section>
  );
}
