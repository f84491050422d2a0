// Project permissions as Platform.sh spells them (CONTRACT.md "Permissions").
import { SimulatorHttpError } from './errors';

export const ENVIRONMENT_TYPES = ['production', 'staging', 'development'] as const;
export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];
export const ENVIRONMENT_ROLES = ['admin', 'contributor', 'viewer'] as const;
export type EnvironmentRole = (typeof ENVIRONMENT_ROLES)[number];

const VALID_PERMISSIONS = new Set<string>([
  'admin',
  'viewer',
  ...ENVIRONMENT_TYPES.flatMap((type) => ENVIRONMENT_ROLES.map((role) => `${type}:${role}`)),
]);

/** Refuses anything but `admin`, `viewer` and `{type}:{role}`, as the real API does (400). */
export function assertValidPermissions(permissions: unknown): string[] {
  if (!Array.isArray(permissions) || permissions.length === 0) {
    throw new SimulatorHttpError(400, 'permissions must be a non-empty array', 'problem');
  }
  for (const permission of permissions) {
    if (typeof permission !== 'string' || !VALID_PERMISSIONS.has(permission)) {
      throw new SimulatorHttpError(400, `Invalid permission: ${JSON.stringify(permission)}`, 'problem');
    }
  }
  return [...new Set(permissions as string[])];
}

/** The invitation body's `{role, permissions: [{type, role}]}` in user-access form. */
export function permissionsFromInvitation(role: 'admin' | 'viewer', environmentRoles: { type: EnvironmentType; role: EnvironmentRole }[]): string[] {
  if (role === 'admin') return ['admin'];
  return ['viewer', ...environmentRoles.map((entry) => `${entry.type}:${entry.role}`)];
}
