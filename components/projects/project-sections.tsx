import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import type { ProjectDetail } from '@/lib/domain/inventory/projects';
import { describePermissions } from '@/lib/machine-users/roles';
import { formatDateTime } from '@/lib/utils';

const cell = 'px-3 py-3 text-sm text-slate-800';
// An environment's type is a fact, not a problem: only production stands out (changes there matter most).
const TYPE_TONES = { production: 'indigo', staging: 'neutral', development: 'neutral' } as const;

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <section className="mt-8">
      <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
      {description ? <p className="mt-1 max-w-prose text-sm text-slate-700">{description}</p> : null}
      <div className="mt-3">{children}</div>
    </section>
  );
}

export function EnvironmentsSection({ project }: { project: ProjectDetail }) {
  return (
    <Section title={`Environments (${project.environmentList.length})`}>
      {project.environmentList.length === 0 ? (
        <EmptyState title="No environments">The last sync found no environment in this project.</EmptyState>
      ) : (
        <DataTable label="Environments table" caption={`Environments of ${project.title}`} columns={['Environment', 'Type', 'Status', 'Parent', 'Variables read']}>
          {project.environmentList.map((environment) => (
            <tr key={environment.id}>
              <td className={cell}>
                <span className="font-medium">{environment.title}</span> <span className="font-mono text-xs text-slate-600">{environment.id}</span>
                {environment.isMain ? (
                  <span className="ml-2">
                    <Badge tone="indigo">Main</Badge>
                  </span>
                ) : null}
              </td>
              <td className={cell}>
                <Badge tone={TYPE_TONES[environment.type]}>{environment.type}</Badge>
              </td>
              <td className={cell}>{environment.status}</td>
              <td className={cell}>{environment.parent ?? '—'}</td>
              <td className={cell}>{formatDateTime(environment.variablesReadAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Section>
  );
}

type TokenVariable = ProjectDetail['tokenVariables'][number];

/** What a reviewer should notice about a token variable's flags (SECURITY.md: sensitive, not inherited). */
function concernsOf(variable: TokenVariable): string[] {
  const concerns: string[] = [];
  if (!variable.isSensitive) concerns.push('not sensitive: its value can be read back');
  if (variable.environmentId === null) concerns.push('set at project level: it reaches every environment');
  else if (variable.isInheritable && !variable.inherited) concerns.push('inheritable: child environments receive it');
  return concerns;
}

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

export function TokenVariablesSection({ project }: { project: ProjectDetail }) {
  return (
    <Section
      title={`${project.tokenVariableName} variables`}
      description="Where the CLI token is set, as last synced. Only the flags are shown: Keywarden never reads or keeps a token's value."
    >
      {project.tokenVariables.length === 0 ? (
        <EmptyState title="No CLI token is set in this project">No environment has {project.tokenVariableName}, and neither has the project.</EmptyState>
      ) : (
        <DataTable
          label="Token variables table"
          caption={`${project.tokenVariableName} variables of ${project.title}`}
          columns={['Where', 'Belongs to', 'Sensitive', 'Inheritable', 'Enabled', 'Build', 'Runtime', 'Last changed', 'Notes']}
        >
          {project.tokenVariables.map((variable) => {
            const concerns = concernsOf(variable);
            return (
              <tr key={variable.id}>
                <td className={cell}>
                  {variable.environmentId === null ? 'Project level' : <span className="font-mono">{variable.environmentId}</span>}
                  {variable.inherited ? <span className="ml-2 text-xs text-slate-600">(inherited)</span> : null}
                  {variable.name !== project.tokenVariableName ? <div className="font-mono text-xs text-amber-900">{variable.name}</div> : null}
                </td>
                <td className={cell}>
                  {variable.heldBy ? (
                    <Link href={`/machine-users/${variable.heldBy.machineUserId}`} className="text-indigo-800 underline">
                      {variable.heldBy.email} · {variable.heldBy.tokenName} …{variable.heldBy.lastFour}
                    </Link>
                  ) : variable.inherited ? (
                    <span className="text-slate-700">the environment it comes from</span>
                  ) : (
                    <span className="text-slate-700">not Keywarden’s</span>
                  )}
                </td>
                <td className={cell}>{yesNo(variable.isSensitive)}</td>
                <td className={cell}>{yesNo(variable.isInheritable)}</td>
                <td className={cell}>{yesNo(variable.isEnabled)}</td>
                <td className={cell}>{yesNo(variable.visibleBuild)}</td>
                <td className={cell}>{yesNo(variable.visibleRuntime)}</td>
                <td className={cell}>{formatDateTime(variable.updatedAt)}</td>
                <td className={cell}>
                  {concerns.length === 0 ? '—' : (
                    <ul className="list-disc pl-4 text-amber-950">
                      {concerns.map((concern) => (
                        <li key={concern}>{concern}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </Section>
  );
}

export function UserAccessSection({ project, productName }: { project: ProjectDetail; productName: string }) {
  return (
    <Section title={`Users with access (${project.userAccess.length})`} description={`${productName} accounts that can reach this project, with their roles.`}>
      {project.userAccess.length === 0 ? (
        <EmptyState title="Nobody has access">The last sync found no user on this project.</EmptyState>
      ) : (
        <DataTable label="Users with access table" caption={`Users with access to ${project.title}`} columns={[`${productName} user`, 'Roles', 'Granted']}>
          {project.userAccess.map((grant) => (
            <tr key={grant.userId}>
              <td className={cell}>
                {grant.knownAs?.kind === 'machine_user' ? (
                  <>
                    <Link href={`/machine-users/${grant.knownAs.id}`} className="font-medium text-indigo-800 underline">
                      {grant.knownAs.email}
                    </Link>{' '}
                    <Badge tone="indigo">Keywarden machine user</Badge>
                  </>
                ) : grant.knownAs?.kind === 'dashboard' ? (
                  <span>
                    {grant.knownAs.email} <Badge tone="indigo">Keywarden’s dashboard account</Badge>
                  </span>
                ) : grant.account?.email ? (
                  <span>
                    {grant.account.displayName ? <span className="font-medium">{grant.account.displayName}</span> : null} {grant.account.email}
                  </span>
                ) : (
                  <span className="text-slate-700">An account {productName} does not describe</span>
                )}
                <div className="font-mono text-xs text-slate-600">{grant.userId}</div>
              </td>
              <td className={cell}>{describePermissions(grant.permissions)}</td>
              <td className={cell}>{formatDateTime(grant.grantedAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Section>
  );
}

export function MachineUsersSection({ project, canOnboard }: { project: ProjectDetail; canOnboard: boolean }) {
  return (
    <Section title={`Machine users (${project.machineUserList.length})`} description="The accounts Keywarden onboarded for this project, one per purpose.">
      {project.machineUserList.length === 0 ? (
        <EmptyState
          title="No machine user yet"
          action={
            canOnboard ? (
              <Link href={`/machine-users/new?project=${project.id}`} className={buttonClasses('primary')}>
                Onboard a machine user
              </Link>
            ) : undefined
          }
        >
          Automation on this project should run as a machine user of its own, with the narrowest roles.
        </EmptyState>
      ) : (
        <ul className="space-y-1 text-sm">
          {project.machineUserList.map((machineUser) => (
            <li key={machineUser.id}>
              <Link href={`/machine-users/${machineUser.id}`} className="font-medium text-indigo-800 underline">
                {machineUser.email}
              </Link>{' '}
              — {machineUser.purpose.replaceAll('_', ' ')} ({machineUser.state})
            </li>
          ))}
          {canOnboard ? (
            <li className="pt-2">
              <Link href={`/machine-users/new?project=${project.id}`} className="text-indigo-800 underline">
                Onboard another machine user
              </Link>
            </li>
          ) : null}
        </ul>
      )}
    </Section>
  );
}
