'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import {
  assignProjectsAction,
  changeUserRoleAction,
  disableUserAction,
  enableUserAction,
  reissueInvitationAction,
} from '@/lib/actions/users';
import { useAssignableProjects } from './assignable-projects';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { InvitationLinkPanel } from './invitation-link-panel';
import { ProjectChecklist, type AssignableProject } from './project-checklist';
import type { Role } from '@/lib/roles';
import { RoleSelect } from './role-select';
import type { InvitationLink, UserSummary as UserRow } from '@/lib/domain/users';
import { useServerAction } from '@/components/ui/use-server-action';

export type ManagedUser = Pick<UserRow, 'id' | 'email' | 'role' | 'status' | 'projectIds'>;

type DialogKind = 'role' | 'projects' | 'disable' | 'enable' | 'invitation';

interface DialogProps {
  user: ManagedUser;
  isOpen: boolean;
  onClose: () => void;
  /** Called after a change was saved, with a sentence for screen readers. */
  onDone: (announcement: string) => void;
}

interface DialogSession {
  kind: DialogKind;
  /** The row as it was when the dialog opened: a refresh while it is open must not change what it says. */
  user: ManagedUser;
  /** A fresh key per opening gives each dialog clean state. */
  key: number;
}

/** The admin's controls for one row of the users table. Not rendered for the admin's own row. */
export function UserRowActions({ user }: { user: ManagedUser }) {
  const router = useRouter();
  const projects = useAssignableProjects();
  // The session outlives the closing, so the dialog stays mounted and the native <dialog>
  // returns focus to the button that opened it.
  const [session, setSession] = useState<DialogSession>();
  const [isOpen, setIsOpen] = useState(false);
  const [announcement, setAnnouncement] = useState('');

  function open(kind: DialogKind) {
    setSession((previous) => ({ kind, user, key: (previous?.key ?? 0) + 1 }));
    setAnnouncement('');
    setIsOpen(true);
  }
  const close = () => setIsOpen(false);
  function done(message: string) {
    setIsOpen(false);
    setAnnouncement(message);
    router.refresh();
  }
  const isDisabled = user.status === 'disabled';

  function renderDialog(current: DialogSession) {
    const props: DialogProps = { user: current.user, isOpen, onClose: close, onDone: done };
    switch (current.kind) {
      case 'role':
        return <ChangeRoleDialog key={current.key} {...props} />;
      case 'projects':
        return <AssignProjectsDialog key={current.key} projects={projects} {...props} />;
      case 'disable':
        return <DisableUserDialog key={current.key} {...props} />;
      case 'enable':
        return <EnableUserDialog key={current.key} {...props} />;
      case 'invitation':
        return <ReissueInvitationDialog key={current.key} {...props} />;
    }
  }

  return (
    <div className="flex flex-wrap gap-2">
      <NeedsJavaScript notice="Changing a user needs JavaScript: turn it on for this site, then reload this page.">
      <Button variant="secondary" size="sm" aria-label={`Change role of ${user.email}`} onClick={() => open('role')}>
        Change role
      </Button>
      {user.role === 'onboarder' ? (
        <Button variant="secondary" size="sm" aria-label={`Projects of ${user.email}`} onClick={() => open('projects')}>
          Projects
        </Button>
      ) : null}
      {user.status === 'invited' ? (
        <Button variant="secondary" size="sm" aria-label={`New invitation link for ${user.email}`} onClick={() => open('invitation')}>
          New invitation link
        </Button>
      ) : null}
      {/* One element for both states, so focus stays on it when Disable turns into Enable. */}
      <Button
        variant={isDisabled ? 'secondary' : 'danger'}
        size="sm"
        aria-label={`${isDisabled ? 'Enable' : 'Disable'} ${user.email}`}
        onClick={() => open(isDisabled ? 'enable' : 'disable')}
      >
        {isDisabled ? 'Enable' : 'Disable'}
      </Button>
      </NeedsJavaScript>
      <span role="status" className="sr-only">
        {announcement}
      </span>
      {session ? renderDialog(session) : null}
    </div>
  );
}

function describeRoleChange({ email, role: from, status }: ManagedUser, to: Role): string {
  if (from === to) return `${email} is already ${withArticle(from)}. Choose a different role.`;
  const sentences = [
    `${email} will change from ${from} to ${to}.`,
    // Only someone who can sign in has a session to end.
    status === 'active' ? 'They will be signed out of their current session.' : '',
    status === 'disabled' ? 'They stay disabled.' : '',
    from === 'onboarder' ? 'Their project assignments will be removed.' : '',
    to === 'onboarder' ? 'They will have no projects until you assign some with Projects.' : '',
  ];
  return sentences.filter(Boolean).join(' ');
}

