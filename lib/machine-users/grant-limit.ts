// What an onboarder may grant a machine user (issue 21, item 8): an organisation policy, set by
// KEYWARDEN_ONBOARDER_GRANTS. Pure logic shared by the wizard and the roles dialog (which show the
// limit and disable what is above it) and the domain (which enforces it on the server).
//
// `preset` (the default): per scope, at most what the purpose's preset grants — backups' admin on
// production included — and never less than viewer on an environment type (a read grant changes
// nothing). Anything above it is granted only by an admin. `any`: no limit beyond the role matrix.
//
// The Custom purpose has no job to justify a write role, so its limit is read-only everywhere except
// contributor on development: the smallest write any preset grants (source operations), on the
// environment type that holds no production data. A write on production or staging needs a purpose
// whose preset grants it, or an admin.
import type { Role } from '@/lib/roles';
import { effectiveRoles, ENVIRONMENT_TYPES, PRESETS, PURPOSES, type EnvironmentRole, type EnvironmentType, type MachineRoles, type ProjectRole, type Purpose } from './roles';

export const ONBOARDER_GRANT_POLICIES = ['preset', 'any'] as const;
export type OnboarderGrantPolicy = (typeof ONBOARDER_GRANT_POLICIES)[number];

const ENVIRONMENT_RANK: Record<EnvironmentRole, number> = { none: 0, viewer: 1, contributor: 2, admin: 3 };
const PROJECT_RANK: Record<ProjectRole, number> = { viewer: 0, admin: 1 };

const CUSTOM_LIMIT: MachineRoles = { projectRole: 'viewer', environments: { production: 'viewer', staging: 'viewer', development: 'contributor' } };

/** The most an onboarder may grant for `purpose` under the `preset` policy. */
export function onboarderCeiling(purpose: Purpose): MachineRoles {
  if (purpose === 'custom') return CUSTOM_LIMIT;
  const preset = PRESETS[purpose].roles;
  const atLeastViewer = (role: EnvironmentRole): EnvironmentRole => (ENVIRONMENT_RANK[role] < ENVIRONMENT_RANK.viewer ? 'viewer' : role);
  const environments = Object.fromEntries(ENVIRONMENT_TYPES.map((type) => [type, atLeastViewer(effectiveRoles(preset)[type])])) as Record<EnvironmentType, EnvironmentRole>;
  return { projectRole: preset.projectRole, environments };
}

/** The ceiling per purpose that applies to `role`, or null when nothing limits it (an admin, or the `any` policy). */
export function grantLimitsFor(role: Role, policy: OnboarderGrantPolicy): Record<Purpose, MachineRoles> | null {
  if (role === 'admin' || policy === 'any') return null;
  return Object.fromEntries(PURPOSES.map((purpose) => [purpose, onboarderCeiling(purpose)])) as Record<Purpose, MachineRoles>;
}

export type GrantScope = 'projectRole' | EnvironmentType;

/**
 * Whether granting `role` on `scope` goes beyond `ceiling`. A role the machine user already has
 * (`current`, granted by an admin) may be kept: the limit is on raising, not on what exists.
 */
export function isAboveCeiling(scope: GrantScope, role: string, ceiling: MachineRoles, current?: MachineRoles): boolean {
  if (scope === 'projectRole') {
    const rank = PROJECT_RANK[role as ProjectRole];
    return rank > PROJECT_RANK[ceiling.projectRole] && (!current || rank > PROJECT_RANK[current.projectRole]);
  }
  const rank = ENVIRONMENT_RANK[role as EnvironmentRole];
  return rank > ENVIRONMENT_RANK[ceiling.environments[scope]] && (!current || rank > ENVIRONMENT_RANK[effectiveRoles(current)[scope]]);
}

export interface GrantAboveLimit {
  /** The input field: `roles.projectRole` or `roles.environments.<type>`. */
  field: string;
  message: string;
}

/** Each grant of `roles` above `ceiling` (and not already held), as a field error for the form. */
export function grantsAboveLimit(roles: MachineRoles, ceiling: MachineRoles, purposeLabel: string, current?: MachineRoles): GrantAboveLimit[] {
  const above: GrantAboveLimit[] = [];
  if (isAboveCeiling('projectRole', roles.projectRole, ceiling, current)) {
    above.push({ field: 'roles.projectRole', message: `Project admin is above what an onboarder may grant for ${purposeLabel}; ask an admin.` });
    // A project admin's environment roles are implied: one error says it all.
    return above;
  }
  for (const type of ENVIRONMENT_TYPES) {
    const role = roles.environments[type];
    if (isAboveCeiling(type, role, ceiling, current)) {
      above.push({ field: `roles.environments.${type}`, message: `${role} on ${type} is above what an onboarder may grant for ${purposeLabel} (at most ${ceiling.environments[type]}); ask an admin.` });
    }
  }
  return above;
}

/** The limit in words, for the wizard: "at most project viewer; production: admin, staging: viewer, development: viewer". */
export function describeCeiling(ceiling: MachineRoles): string {
  return `project ${ceiling.projectRole}; ${ENVIRONMENT_TYPES.map((type) => `${type}: ${ceiling.environments[type]}`).join(', ')}`;
}
