// The dashboard's roles (SECURITY.md A2). Plain data, importable from any layer.
export const ROLES = ['admin', 'onboarder', 'reviewer'] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = { admin: 'Admin', onboarder: 'Onboarder', reviewer: 'Reviewer' };

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'Everything, on every project, including dashboard users and settings.',
  onboarder: 'Onboards machine users and pushes tokens in the projects assigned to them.',
  reviewer: 'Sees everything and signs off reviews; changes nothing.',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
