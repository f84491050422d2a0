import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/roles';
import { authorize, isAction, isMutation, ROLES, ruleFor, type Action, type Actor } from './authorize';
import matrix from './role-matrix.json';

const RULES = ['allow', 'deny', 'assigned'];
const ACTIONS = Object.keys(matrix.actions) as Action[];
const rowOf = (action: string) => (matrix.actions as Record<string, Record<string, unknown>>)[action] ?? {};

const actorWith = (role: Role, projectIds: string[] = []): Actor => ({
  id: '00000000-0000-4000-8000-000000000001',
  email: `${role}@example.com`,
  role,
  projectIds,
});

describe('role-matrix.json', () => {
  it('lists actions', () => {
    expect(ACTIONS.length).toBeGreaterThan(0);
  });

  it.each(ACTIONS)('%s has a valid rule for each of the three roles and a mutation flag', (action) => {
    const row = rowOf(action);
    expect(Object.keys(row).sort()).toEqual([...ROLES, 'mutation'].sort());
    for (const role of ROLES) expect(RULES).toContain(row[role]);
    expect(typeof row.mutation).toBe('boolean');
  });

  it('gives admins every action (SECURITY.md A2)', () => {
    expect(ACTIONS.filter((action) => ruleFor('admin', action) !== 'allow')).toEqual([]);
  });

  it('lets reviewers change nothing but their own sign-offs, API keys, notifications, password, sessions and second factor (SECURITY.md A2, issues 15, 16, 17 and 20)', () => {
    // A reviewer's API key is itself read-only: its role is the reviewer's (lib/domain/api-keys.ts).
    // Their notifications are their own preferences and read marks (lib/domain/notifications): the user id comes from the session.
    // Their password, sessions and second factor are their own account's (lib/domain/account-password.ts, sessions.ts,
    // second-factor.ts): the user id comes from the session.
    expect(ACTIONS.filter((action) => isMutation(action) && ruleFor('reviewer', action) !== 'deny').sort()).toEqual([
      'account.change_password',
      'account.end_sessions',
      'api_key.manage',
      'campaign.sign_off',
      'notification.manage',
      'second_factor.manage',
    ]);
  });
});

describe('authorize', () => {
  it.each(ACTIONS.flatMap((action) => ROLES.map((role) => [action, role] as const)))(
    '%s for %s follows the matrix',
    (action, role) => {
      const rule = rowOf(action)[role];
      const decision = authorize(actorWith(role), action);
      // Without a resource, 'assigned' cannot be satisfied: only 'allow' allows.
      expect(decision.allowed).toBe(rule === 'allow');
    },
  );

  it('refuses a caller who is not signed in, whatever the action', () => {
    for (const action of ACTIONS) {
      expect(authorize(null, action)).toEqual({ allowed: false, reason: 'not signed in' });
      expect(authorize(undefined, action).allowed).toBe(false);
    }
  });

  it('denies by default an unknown role', () => {
    const intruder = { ...actorWith('admin'), role: 'superuser' as Role };
    for (const action of ACTIONS) expect(authorize(intruder, action).allowed).toBe(false);
  });

  it('denies by default an unknown action, and treats it as a mutation', () => {
    const unknown = 'user.delete_everything' as Action;
    expect(isAction(unknown)).toBe(false);
    expect(isMutation(unknown)).toBe(true);
    for (const role of ROLES) {
      expect(ruleFor(role, unknown)).toBe('deny');
      expect(authorize(actorWith(role), unknown).allowed).toBe(false);
    }
  });

  it('recognises the actions of the matrix only', () => {
    for (const action of ACTIONS) expect(isAction(action)).toBe(true);
    expect(isAction('toString')).toBe(false);
    expect(isAction('__proto__')).toBe(false);
  });

  it('names the role and action in a refusal', () => {
    const denied = ACTIONS.find((action) => ruleFor('reviewer', action) === 'deny');
    expect(denied).toBeDefined();
    expect(authorize(actorWith('reviewer'), denied!)).toEqual({ allowed: false, reason: `role reviewer may not ${denied}` });
  });
});

describe("authorize with an 'assigned' rule", () => {
  // No action uses 'assigned' yet; a stand-in matrix exercises the rule as authorize() reads it.
  afterEach(() => {
    vi.doUnmock('./role-matrix.json');
    vi.resetModules();
  });

  async function withScopedAction() {
    vi.resetModules();
    vi.doMock('./role-matrix.json', () => ({
      default: {
        actions: {
          'token.push': { admin: 'allow', onboarder: 'assigned', reviewer: 'deny', mutation: true },
        },
      },
    }));
    const scoped = await import('./authorize');
    return { authorize: scoped.authorize, action: 'token.push' as Action };
  }

  it('allows only on a project assigned to the actor', async () => {
    const { authorize: authorizeScoped, action } = await withScopedAction();
    const onboarder = actorWith('onboarder', ['proj-a', 'proj-b']);
    expect(authorizeScoped(onboarder, action, { projectId: 'proj-a' })).toEqual({ allowed: true });
    expect(authorizeScoped(onboarder, action, { projectId: 'proj-c' })).toEqual({
      allowed: false,
      reason: 'project proj-c is not assigned to this onboarder',
    });
  });

  it('refuses without a resource project', async () => {
    const { authorize: authorizeScoped, action } = await withScopedAction();
    const onboarder = actorWith('onboarder', ['proj-a']);
    expect(authorizeScoped(onboarder, action)).toEqual({
      allowed: false,
      reason: 'project (none) is not assigned to this onboarder',
    });
    expect(authorizeScoped(onboarder, action, {}).allowed).toBe(false);
  });

  it('leaves allow and deny untouched by the resource', async () => {
    const { authorize: authorizeScoped, action } = await withScopedAction();
    expect(authorizeScoped(actorWith('admin'), action, { projectId: 'proj-z' }).allowed).toBe(true);
    expect(authorizeScoped(actorWith('reviewer', ['proj-a']), action, { projectId: 'proj-a' }).allowed).toBe(false);
  });
});