function withArticle(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function ChangeRoleDialog({ user, isOpen, onClose, onDone }: DialogProps) {
  const [role, setRole] = useState<Role>(user.role);
  const { run, isPending, error } = useServerAction(changeUserRoleAction);
  const isUnchanged = role === user.role;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isUnchanged) return;
    const result = await run({ userId: user.id, role });
    if (result.ok) onDone(`${user.email} is now ${withArticle(result.data.role)}.`);
  }

  return (
    <Dialog open={isOpen} title={`Change role of ${user.email}`} onClose={() => !isPending && onClose()}>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <RoleSelect
          label="New role"
          value={role}
          onChange={setRole}
          errors={fieldErrorsFor(error, 'role')}
          disabled={isPending}
        />
        <p aria-live="polite" className="text-slate-800">
          {describeRoleChange(user, role)}
        </p>
        <ErrorSummary error={error} />
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose} disabled={isPending}>
            Cancel
          </Button>
          <Button type="submit" disabled={isPending || isUnchanged}>
            {isPending ? 'Changing role…' : 'Change role'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function AssignProjectsDialog({ user, projects, isOpen, onClose, onDone }: DialogProps & { projects: readonly AssignableProject[] }) {
  const [projectIds, setProjectIds] = useState<Set<string>>(() => new Set(user.projectIds));
  const { run, isPending, error } = useServerAction(assignProjectsAction);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await run({ userId: user.id, projectIds: [...projectIds] });
    if (result.ok) onDone(`${user.email} now has ${result.data.projectIds.length} assigned project${result.data.projectIds.length === 1 ? '' : 's'}.`);
  }

  return (
    <Dialog open={isOpen} title={`Projects of ${user.email}`} onClose={() => !isPending && onClose()}>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <ProjectChecklist
          legend="Assigned projects"
          hint={`${user.email} can onboard machine users and push tokens only in the projects ticked here.`}
          projects={projects}
          selectedIds={projectIds}
          onChange={setProjectIds}
          errors={fieldErrorsFor(error, 'projectIds')}
          disabled={isPending}
        />
        <ErrorSummary error={error} />
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose} disabled={isPending}>
            Cancel
          </Button>
          <Button type="submit" disabled={isPending || projects.length === 0}>
            {isPending ? 'Saving…' : 'Save projects'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function DisableUserDialog({ user, isOpen, onClose, onDone }: DialogProps) {
  const { run, isPending, error } = useServerAction(disableUserAction);
  async function confirm() {
    const result = await run({ userId: user.id });
    if (result.ok) onDone(`${user.email} is disabled.`);
  }
  return (
    <ConfirmDialog
      open={isOpen}
      title={`Disable ${user.email}?`}
      confirmLabel="Disable user"
      tone="danger"
      pending={isPending}
      onConfirm={() => void confirm()}
      onCancel={() => !isPending && onClose()}
    >
      <p>{user.email} will be signed out immediately and can no longer sign in. Their audit history is kept.</p>
      {user.status === 'invited' ? <p className="mt-2">Their pending invitation link stops working.</p> : null}
      <div className="mt-4">
        <ErrorSummary error={error} />
      </div>
    </ConfirmDialog>
  );
}

function EnableUserDialog({ user, isOpen, onClose, onDone }: DialogProps) {
  const { run, isPending, error } = useServerAction(enableUserAction);
  async function confirm() {
    const result = await run({ userId: user.id });
    if (result.ok) onDone(`${user.email} is enabled.`);
  }
  return (
    <ConfirmDialog
      open={isOpen}
      title={`Enable ${user.email}?`}
      confirmLabel="Enable user"
      pending={isPending}
      onConfirm={() => void confirm()}
      onCancel={() => !isPending && onClose()}
    >
      <p>
        {user.email} will be able to sign in again as {withArticle(user.role)}, with their existing password or single sign-on
        account. If they had not accepted their invitation, create a new invitation link for them afterwards.
      </p>
      <div className="mt-4">
        <ErrorSummary error={error} />
      </div>
    </ConfirmDialog>
  );
}

function ReissueInvitationDialog({ user, isOpen, onClose, onDone }: DialogProps) {
  const router = useRouter();
  const [invitation, setInvitation] = useState<InvitationLink>();
  const { run, isPending, error } = useServerAction(reissueInvitationAction);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await run({ userId: user.id });
    if (!result.ok) return;
    setInvitation(result.data);
    router.refresh();
  }

  // The link must stay on screen until the admin is done with it, so success does not close.
  function finish() {
    setInvitation(undefined);
    onDone(`A new invitation link for ${user.email} was created.`);
  }

  return (
    <Dialog
      open={isOpen}
      title={`New invitation link for ${user.email}`}
      onClose={() => {
        if (isPending) return;
        if (invitation) finish();
        else onClose();
      }}
    >
      {invitation ? (
        <InvitationLinkPanel email={user.email} invitation={invitation} replacesEarlierLink onDone={finish} />
      ) : (
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <p>
            Create a new invitation link for {user.email}? The previous link stops working as soon as the new one is created.
          </p>
          <ErrorSummary error={error} />
          <div className="flex justify-end gap-2 pt-2">
            <Button variant="secondary" onClick={onClose} disabled={isPending}>
              Cancel
            </Button>
            <Button type="submit" disabled={isPending}>
              {isPending ? 'Creating link…' : 'Create new link'}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
