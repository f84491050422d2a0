// What an onboarder may grant (issue 21, item 8): the ceilings per purpose and the check.
import { describe, expect, it } from 'vitest';
import { grantLimitsFor, grantsAboveLimit, isAboveCeiling, onboarderCeiling } from './grant-limit';
import { PRESETS, PURPOSES, type MachineRoles } from './roles';

const roles = (production: string, staging: string, development: string, projectRole = 'viewer') => ({ projectRole, environments: { production, staging, development } }) as MachineRoles;

describe('onboarderCeiling', () => {
  it('is each preset, with viewer at least on every environment type', () => {
    expect(onboarderCeiling('backups')).toEqual(roles('admin', 'viewer', 'viewer'));
    expect(onboarderCeiling('ci_tests')).toEqual(roles('viewer', 'viewer', 'viewer'));
    expect(onboarderCeiling('source_operations')).toEqual(roles('viewer', 'viewer', 'contributor'));
    expect(onboarderCeiling('certificate_renewal')).toEqual(roles('contributor', 'viewer', 'viewer'));
  });

  it('lets Custom write on development only', () => {
    expect(onboarderCeiling('custom')).toEqual(roles('viewer', 'viewer', 'contributor'));
  });

  it('never refuses a purpose its own preset', () => {
    for (const purpose of PURPOSES) expect(grantsAboveLimit(PRESETS[purpose].roles, onboarderCeiling(purpose), purpose), purpose).toEqual([]);
  });
});

describe('grantsAboveLimit', () => {
  it('names each environment type above the ceiling as its field', () => {
    expect(grantsAboveLimit(roles('admin', 'contributor', 'contributor'), onboarderCeiling('custom'), 'Custom').map((above) => above.field)).toEqual(['roles.environments.production', 'roles.environments.staging']);
  });

  it('refuses a project admin with one error on the project role', () => {
    expect(grantsAboveLimit(roles('admin', 'admin', 'admin', 'admin'), onboarderCeiling('backups'), 'Backups')).toEqual([{ field: 'roles.projectRole', message: expect.stringContaining('Project admin') }]);
  });

  it('lets a role an admin granted be kept, not raised', () => {
    const current = roles('admin', 'none', 'none');
    expect(grantsAboveLimit(roles('admin', 'viewer', 'none'), onboarderCeiling('custom'), 'Custom', current)).toEqual([]);
    expect(isAboveCeiling('staging', 'contributor', onboarderCeiling('custom'), current)).toBe(true);
    // A project admin (every type admin) may be lowered to per-type roles, admin kept on production.
    expect(grantsAboveLimit(roles('admin', 'none', 'none'), onboarderCeiling('custom'), 'Custom', roles('none', 'none', 'none', 'admin'))).toEqual([]);
  });
});

describe('grantLimitsFor', () => {
  it('limits an onboarder under "preset", nobody under "any", never an admin', () => {
    expect(grantLimitsFor('onboarder', 'preset')?.backups).toEqual(onboarderCeiling('backups'));
    expect(grantLimitsFor('onboarder', 'any')).toBeNull();
    expect(grantLimitsFor('admin', 'preset')).toBeNull();
  });
});
