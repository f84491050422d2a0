import { describe, expect, it } from 'vitest';
import { roleFromClaims } from './accounts';

describe('roleFromClaims', () => {
  const direct = { roleClaim: 'keywarden_role', roleMap: {} };
  const mapped = {
    roleClaim: 'groups',
    roleMap: { 'kw-admins': 'admin', 'kw-onboarders': 'onboarder', 'kw-auditors': 'reviewer' } as const,
  };

  it('returns null when no role claim is configured', () => {
    expect(roleFromClaims({ keywarden_role: 'admin', groups: ['kw-admins'] }, { roleClaim: undefined, roleMap: {} })).toBeNull();
    expect(roleFromClaims({ groups: ['kw-admins'] }, { roleClaim: undefined, roleMap: mapped.roleMap })).toBeNull();
  });

  it('reads a role name directly when there is no role map', () => {
    expect(roleFromClaims({ keywarden_role: 'admin' }, direct)).toBe('admin');
    expect(roleFromClaims({ keywarden_role: 'onboarder' }, direct)).toBe('onboarder');
    expect(roleFromClaims({ keywarden_role: 'reviewer' }, direct)).toBe('reviewer');
  });

  it('ignores values that are not role names', () => {
    expect(roleFromClaims({ keywarden_role: 'root' }, direct)).toBeNull();
    expect(roleFromClaims({ keywarden_role: 'Admin' }, direct)).toBeNull();
    expect(roleFromClaims({ keywarden_role: ['constructor', 'toString'] }, direct)).toBeNull();
    expect(roleFromClaims({ keywarden_role: 42 }, direct)).toBeNull();
    expect(roleFromClaims({}, direct)).toBeNull();
  });

  it('maps groups through the role map, and only through it', () => {
    expect(roleFromClaims({ groups: 'kw-auditors' }, mapped)).toBe('reviewer');
    expect(roleFromClaims({ groups: ['staff', 'kw-onboarders'] }, mapped)).toBe('onboarder');
    // With a map, a bare role name is just an unknown group.
    expect(roleFromClaims({ groups: ['admin'] }, mapped)).toBeNull();
    expect(roleFromClaims({ groups: ['staff', 'everyone'] }, mapped)).toBeNull();
    expect(roleFromClaims({ groups: ['__proto__', 'hasOwnProperty'] }, mapped)).toBeNull();
  });

  it('reads only the configured claim', () => {
    expect(roleFromClaims({ roles: ['kw-admins'], groups: ['kw-auditors'] }, mapped)).toBe('reviewer');
  });

  it('gives the strongest role when several match', () => {
    expect(roleFromClaims({ groups: ['kw-auditors', 'kw-onboarders', 'kw-admins'] }, mapped)).toBe('admin');
    expect(roleFromClaims({ groups: ['kw-auditors', 'kw-onboarders'] }, mapped)).toBe('onboarder');
    expect(roleFromClaims({ keywarden_role: ['reviewer', 'admin'] }, direct)).toBe('admin');
  });

  it('skips non-string entries of an array claim', () => {
    expect(roleFromClaims({ groups: [null, 7, { name: 'kw-admins' }, 'kw-auditors'] }, mapped)).toBe('reviewer');
  });
});
