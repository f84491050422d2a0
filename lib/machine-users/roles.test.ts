// The purpose presets and the role conversions, summaries, warnings and diffs (issue 4).
import { describe, expect, it } from 'vitest';
import {
  describePermissions,
  diffRoles,
  effectiveRoles,
  ENVIRONMENT_ROLES,
  ENVIRONMENT_TYPES,
  fromPermissions,
  grantWarnings,
  machineRolesSchema,
  PRESETS,
  PURPOSES,
  summarizeRoles,
  toInvitationRoles,
  toPermissions,
  type EnvironmentRole,
  type MachineRoles,
} from './roles';

const roles = (projectRole: 'admin' | 'viewer', production: EnvironmentRole, staging: EnvironmentRole, development: EnvironmentRole): MachineRoles => ({
  projectRole,
  environments: { production, staging, development },
});

/** Every viewer combination (4^3) and the admin role. */
const ALL_ROLES: MachineRoles[] = [
  roles('admin', 'none', 'none', 'none'),
  ...ENVIRONMENT_ROLES.flatMap((production) => ENVIRONMENT_ROLES.flatMap((staging) => ENVIRONMENT_ROLES.map((development) => roles('viewer', production, staging, development)))),
];

describe('the purpose presets', () => {
  it('has one preset per purpose, each valid roles', () => {
    expect(Object.keys(PRESETS).sort()).toEqual([...PURPOSES].sort());
    for (const purpose of PURPOSES) {
      expect(PRESETS[purpose].purpose).toBe(purpose);
      expect(machineRolesSchema.safeParse(PRESETS[purpose].roles).success, purpose).toBe(true);
    }
  });

  it('backups: admin on production only, no SSH key', () => {
    const preset = PRESETS.backups;
    expect(toPermissions(preset.roles)).toEqual(['viewer', 'production:admin']);
    expect(toInvitationRoles(preset.roles)).toEqual({ role: 'viewer', permissions: [{ type: 'production', role: 'admin' }] });
    expect(preset.needsSshKey).toBe(false);
  });

  it('CI tests: viewer everywhere with an SSH key and no write role anywhere', () => {
    const preset = PRESETS.ci_tests;
    expect(toPermissions(preset.roles)).toEqual(['viewer', 'production:viewer', 'staging:viewer', 'development:viewer']);
    expect(toInvitationRoles(preset.roles)).toEqual({
      role: 'viewer',
      permissions: [
        { type: 'production', role: 'viewer' },
        { type: 'staging', role: 'viewer' },
        { type: 'development', role: 'viewer' },
      ],
    });
    expect(preset.needsSshKey).toBe(true);
    expect(Object.values(effectiveRoles(preset.roles)).filter((role) => role === 'admin' || role === 'contributor')).toEqual([]);
    expect(grantWarnings(preset.roles)).toEqual([]);
  });

  it('source operations: contributor on development', () => {
    const preset = PRESETS.source_operations;
    expect(toPermissions(preset.roles)).toEqual(['viewer', 'development:contributor']);
    expect(toInvitationRoles(preset.roles)).toEqual({ role: 'viewer', permissions: [{ type: 'development', role: 'contributor' }] });
    expect(preset.needsSshKey).toBe(false);
  });

  it('certificate renewal: contributor on production (a redeploy)', () => {
    const preset = PRESETS.certificate_renewal;
    expect(toPermissions(preset.roles)).toEqual(['viewer', 'production:contributor']);
    expect(toInvitationRoles(preset.roles)).toEqual({ role: 'viewer', permissions: [{ type: 'production', role: 'contributor' }] });
    expect(preset.needsSshKey).toBe(false);
  });

  it('custom: viewer on the project only', () => {
    const preset = PRESETS.custom;
    expect(toPermissions(preset.roles)).toEqual(['viewer']);
    expect(toInvitationRoles(preset.roles)).toEqual({ role: 'viewer', permissions: [] });
    expect(grantWarnings(preset.roles)).toEqual([]);
  });

  it('has distinct e-mail slugs', () => {
    const slugs = PURPOSES.map((purpose) => PRESETS[purpose].slug);
    expect(new Set(slugs).size).toBe(slugs.length);
  });
});

describe('a project admin', () => {
  const admin = roles('admin', 'none', 'viewer', 'contributor');

  it('has admin on every environment type, whatever the per-type roles say', () => {
    expect(effectiveRoles(admin)).toEqual({ production: 'admin', staging: 'admin', development: 'admin' });
    expect(effectiveRoles(roles('viewer', 'none', 'viewer', 'contributor'))).toEqual({ production: 'none', staging: 'viewer', development: 'contributor' });
  });

  it('is the single permission "admin" and an invitation without per-type roles', () => {
    expect(toPermissions(admin)).toEqual(['admin']);
    expect(toInvitationRoles(admin)).toEqual({ role: 'admin', permissions: [] });
  });

  it('reads back as admin everywhere', () => {
    expect(fromPermissions(['admin'])).toEqual(roles('admin', 'admin', 'admin', 'admin'));
    expect(fromPermissions(['viewer', 'admin', 'staging:viewer'])).toEqual(roles('admin', 'admin', 'admin', 'admin'));
  });
});

