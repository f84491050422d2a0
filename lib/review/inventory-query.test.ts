import { describe, expect, it } from 'vitest';
import { inventoryQuerySchema } from '@/lib/validations/review-inventory';
import { inventoryParams, isInventoryFiltered, sectionsFor } from './inventory-query';

const parse = (raw: Record<string, string>) => inventoryQuerySchema.parse(raw);

describe('the Inventory URL', () => {
  it('falls back to the defaults on hand-edited values, and keeps good ones', () => {
    const query = parse({ role: 'production:root', status: 'lost', age: '1000', owner: 'not-a-uuid', sort: 'drop table', dir: 'up', page: '-3', project: 'BAD ID', q: 'a\u0000b' });
    expect(query).toMatchObject({ role: 'any', status: 'any', age: 'any', owner: '', sort: 'project', dir: 'asc', page: 1, project: '', q: '' });
    expect(parse({ role: 'staging:contributor', status: 'overdue', age: '90to180', owner: 'disabled', sort: 'rotate', dir: 'desc', page: '3', project: 'abc-1' })).toMatchObject({
      role: 'staging:contributor',
      status: 'overdue',
      age: '90to180',
      owner: 'disabled',
      sort: 'rotate',
      dir: 'desc',
      page: 3,
      project: 'abc-1',
    });
  });

  it('leaves the defaults and the pages out of the URL it builds', () => {
    expect(inventoryParams(parse({ page: '4', vpage: '2' }))).toEqual(Object.fromEntries(Object.keys(inventoryParams(parse({}))).map((key) => [key, undefined])));
    expect(inventoryParams(parse({ q: 'shop', status: 'compromised' }), { sort: 'used', dir: 'desc' })).toMatchObject({ q: 'shop', status: 'compromised', sort: 'used', dir: 'desc', role: undefined });
  });

  it('says whether anything narrows the inventory (a sort or a page does not)', () => {
    expect(isInventoryFiltered(parse({ sort: 'email', dir: 'desc', page: '2' }))).toBe(false);
    for (const [name, value] of [['q', 'x'], ['project', 'p'], ['purpose', 'backups'], ['role', 'admin'], ['status', 'none'], ['age', 'gt365'], ['owner', 'disabled'], ['finding', 'open'], ['managed', 'managed'], ['state', 'all']]) {
      expect(isInventoryFiltered(parse({ [name!]: value! })), name).toBe(true);
    }
  });

  it('hides the sections a filter cannot match', () => {
    expect(sectionsFor(parse({}))).toEqual({ machineUsers: true, variables: true, accounts: true });
    expect(sectionsFor(parse({ managed: 'managed' }))).toEqual({ machineUsers: true, variables: false, accounts: false });
    expect(sectionsFor(parse({ managed: 'unmanaged' }))).toEqual({ machineUsers: false, variables: true, accounts: true });
    // A role: accounts have roles, variables do not.
    expect(sectionsFor(parse({ role: 'production:admin' }))).toEqual({ machineUsers: true, variables: false, accounts: true });
    for (const filter of [{ purpose: 'ci_tests' }, { status: 'active' }, { age: 'lt30' }, { owner: 'disabled' }, { state: 'removed' }] as Record<string, string>[]) {
      expect(sectionsFor(parse(filter)), JSON.stringify(filter)).toEqual({ machineUsers: true, variables: false, accounts: false });
    }
    // Machine-user-only filters with "not Keywarden's": nothing can match.
    expect(sectionsFor(parse({ managed: 'unmanaged', purpose: 'backups' }))).toEqual({ machineUsers: false, variables: false, accounts: false });
    // Project, search and findings apply everywhere.
    expect(sectionsFor(parse({ project: 'p', q: 'x', finding: 'open' }))).toEqual({ machineUsers: true, variables: true, accounts: true });
  });
});
