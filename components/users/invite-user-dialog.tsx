'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { NeedsJavaScript } from '@/components/ui/needs-javascript';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { inviteUserAction } from '@/lib/actions/users';
import { useAssignableProjects } from './assignable-projects';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { InvitationLinkPanel } from './invitation-link-panel';
import { ProjectChecklist } from './project-checklist';
import type { Role } from '@/lib/roles';
import { RoleSelect } from './role-select';
import type { InvitationLink } from '@/lib/domain/users';
import { useServerAction } from '@/components/ui/use-server-action';

/** Least privilege until the admin chooses otherwise. */
const DEFAULT_ROLE: Role = 'reviewer';

export function InviteUserDialog() {
  const router = useRouter();
  const projects = useAssignableProjects();
  const [isOpen, setIsOpen] = useState(false);
  const [role, setRole] = useState<Role>(DEFAULT_ROLE);
  const [projectIds, setProjectIds] = useState<Set<string>>(() => new Set());
  const [invitation, setInvitation] = useState<{ email: string; link: InvitationLink }>();
  const { run, isPending, error, reset } = useServerAction(inviteUserAction);

  function open() {
    setRole(DEFAULT_ROLE);
    setProjectIds(new Set());
    setInvitation(undefined);
    reset();
    setIsOpen(true);
  }

  function close() {
    // Closing while the request runs would hide a link that is then never shown.
    if (isPending) return;
    setIsOpen(false);
    setInvitation(undefined);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '');
    const result = await run({
      email,
      name: String(form.get('name') ?? ''),
      role,
      projectIds: role === 'onboarder' ? [...projectIds] : [],
    });
    if (!result.ok) return;
    setInvitation({ email: email.trim().toLowerCase(), link: result.data });
    router.refresh();
  }

  return (
    <>
      <NeedsJavaScript notice="Inviting a user needs JavaScript: turn it on for this site, then reload this page.">
        <Button onClick={open}>Invite user</Button>
      </NeedsJavaScript>
      <Dialog open={isOpen} title="Invite a user" onClose={close}>
        {invitation ? (
          <InvitationLinkPanel email={invitation.email} invitation={invitation.link} onDone={close} />
        ) : (
          <form onSubmit={onSubmit} className="space-y-4" noValidate>
            <TextField
              label="E-mail"
              name="email"
              type="email"
              required
              autoComplete="off"
              spellCheck={false}
              errors={fieldErrorsFor(error, 'email')}
            />
            <TextField label="Name (optional)" name="name" autoComplete="off" errors={fieldErrorsFor(error, 'name')} />
            <RoleSelect
              label="Role"
              value={role}
              onChange={setRole}
              errors={fieldErrorsFor(error, 'role')}
            />
            {role === 'onboarder' ? (
              <ProjectChecklist
                legend="Projects"
                hint="The onboarder can act only in the projects ticked here. You can change this later."
                projects={projects}
                selectedIds={projectIds}
                onChange={setProjectIds}
                errors={fieldErrorsFor(error, 'projectIds')}
                disabled={isPending}
              />
            ) : null}
            <p className="text-slate-700">
              Keywarden creates an invitation link for you to pass on; it does not send e-mail.
            </p>
            <ErrorSummary error={error} />
            <div className="flex justify-end gap-2 pt-2">
              <Button variant="secondary" onClick={close} disabled={isPending}>
                Cancel
              </Button>
              <Button type="submit" disabled={isPending}>
                {isPending ? 'Creating invitation…' : 'Create invitation'}
              </Button>
            </div>
          </form>
        )}
      </Dialog>
    </>
  );
}
