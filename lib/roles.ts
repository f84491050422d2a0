// The dashboard's roles (SECURITY.md A2). Plain data, importable from any layer.
export const ROLES = ['admin', 'onboarder', 'reviewer'] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'Everything, on every project, including dashboard users.',
  onboarder: 'Onboards and pushes tokens for the projects assigned to them.',
  reviewer: 'Reads everything, signs off reviews and exports; changes nothing.',
};
