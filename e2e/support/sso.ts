// The identities of the test OpenID Connect provider, and how their groups map to roles.
import type { TestIdentity } from '@/lib/testing/oidc-provider';

export const SSO_NAME = 'Test SSO';
export const SSO_ROLE_MAP = 'kw-admins:admin,kw-review:reviewer';

export const SSO_IDENTITIES: Record<string, TestIdentity> = {
  'sso-reviewer': { email: 'sso.reviewer@example.com', name: 'Sam Sso', groups: ['kw-review', 'unrelated'] },
  'sso-admin': { email: 'sso.admin@example.com', name: 'Ada Sso', groups: ['kw-admins'] },
  // Authenticated by the provider, but in no group that grants a role.
  'sso-outsider': { email: 'sso.outsider@example.com', name: 'Otto Sso', groups: ['marketing'] },
};
