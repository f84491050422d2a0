// Machine-user roles, in Platform.sh's model (CONTRACT.md "Permissions"): a project role (admin or
// viewer) and, for a viewer, a role per environment type. Pure logic shared by the onboarding
// wizard (live preview in the browser) and the domain (the real check): presets per purpose, the
// conversion to and from the API's permission strings, a plain-language summary, warnings for every
// grant above viewer, and the difference between two role sets.
import { z } from 'zod';

export const ENVIRONMENT_TYPES = ['production', 'staging', 'development'] as const;
export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];
export const ENVIRONMENT_ROLES = ['admin', 'contributor', 'viewer', 'none'] as const;
export type EnvironmentRole = (typeof ENVIRONMENT_ROLES)[number];
export const PROJECT_ROLES = ['admin', 'viewer'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export const PURPOSES = ['backups', 'ci_tests', 'source_operations', 'certificate_renewal', 'custom'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** One of the API's permission strings (`ProjectPermissions`). */
export type Permission = ProjectRole | `${EnvironmentType}:${Exclude<EnvironmentRole, 'none'>}`;

export interface MachineRoles {
  projectRole: ProjectRole;
  /** Ignored for a project admin, who has admin on every environment type. */
  environments: Record<EnvironmentType, EnvironmentRole>;
}

export const machineRolesSchema = z.strictObject({
  projectRole: z.enum(PROJECT_ROLES, { error: 'Choose admin or viewer.' }),
  environments: z.strictObject({
    production: z.enum(ENVIRONMENT_ROLES),
    staging: z.enum(ENVIRONMENT_ROLES),
    development: z.enum(ENVIRONMENT_ROLES),
  }),
});

export interface Preset {
  purpose: Purpose;
  label: string;
  /** What the machine user is for, and why these roles (from the Platform.sh documentation). */
  description: string;
  roles: MachineRoles;
  needsSshKey: boolean;
  /** Environment types its token goes to by default (the tokens issue pushes there). */
  tokenEnvironmentTypes: EnvironmentType[];
  /** Whether the token must be visible at build time (the CLI runs in a build hook). */
  tokenVisibleAtBuild: boolean;
  /** Slug used in suggested e-mail addresses. */
  slug: string;
}

const none = { production: 'none', staging: 'none', development: 'none' } as const;

export const PRESETS: Record<Purpose, Preset> = {
  backups: {
    purpose: 'backups',
    label: 'Backups',
    description: 'Takes backups of production from a cron job. Backups need the admin role on production; no SSH key.',
    roles: { projectRole: 'viewer', environments: { ...none, production: 'admin' } },
    needsSshKey: false,
    tokenEnvironmentTypes: ['production'],
    tokenVisibleAtBuild: false,
    slug: 'backups',
  },
  ci_tests: {
    purpose: 'ci_tests',
    label: 'CI tests',
    description: 'Checks out code on a CI server to run tests. Viewer everywhere and an SSH key; no write role anywhere.',
    roles: { projectRole: 'viewer', environments: { production: 'viewer', staging: 'viewer', development: 'viewer' } },
    needsSshKey: true,
    tokenEnvironmentTypes: [],
    tokenVisibleAtBuild: false,
    slug: 'ci',
  },
  source_operations: {
    purpose: 'source_operations',
    label: 'Source operations',
    description: 'Triggers source operations (e.g. dependency updates) from a cron job. Contributor on the environment types where they run: development by default.',
    roles: { projectRole: 'viewer', environments: { ...none, development: 'contributor' } },
    needsSshKey: false,
    tokenEnvironmentTypes: ['development'],
    tokenVisibleAtBuild: false,
    slug: 'source-ops',
  },
  certificate_renewal: {
    purpose: 'certificate_renewal',
    label: 'Certificate renewal',
    description: 'Redeploys production from a cron job so that its TLS certificates renew. Contributor on production (a redeploy needs it).',
    roles: { projectRole: 'viewer', environments: { ...none, production: 'contributor' } },
    needsSshKey: false,
    tokenEnvironmentTypes: ['production'],
    tokenVisibleAtBuild: false,
    slug: 'certs',
  },
  custom: {
    purpose: 'custom',
    label: 'Custom',
    description: 'Any combination. Starts at viewer on the project only; every grant above viewer is called out.',
    roles: { projectRole: 'viewer', environments: { ...none } },
    needsSshKey: false,
    tokenEnvironmentTypes: ['production'],
    tokenVisibleAtBuild: false,
    slug: 'automation',
  },
};

/** The roles in effect: a project admin has admin on every environment type. */
export function effectiveRoles(roles: MachineRoles): Record<EnvironmentType, EnvironmentRole> {
  if (roles.projectRole === 'admin') return { production: 'admin', staging: 'admin', development: 'admin' };
  return roles.environments;
}

/** The API's permission strings (`["viewer", "production:admin"]`). */
export function toPermissions(roles: MachineRoles): Permission[] {
  if (roles.projectRole === 'admin') return ['admin'];
  return [
    'viewer',
    ...ENVIRONMENT_TYPES.flatMap((type): Permission[] => {
      const role = roles.environments[type];
      return role === 'none' ? [] : [`${type}:${role}`];
    }),
  ];
}

/** The invitation body's shape for the same roles (CONTRACT.md). */
export function toInvitationRoles(roles: MachineRoles): { role: ProjectRole; permissions: { type: EnvironmentType; role: Exclude<EnvironmentRole, 'none'> }[] } {
  if (roles.projectRole === 'admin') return { role: 'admin', permissions: [] };
  const permissions = ENVIRONMENT_TYPES.flatMap((type) => {
    const role = roles.environments[type];
    return role === 'none' ? [] : [{ type, role }];
  });
  return { role: 'viewer', permissions };
}

/** Reads the API's permission strings back; unknown strings are ignored. */
export function fromPermissions(permissions: readonly string[]): MachineRoles {
  if (permissions.includes('admin')) return { projectRole: 'admin', environments: { production: 'admin', staging: 'admin', development: 'admin' } };
  const environments: Record<EnvironmentType, EnvironmentRole> = { ...none };
  for (const permission of permissions) {
    const [type, role] = permission.split(':');
    if ((ENVIRONMENT_TYPES as readonly string[]).includes(type ?? '') && (ENVIRONMENT_ROLES as readonly string[]).includes(role ?? '')) {
      environments[type as EnvironmentType] = role as EnvironmentRole;
    }
  }
  return { projectRole: 'viewer', environments };
}

const CAN: Record<Exclude<EnvironmentRole, 'none'>, string> = {
  admin: 'can change settings and variables, create backups and redeploy',
  contributor: 'can push code, run source operations and redeploy',
  viewer: 'can read code, logs and settings',
};

/**
 * A plain-language summary, e.g. ["can change settings and variables, create backups and redeploy
 * on production", "cannot reach staging or development", "cannot SSH"].
 */
export function summarizeRoles(roles: MachineRoles, needsSshKey: boolean): string[] {
  const effective = effectiveRoles(roles);
  const lines: string[] = [];
  if (roles.projectRole === 'admin') lines.push('is a project admin: can manage users, settings and every environment');
  for (const role of ['admin', 'contributor', 'viewer'] as const) {
    const types = ENVIRONMENT_TYPES.filter((type) => effective[type] === role);
    if (types.length && roles.projectRole !== 'admin') lines.push(`${CAN[role]} on ${joinWords(types)}`);
  }
  const unreachable = ENVIRONMENT_TYPES.filter((type) => effective[type] === 'none');
  if (unreachable.length) lines.push(`cannot reach ${joinWords(unreachable, 'or')}`);
  const writes = ENVIRONMENT_TYPES.some((type) => effective[type] === 'admin' || effective[type] === 'contributor');
  if (!writes) lines.push('cannot change anything');
  lines.push(needsSshKey ? 'uses an SSH key (to check out code)' : 'cannot SSH (no key)');
  return lines;
}

/** One warning per grant above viewer (the Custom preset shows them; every preset may). */
export function grantWarnings(roles: MachineRoles): string[] {
  if (roles.projectRole === 'admin') return ['Project admin: full control of the project, its users and every environment. Prefer viewer with per-environment roles.'];
  return ENVIRONMENT_TYPES.flatMap((type) => {
    const role = roles.environments[type];
    if (role === 'admin') return [`Admin on ${type}: ${CAN.admin} there.`];
    if (role === 'contributor') return [`Contributor on ${type}: ${CAN.contributor} there.`];
    return [];
  });
}

/** Whether two permission lists grant the same, in any order. */
export function samePermissions(a: readonly string[], b: readonly string[]): boolean {
  return [...a].sort().join(',') === [...b].sort().join(',');
}

/**
 * The order of permission strings in a sentence: the project role first, then the environment
 * types as everywhere in the app (production, staging, development).
 */
export function comparePermissions(a: string, b: string): number {
  const rank = (permission: string) => {
    if (!permission.includes(':')) return -1;
    const type = (ENVIRONMENT_TYPES as readonly string[]).indexOf(permission.split(':')[0] ?? '');
    return type === -1 ? ENVIRONMENT_TYPES.length : type;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** Permission strings in words: "Project viewer; production: admin", or the admin's implied roles. */
export function describePermissions(permissions: readonly string[]): string {
  if (permissions.includes('admin')) return 'Project admin (admin on every environment type)';
  const perType = permissions
    .filter((permission) => permission.includes(':'))
    .sort(comparePermissions)
    .map((permission) => permission.replace(':', ': '));
  const base = permissions.includes('viewer') ? 'Project viewer' : 'No project role';
  return perType.length ? `${base}; ${perType.join(', ')}` : base;
}

export interface RoleChange {
  scope: 'project' | EnvironmentType;
  from: string;
  to: string;
}

/** What changes from `current` to `next`, per scope, in effective terms ("production: viewer → admin"). */
export function diffRoles(current: MachineRoles, next: MachineRoles): RoleChange[] {
  const changes: RoleChange[] = [];
  if (current.projectRole !== next.projectRole) changes.push({ scope: 'project', from: current.projectRole, to: next.projectRole });
  const before = effectiveRoles(current);
  const after = effectiveRoles(next);
  for (const type of ENVIRONMENT_TYPES) {
    if (before[type] !== after[type]) changes.push({ scope: type, from: before[type], to: after[type] });
  }
  return changes;
}

function joinWords(words: readonly string[], last = 'and'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1]}`;
}
