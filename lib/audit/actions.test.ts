// The Audit page's action list names every mutation of the role matrix (each is audited, refused or
// not), and every permission an audited action names is a real matrix row.
import { describe, expect, it } from 'vitest';
import { isAction } from '@/lib/auth/authorize';
import matrix from '@/lib/auth/role-matrix.json';
import { AUDIT_ACTIONS, permissionOf } from './actions';

describe('the known audit actions', () => {
  it('include every mutation of the role matrix', () => {
    const missing = Object.entries(matrix.actions)
      .filter(([action, row]) => row.mutation && !Object.hasOwn(AUDIT_ACTIONS, action))
      .map(([action]) => action);
    expect(missing).toEqual([]);
  });

  it('name only permissions the role matrix has', () => {
    for (const action of Object.keys(AUDIT_ACTIONS)) {
      const permission = permissionOf(action);
      if (permission !== undefined) expect(isAction(permission), `${action} → ${permission}`).toBe(true);
    }
  });
});
