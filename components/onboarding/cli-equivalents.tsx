import { EmptyState } from '@/components/ui/empty-state';
import type { KitMachineUser } from '@/lib/domain/onboarding/kit';
import { fromPermissions, type MachineRoles } from '@/lib/machine-users/roles';
import { addUserCommandSnippet, setTokenVariableSnippet, type AddUserInput, type ProjectContext } from '@/lib/onboarding';
import { VENDOR_PROFILES } from '@/lib/vendor';
import { SnippetBlock } from './snippet-block';

/** The roles Keywarden gave, as `platform user:add` takes them. */
function addUserInput(email: string, roles: MachineRoles): AddUserInput {
  if (roles.projectRole === 'admin') return { email, projectRole: 'admin' };
  const environmentTypeRoles = Object.fromEntries(Object.entries(roles.environments).filter(([, role]) => role !== 'none'));
  return { email, projectRole: 'viewer', environmentTypeRoles };
}

/**
 * What Keywarden did for each machine user, as the CLI commands a person would type: the
 * invitation with its roles, and the token variable on each environment that holds it now. Never a
 * token value: the variable script reads the token at a silent prompt.
 */
export function CliEquivalents({ context, machineUsers, wizardLink }: { context: ProjectContext; machineUsers: KitMachineUser[]; wizardLink: React.ReactNode }) {
  if (machineUsers.length === 0) {
    return (
      <EmptyState title="Keywarden has done nothing on this project yet" action={wizardLink}>
        Once a machine user is invited, its <span className="font-mono">{VENDOR_PROFILES[context.vendor].cliBinary} user:add</span> command shows here, and once its token is
        pushed, the <span className="font-mono">{VENDOR_PROFILES[context.vendor].cliBinary} variable:create</span> commands.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-6">
      {machineUsers.map((machineUser) => (
        <section key={machineUser.id} aria-label={`CLI equivalents for ${machineUser.email}`} className="space-y-3">
          <h3 className="text-base font-semibold text-slate-900">{machineUser.email}</h3>
          <SnippetBlock title={`Invite ${machineUser.email}`} snippet={addUserCommandSnippet(context, addUserInput(machineUser.email, fromPermissions(machineUser.permissions)))} />
          {machineUser.pushed ? (
            <SnippetBlock
              title={`Set the token of ${machineUser.email}`}
              snippet={setTokenVariableSnippet(context, { environments: machineUser.pushed.environmentIds, visibleBuild: machineUser.pushed.visibleBuild })}
              description={`On ${machineUser.pushed.environmentIds.join(', ')}, as Keywarden pushed it. The script asks for the token: it is in no file.`}
            />
          ) : (
            <p className="text-sm text-slate-700">Its token is on no environment yet: Keywarden pushes it once it is recorded.</p>
          )}
        </section>
      ))}
    </div>
  );
}