describe('the permission strings', () => {
  it('round-trip for every combination: fromPermissions(toPermissions(x)) has the same effective roles', () => {
    expect(ALL_ROLES).toHaveLength(65);
    for (const role of ALL_ROLES) {
      const back = fromPermissions(toPermissions(role));
      expect(back.projectRole).toBe(role.projectRole);
      expect(effectiveRoles(back)).toEqual(effectiveRoles(role));
      expect(diffRoles(role, back)).toEqual([]);
      expect(toPermissions(back)).toEqual(toPermissions(role));
    }
  });

  it('says permissions in words in the app\'s order of environment types, whatever the order given', () => {
    expect(describePermissions(['development:admin', 'viewer', 'production:contributor'])).toBe('Project viewer; production: contributor, development: admin');
  });

  it('lists a viewer as "viewer" first, then one string per reachable type in a fixed order', () => {
    expect(toPermissions(roles('viewer', 'contributor', 'none', 'admin'))).toEqual(['viewer', 'production:contributor', 'development:admin']);
    expect(toPermissions(roles('viewer', 'none', 'none', 'none'))).toEqual(['viewer']);
  });

  it('the invitation body carries the same roles as the permission strings', () => {
    for (const role of ALL_ROLES.filter((candidate) => candidate.projectRole === 'viewer')) {
      const invitation = toInvitationRoles(role);
      expect(['viewer', ...invitation.permissions.map((permission) => `${permission.type}:${permission.role}`)]).toEqual(toPermissions(role));
    }
  });

  it('ignores unknown strings when reading back', () => {
    expect(fromPermissions(['viewer', 'production:owner', 'preview:admin', 'nonsense', 'staging:contributor'])).toEqual(roles('viewer', 'none', 'contributor', 'none'));
    expect(fromPermissions([])).toEqual(roles('viewer', 'none', 'none', 'none'));
  });
});

describe('the plain-language summary', () => {
  it('backups', () => {
    expect(summarizeRoles(PRESETS.backups.roles, false)).toEqual([
      'can change settings and variables, create backups and redeploy on production',
      'cannot reach staging or development',
      'cannot SSH (no key)',
    ]);
  });

  it('CI tests', () => {
    expect(summarizeRoles(PRESETS.ci_tests.roles, true)).toEqual([
      'can read code, logs and settings on production, staging and development',
      'cannot change anything',
      'uses an SSH key (to check out code)',
    ]);
  });

  it('a mix of roles, in order admin → contributor → viewer', () => {
    expect(summarizeRoles(roles('viewer', 'viewer', 'admin', 'contributor'), false)).toEqual([
      'can change settings and variables, create backups and redeploy on staging',
      'can push code, run source operations and redeploy on development',
      'can read code, logs and settings on production',
      'cannot SSH (no key)',
    ]);
  });

  it('nothing reachable', () => {
    expect(summarizeRoles(PRESETS.custom.roles, false)).toEqual(['cannot reach production, staging or development', 'cannot change anything', 'cannot SSH (no key)']);
  });

  it('a project admin', () => {
    expect(summarizeRoles(roles('admin', 'none', 'none', 'none'), true)).toEqual([
      'is a project admin: can manage users, settings and every environment',
      'uses an SSH key (to check out code)',
    ]);
  });
});

describe('grant warnings', () => {
  it('one per grant above viewer, none for viewer or none', () => {
    for (const role of ALL_ROLES.filter((candidate) => candidate.projectRole === 'viewer')) {
      const above = ENVIRONMENT_TYPES.filter((type) => role.environments[type] === 'admin' || role.environments[type] === 'contributor');
      const warnings = grantWarnings(role);
      expect(warnings).toHaveLength(above.length);
      above.forEach((type, index) => expect(warnings[index]).toContain(` on ${type}:`));
    }
  });

  it('names the role and the type', () => {
    expect(grantWarnings(roles('viewer', 'admin', 'viewer', 'contributor'))).toEqual([
      'Admin on production: can change settings and variables, create backups and redeploy there.',
      'Contributor on development: can push code, run source operations and redeploy there.',
    ]);
  });

  it('a project admin gets one warning about full control', () => {
    const warnings = grantWarnings(roles('admin', 'none', 'none', 'none'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Project admin: full control/);
  });
});

describe('diffRoles', () => {
  it('nothing when equal', () => {
    expect(diffRoles(PRESETS.backups.roles, PRESETS.backups.roles)).toEqual([]);
  });

  it('current → new per environment type', () => {
    expect(diffRoles(PRESETS.backups.roles, PRESETS.ci_tests.roles)).toEqual([
      { scope: 'production', from: 'admin', to: 'viewer' },
      { scope: 'staging', from: 'none', to: 'viewer' },
      { scope: 'development', from: 'none', to: 'viewer' },
    ]);
  });

  it('viewer → admin changes the project and every type to admin, in effective terms', () => {
    expect(diffRoles(PRESETS.source_operations.roles, roles('admin', 'none', 'none', 'none'))).toEqual([
      { scope: 'project', from: 'viewer', to: 'admin' },
      { scope: 'production', from: 'none', to: 'admin' },
      { scope: 'staging', from: 'none', to: 'admin' },
      { scope: 'development', from: 'contributor', to: 'admin' },
    ]);
  });

  it('per-type roles of an admin do not count: admin → admin with different stored per-type roles is no change', () => {
    expect(diffRoles(roles('admin', 'none', 'none', 'none'), roles('admin', 'viewer', 'contributor', 'admin'))).toEqual([]);
  });

  it('admin → viewer with admin on production only', () => {
    expect(diffRoles(roles('admin', 'admin', 'admin', 'admin'), PRESETS.backups.roles)).toEqual([
      { scope: 'project', from: 'admin', to: 'viewer' },
      { scope: 'staging', from: 'admin', to: 'none' },
      { scope: 'development', from: 'admin', to: 'none' },
    ]);
  });
});
