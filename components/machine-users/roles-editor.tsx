'use client';

import { useId } from 'react';
import { Alert } from '@/components/ui/alert';
import { fieldErrorsFor } from '@/components/ui/error-summary';
import type { ErrorBody } from '@/lib/errors';
import { describeCeiling, isAboveCeiling, type GrantScope } from '@/lib/machine-users/grant-limit';
import {
  ENVIRONMENT_ROLES,
  ENVIRONMENT_TYPES,
  grantWarnings,
  summarizeRoles,
  type EnvironmentRole,
  type MachineRoles,
} from '@/lib/machine-users/roles';

const ROLE_LABELS: Record<EnvironmentRole, string> = { admin: 'Admin', contributor: 'Contributor', viewer: 'Viewer', none: 'No access' };

interface RolesEditorProps {
  value: MachineRoles;
  onChange: (roles: MachineRoles) => void;
  disabled?: boolean;
  /** The most the person may grant (an onboarder under KEYWARDEN_ONBOARDER_GRANTS=preset); none: no limit. */
  ceiling?: MachineRoles | null;
  /** The machine user's roles now: what an admin granted may be kept, even above the ceiling. */
  current?: MachineRoles;
  /** For the sentence that explains the limit: the purpose's label. */
  purposeLabel?: string;
  /** The server's answer, for the field errors of each role. */
  error?: ErrorBody;
}

/**
 * Project role and a role per environment type; a project admin's environment roles are implied.
 * Roles above the person's limit are shown, marked and not selectable (the server refuses them too).
 */
export function RolesEditor({ value, onChange, disabled, ceiling, current, purposeLabel, error }: RolesEditorProps) {
  const groupId = useId();
  const limitId = useId();
  const isAdmin = value.projectRole === 'admin';
  const above = (scope: GrantScope, role: string) => (ceiling ? isAboveCeiling(scope, role, ceiling, current) : false);
  const projectErrors = fieldErrorsFor(error, 'roles.projectRole');
  return (
    <div className="space-y-4">
      {ceiling ? (
        <Alert tone="info" title="Your limit">
          <p id={limitId}>
            As an onboarder you may grant at most {describeCeiling(ceiling)}
            {purposeLabel ? ` for ${purposeLabel}` : ''}: the organisation’s policy. Roles above it are marked “above your limit”; ask an admin to grant them.
          </p>
        </Alert>
      ) : null}
      <fieldset aria-describedby={ceiling ? limitId : undefined}>
        <legend className="text-sm font-medium text-slate-900">Project role</legend>
        <div className="mt-2 flex flex-wrap gap-4">
          {(['viewer', 'admin'] as const).map((role) => (
            <label key={role} className="flex items-center gap-2 text-sm text-slate-800">
              <input
                type="radio"
                name={`${groupId}-project-role`}
                value={role}
                checked={value.projectRole === role}
                disabled={disabled || (above('projectRole', role) && value.projectRole !== role)}
                onChange={() => onChange({ ...value, projectRole: role })}
              />
              {role === 'viewer' ? 'Viewer (roles per environment type below)' : 'Admin (full control of the project)'}
              {above('projectRole', role) ? ' — above your limit' : ''}
            </label>
          ))}
        </div>
        {projectErrors ? <FieldMessages messages={projectErrors} /> : null}
      </fieldset>
      <fieldset>
        <legend className="text-sm font-medium text-slate-900">Roles per environment type</legend>
        {isAdmin ? <p className="mt-1 text-sm text-slate-700">A project admin has admin on every environment type.</p> : null}
        <div className="mt-2 grid gap-3 sm:grid-cols-3">
          {ENVIRONMENT_TYPES.map((type) => {
            const errors = fieldErrorsFor(error, `roles.environments.${type}`);
            return (
              <label key={type} className="block text-sm text-slate-800">
                <span className="font-medium capitalize">{type}</span>
                <select
                  className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700 disabled:bg-slate-100"
                  value={isAdmin ? 'admin' : value.environments[type]}
                  disabled={disabled || isAdmin}
                  aria-invalid={errors ? true : undefined}
                  onChange={(event) => onChange({ ...value, environments: { ...value.environments, [type]: event.target.value as EnvironmentRole } })}
                >
                  {ENVIRONMENT_ROLES.map((role) => (
                    <option key={role} value={role} disabled={!isAdmin && above(type, role) && value.environments[type] !== role}>
                      {ROLE_LABELS[role]}
                      {isAdmin && role === 'admin' ? ' (implied)' : ''}
                      {!isAdmin && above(type, role) ? ' — above your limit' : ''}
                    </option>
                  ))}
                </select>
                {errors ? <FieldMessages messages={errors} /> : null}
              </label>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

function FieldMessages({ messages }: { messages: string[] }) {
  return (
    <ul className="mt-1 text-sm text-red-800">
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
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
