// Every free-text field of every action and list refuses control characters with a field error
// (a NUL used to reach PostgreSQL, which refused it with an internal error: issue 21, item 6).
import { describe, expect, it } from 'vitest';
import { auditFilterSchema } from './audit';
import { projectListQuerySchema } from './inventory';
import { inviteMachineUserSchema, machineUserListQuerySchema } from './machine-users';
import { confirmConfigSchema } from './onboarding';
import { createCampaignSchema, signOffSchema } from './reviews';
import { compromiseTokenSchema, recordTokenSchema, rotateTokenSchema } from './tokens';
import { acceptInvitationSchema, firstAdminSetupSchema, inviteUserSchema, listUsersSchema } from './users';

const UUID = '3f1c2a7e-9b4d-4c1a-8e2f-5a6b7c8d9e0f';
const SECRET = 'A'.repeat(43);
const PASSWORD = 'a long enough password';
const TOKEN = 'pst_0123456789abcdefghijklmnop';

const ROLES = { project: 'viewer', environments: { production: 'viewer', staging: null, development: null } };

/** Each schema with a valid input and the path of its free-text field. */
const FIELDS = [
  ['inviteUser.name', inviteUserSchema, { email: 'a@example.com', role: 'reviewer' }, 'name'],
  ['firstAdminSetup.name', firstAdminSetupSchema, { token: SECRET, email: 'a@example.com', password: PASSWORD, confirmPassword: PASSWORD }, 'name'],
  ['acceptInvitation.name', acceptInvitationSchema, { token: SECRET, password: PASSWORD, confirmPassword: PASSWORD }, 'name'],
  ['listUsers.query', listUsersSchema, {}, 'query'],
  ['confirmConfig.note', confirmConfigSchema, { projectId: 'proj-a' }, 'note'],
  [
    'recordToken.name',
    recordTokenSchema,
    { machineUserId: UUID, runId: UUID, token: TOKEN, environmentIds: ['main'] },
    'name',
  ],
  ['rotateToken.name', rotateTokenSchema, { oldTokenId: UUID, runId: UUID, token: TOKEN }, 'name'],
  ['compromiseToken.reason', compromiseTokenSchema, { tokenId: UUID }, 'reason'],
  ['auditFilter.actor', auditFilterSchema, {}, 'actor'],
  ['auditFilter.target', auditFilterSchema, {}, 'target'],
  ['createCampaign.name', createCampaignSchema, { dueOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10), scope: 'all' }, 'name'],
  ['signOff.note', signOffSchema, { itemId: UUID, decision: 'keep' }, 'note'],
] as const;

describe.each(FIELDS)('%s', (_label, schema, base, field) => {
  it('accepts ordinary text, accents and emoji', () => {
    const result = schema.safeParse({ ...base, [field]: 'Zoë – deploys 🚀' });
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it.each(['\u0000', 'a\u0000b', '\u001b[31m', '\u007f', '\u0085', 'two\u0008'])('refuses %j with a field error', (text) => {
    const result = schema.safeParse({ ...base, [field]: `name ${text}` });
    expect(result.success).toBe(false);
    const issues = (result.error?.issues ?? []).filter((issue) => issue.path.join('.') === field);
    expect(issues.map((issue) => issue.message)).toContain('Remove the control characters (such as NUL) from this text.');
  });
});

// What a leaked token looks like when a person pastes it: random base64url, mixed case and digits.
const PASTED_TOKEN = 'Gq3vX9_kLm2Pz8Rt-Yw4Nb7Hc1Jd6Fs5Ae0UoQ';

describe.each(FIELDS.filter(([label]) => !label.startsWith('auditFilter.')))('%s', (_label, schema, base, field) => {
  it('refuses a pasted token with a field error, and keeps long words, slugs, UUIDs and hex digests', () => {
    const result = schema.safeParse({ ...base, [field]: `found ${PASTED_TOKEN} in a gist` });
    expect(result.success).toBe(false);
    const messages = (result.error?.issues ?? []).filter((issue) => issue.path.join('.') === field).map((issue) => issue.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^This looks like a token or a key: never paste one here\./);
    for (const text of ['feature-checkout-flow-2024', UUID, 'a3f1c2a7e9b4d4c1a8e2f5a6b7c8d9e0f1a2b3c4'.slice(0, 39)]) {
      expect(schema.safeParse({ ...base, [field]: text }).error?.issues ?? [], text).toEqual([]);
    }
  });
});

describe('the audit log filters', () => {
  it('take a token-like actor or target: it matches no stored row, and the filter is recorded withheld', () => {
    expect(auditFilterSchema.safeParse({ actor: PASTED_TOKEN, target: PASTED_TOKEN }).success).toBe(true);
  });
});

describe('the override reason of a machine-user invitation', () => {
  const base = {
    projectId: 'proj-a',
    purpose: 'backup',
    email: 'bots+backup@example.com',
    roles: ROLES,
    needsSshKey: false,
    ownerId: UUID,
  };
  it('refuses a NUL on its own field', () => {
    const result = inviteMachineUserSchema.safeParse({ ...base, overrideReason: 'because\u0000' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('overrideReason');
  });
});

describe('a multi-line note', () => {
  it('keeps its line breaks and tabs', () => {
    expect(confirmConfigSchema.parse({ projectId: 'proj-a', note: 'cron renewcert\n\tdeployed' }).note).toBe('cron renewcert\n\tdeployed');
  });
});

describe('single-line fields', () => {
  it('refuse a line break inside the text', () => {
    expect(inviteUserSchema.safeParse({ email: 'a@example.com', role: 'reviewer', name: 'Ann\nSmith' }).success).toBe(false);
  });
});

describe('list URLs never fail, they drop a search with a control character', () => {
  it.each([
    ['projects', projectListQuerySchema],
    ['machine users', machineUserListQuerySchema],
  ] as const)('%s', (_label, schema) => {
    expect(schema.parse({ q: 'a\u0000b' }).q).toBe('');
    expect(schema.parse({ q: ' backup ' }).q).toBe('backup');
  });
});
