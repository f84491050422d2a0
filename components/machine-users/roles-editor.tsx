'use client';

import { useId } from 'react';
import { Alert } from '@/components/ui/alert';
import {
  ENVIRONMENT_ROLES,
  ENVIRONMENT_TYPES,
  grantWarnings,
  summarizeRoles,
  type EnvironmentRole,
  type MachineRoles,
} from '@/lib/machine-users/roles';

const ROLE_LABELS: Record<EnvironmentRole, string> = { admin: 'Admin', contributor: 'Contributor', viewer: 'Viewer', none: 'No access' };

/** Project role and a role per environment type; a project admin's environment roles are implied. */
export function RolesEditor({ value, onChange, disabled }: { value: MachineRoles; onChange: (roles: MachineRoles) => void; disabled?: boolean }) {
  const groupId = useId();
  const isAdmin = value.projectRole === 'admin';
  return (
    <div className="space-y-4">
      <fieldset>
        <legend className="text-sm font-medium text-slate-900">Project role</legend>
        <div className="mt-2 flex flex-wrap gap-4">
          {(['viewer', 'admin'] as const).map((role) => (
            <label key={role} className="flex items-center gap-2 text-sm text-slate-800">
              <input
                type="radio"
                name={`${groupId}-project-role`}
                value={role}
                checked={value.projectRole === role}
                disabled={disabled}
                onChange={() => onChange({ ...value, projectRole: role })}
              />
              {role === 'viewer' ? 'Viewer (roles per environment type below)' : 'Admin (full control of the project)'}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className="text-sm font-medium text-slate-900">Roles per environment type</legend>
        {isAdmin ? <p className="mt-1 text-sm text-slate-700">A project admin has admin on every environment type.</p> : null}
        <div className="mt-2 grid gap-3 sm:grid-cols-3">
          {ENVIRONMENT_TYPES.map((type) => (
            <label key={type} className="block text-sm text-slate-800">
              <span className="font-medium capitalize">{type}</span>
              <select
                className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700 disabled:bg-slate-100"
                value={isAdmin ? 'admin' : value.environments[type]}
                disabled={disabled || isAdmin}
                onChange={(event) => onChange({ ...value, environments: { ...value.environments, [type]: event.target.value as EnvironmentRole } })}
              >
                {ENVIRONMENT_ROLES.map((role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                    {isAdmin && role === 'admin' ? ' (implied)' : ''}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/** The roles in plain words, and a warning for each grant above viewer. */
export function RolesSummary({ roles, needsSshKey }: { roles: MachineRoles; needsSshKey: boolean }) {
  const warnings = grantWarnings(roles);
  return (
    <div className="space-y-3">
      <div className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-800">
        <p className="font-medium">This machine user:</p>
        <ul className="mt-1 list-disc pl-5">
          {summarizeRoles(roles, needsSshKey).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>
      {warnings.length > 0 ? (
        <Alert tone="warning" title={`${warnings.length === 1 ? 'One grant' : `${warnings.length} grants`} above viewer`}>
          <ul className="list-disc pl-5">
            {warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
    </div>
  );
}
