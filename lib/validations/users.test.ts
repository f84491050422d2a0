import { describe, expect, it } from 'vitest';
import {
  acceptInvitationSchema,
  assignProjectsSchema,
  changeRoleSchema,
  firstAdminSetupSchema,
  inviteUserSchema,
  listUsersSchema,
  userRefSchema,
} from './users';

const USER_ID = '3f1c2a7e-9b4d-4c1a-8e2f-5a6b7c8d9e0f';
const TOKEN = 'A'.repeat(43);
const PASSWORD = 'a long enough password';

/** The paths of the issues a failed parse reports, joined with dots. */
function issuePaths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

describe('strict objects', () => {
  const valid = {
    inviteUser: [inviteUserSchema, { email: 'a@example.com', role: 'reviewer' }],
    changeRole: [changeRoleSchema, { userId: USER_ID, role: 'admin' }],
    assignProjects: [assignProjectsSchema, { userId: USER_ID, projectIds: ['proj-a'] }],
    userRef: [userRefSchema, { userId: USER_ID }],
    firstAdminSetup: [firstAdminSetupSchema, { token: TOKEN, email: 'a@example.com', password: PASSWORD, confirmPassword: PASSWORD }],
    acceptInvitation: [acceptInvitationSchema, { token: TOKEN, password: PASSWORD, confirmPassword: PASSWORD }],
    listUsers: [listUsersSchema, {}],
  } as const;

  it.each(Object.entries(valid))('%s accepts its fields and rejects an unknown key', (_name, [schema, input]) => {
    expect(schema.safeParse(input).success).toBe(true);
    const withExtra = schema.safeParse({ ...input, isAdmin: true });
    expect(withExtra.success).toBe(false);
    expect(JSON.stringify(withExtra.error?.issues)).toContain('isAdmin');
  });
});

describe('inviteUserSchema', () => {
  it('normalises the e-mail address to trimmed lower case', () => {
    const parsed = inviteUserSchema.parse({ email: '  Alice.Smith@Example.COM ', role: 'onboarder' });
    expect(parsed.email).toBe('alice.smith@example.com');
  });

  it('defaults the project list to empty and turns a blank name into null', () => {
    expect(inviteUserSchema.parse({ email: 'a@example.com', role: 'onboarder', name: '   ' })).toEqual({
      email: 'a@example.com',
      role: 'onboarder',
      name: null,
      projectIds: [],
    });
  });

  it('refuses an invalid e-mail, an unknown role and a malformed project id', () => {
    expect(issuePaths(inviteUserSchema.safeParse({ email: 'not-an-email', role: 'reviewer' }))).toEqual(['email']);
    expect(issuePaths(inviteUserSchema.safeParse({ email: 'a@example.com', role: 'superuser' }))).toEqual(['role']);
    expect(issuePaths(inviteUserSchema.safeParse({ email: 'a@example.com', role: 'onboarder', projectIds: ['Proj A'] }))).toEqual([
      'projectIds.0',
    ]);
    expect(issuePaths(inviteUserSchema.safeParse({ email: `${'a'.repeat(250)}@example.com`, role: 'reviewer' }))).toEqual(['email']);
  });
});

describe('password rules', () => {
  const setup = (password: string, confirmPassword = password) =>
    firstAdminSetupSchema.safeParse({ token: TOKEN, email: 'a@example.com', password, confirmPassword });

  it('accepts 12 to 256 characters', () => {
    expect(setup('x'.repeat(12)).success).toBe(true);
    expect(setup('x'.repeat(256)).success).toBe(true);
  });

  it('refuses shorter or longer passwords', () => {
    expect(issuePaths(setup('x'.repeat(11)))).toEqual(['password']);
    expect(issuePaths(setup('x'.repeat(257)))).toEqual(['password']);
  });

  it('requires the confirmation to match, reported on confirmPassword', () => {
    expect(issuePaths(setup(PASSWORD, `${PASSWORD}!`))).toEqual(['confirmPassword']);
    const invitation = acceptInvitationSchema.safeParse({ token: TOKEN, password: PASSWORD, confirmPassword: 'something else entirely' });
    expect(issuePaths(invitation)).toEqual(['confirmPassword']);
  });

  it('refuses a token of implausible length', () => {
    expect(issuePaths(acceptInvitationSchema.safeParse({ token: 'short', password: PASSWORD, confirmPassword: PASSWORD }))).toEqual([
      'token',
    ]);
  });
});

describe('other schemas', () => {
  it('requires a UUID user id', () => {
    expect(issuePaths(userRefSchema.safeParse({ userId: 'admin' }))).toEqual(['userId']);
    expect(issuePaths(changeRoleSchema.safeParse({ userId: USER_ID, role: 'owner' }))).toEqual(['role']);
  });

  it('requires a project list when assigning projects', () => {
    expect(issuePaths(assignProjectsSchema.safeParse({ userId: USER_ID }))).toEqual(['projectIds']);
    expect(assignProjectsSchema.parse({ userId: USER_ID, projectIds: [] }).projectIds).toEqual([]);
  });

  it('coerces the page number and bounds the search text', () => {
    expect(listUsersSchema.parse({ page: '3', query: '  ann ' })).toEqual({ page: 3, query: 'ann' });
    expect(issuePaths(listUsersSchema.safeParse({ page: '0' }))).toEqual(['page']);
    expect(issuePaths(listUsersSchema.safeParse({ query: 'x'.repeat(101) }))).toEqual(['query']);
  });
});
