import { describe, expect, it } from 'vitest';
import { ageInDays, CSV_COLUMNS, csvLinesOf, rolesOf, type InventoryMachineUser } from './inventory-shape';

const machineUser: InventoryMachineUser = {
  kind: 'machine_user',
  id: 'mu-1',
  email: 'bot@example.com',
  purpose: 'backups',
  state: 'active',
  project: { id: 'p1', title: 'Shop' },
  permissions: ['viewer', 'production:admin'],
  roles: rolesOf(['viewer', 'production:admin']),
  owner: { email: 'ann@example.com', disabled: false },
  backupOwner: null,
  tokens: [],
  openFindings: 2,
  findingRules: ['a.rule', 'b.rule'],
};

describe('inventory rows', () => {
  it('reads roles in effective terms', () => {
    expect(rolesOf(['viewer', 'production:admin'])).toEqual({ project: 'viewer', environments: { production: 'admin', staging: 'none', development: 'none' } });
    expect(rolesOf(['admin'])).toEqual({ project: 'admin', environments: { production: 'admin', staging: 'admin', development: 'admin' } });
  });

  it('counts whole days of age, never negative', () => {
    const now = new Date('2027-01-10T12:00:00Z');
    expect(ageInDays(new Date('2027-01-01T12:00:01Z'), now)).toBe(8);
    expect(ageInDays(new Date('2027-01-01T12:00:00Z'), now)).toBe(9);
    expect(ageInDays(new Date('2027-02-01T00:00:00Z'), now)).toBe(0);
  });

  it('gives a machine user one CSV line per token, or one without', () => {
    const [only, ...rest] = csvLinesOf(machineUser);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ kind: 'machine_user', machine_user_email: 'bot@example.com', production_role: 'admin', staging_role: 'none', finding_rules: 'a.rule b.rule' });
    expect(only).not.toHaveProperty('token_id');
    const token = { id: 't', name: 'cron', lastFour: 'wxyz', status: 'active' as const, createdAt: '2027-01-01T00:00:00.000Z', ageDays: 9, rotateBy: '2027-04-01T00:00:00.000Z', overdue: false, lastUsedAt: null, environments: [{ id: 'main', type: 'production' }, { id: 'staging', type: 'staging' }] };
    const lines = csvLinesOf({ ...machineUser, tokens: [token, { ...token, id: 'u', status: 'superseded' }] });
    expect(lines.map((line) => [line.token_id, line.token_status, line.token_environments, line.machine_user_email])).toEqual([
      ['t', 'active', 'main staging', 'bot@example.com'],
      ['u', 'superseded', 'main staging', 'bot@example.com'],
    ]);
    for (const line of lines) for (const key of Object.keys(line)) expect(CSV_COLUMNS).toContain(key);
  });

  it('names a project-level variable and an account in their own columns', () => {
    const [variable] = csvLinesOf({ kind: 'foreign_variable', id: 'v', name: 'env:UPSUN_CLI_TOKEN', project: { id: 'p', title: 'P' }, environmentId: null, environmentType: null, isSensitive: true, isInheritable: true, isEnabled: true, visibleBuild: false, visibleRuntime: true, updatedAt: null, openFindings: 0 });
    expect(variable).toMatchObject({ kind: 'foreign_variable', environment_type: 'project level', variable_name: 'env:UPSUN_CLI_TOKEN', variable_inheritable: true });
    const [account] = csvLinesOf({ kind: 'platform_user', project: { id: 'p', title: 'P' }, userId: 'u1', email: null, displayName: 'Al', permissions: ['admin'], roles: rolesOf(['admin']), grantedAt: null, openFindings: 1 });
    expect(account).toMatchObject({ kind: 'platform_user', platformsh_user_id: 'u1', platformsh_user_name: 'Al', permissions: 'admin', project_role: 'admin' });
  });
});
