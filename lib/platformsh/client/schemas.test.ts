// Sample payloads in the shapes of the OpenAPI excerpt (each checked against it first, so a sample
// cannot drift from the document), then parsed and mapped to Keywarden's types.
import { describe, expect, it } from 'vitest';
import { validateAgainstOpenApi } from '../openapi/validate';
import {
  activitySchema,
  apiTokenSchema,
  currentUserSchema,
  environmentSchema,
  environmentVariableSchema,
  invitationSchema,
  projectSchema,
  projectVariableSchema,
  sshKeySchema,
  userAccessPageSchema,
} from './schemas';

const T = '2025-06-01T12:00:00+00:00';
const U1 = '0f8c2a4e-1b3d-4e5f-8a6b-7c8d9e0f1a2b';
const ORG = '01HQZX3V5N8K2M4P6R7S9T0W1Y';
const INV = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
const TOK = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';

function conforms(method: string, path: string, status: number, body: unknown): void {
  const result = validateAgainstOpenApi({ method, path, status, body, kind: 'response' });
  expect(result.errors).toEqual([]);
  expect(result.checked).toBe(true);
}

const environment = {
  id: 'main', created_at: T, updated_at: T, name: 'main', machine_name: 'main-abc123', title: 'Main', attributes: {},
  type: 'production', parent: null, default_domain: null, has_domains: false, clone_parent_on_create: true, deployment_target: 'local',
  is_pr: false, has_remote: false, status: 'active', http_access: { is_enabled: true, addresses: [], basic_auth: {} }, enable_smtp: true,
  restrict_robots: false, edge_hostname: 'main-abc123.eu-3.platformsh.site', deployment_state: null, sizing: null, resources_overrides: {},
  max_instance_count: null, last_active_at: T, last_backup_at: null, project: 'abcdefgh1234', is_main: true, is_dirty: false,
  has_staged_activities: false, can_rolling_deploy: false, supports_rolling_deployments: false, has_code: true, head_commit: null,
  merge_info: { commits_ahead: 0, commits_behind: 0, parent_ref: null }, has_deployment: true, supports_restrict_robots: true,
};

describe('vendor payloads → Keywarden types', () => {
  it('maps an Environment', () => {
    conforms('GET', '/projects/abcdefgh1234/environments/main', 200, environment);
    expect(environmentSchema.parse(environment)).toEqual({
      id: 'main', projectId: 'abcdefgh1234', name: 'main', machineName: 'main-abc123', title: 'Main', type: 'production', status: 'active',
      parent: null, isMain: true, createdAt: T, updatedAt: T,
    });
  });

  it('maps an EnvironmentVariable and drops its value', () => {
    const variable = {
      id: 'env:DEBUG', created_at: T, updated_at: T, name: 'env:DEBUG', attributes: {}, value: 'canary-plain-value', is_json: false,
      is_sensitive: false, visible_build: false, visible_runtime: true, application_scope: [], project: 'abcdefgh1234', environment: 'dev',
      inherited: true, is_enabled: true, is_inheritable: true,
    };
    conforms('GET', '/projects/abcdefgh1234/environments/dev/variables/env%3ADEBUG', 200, variable);
    const mapped = environmentVariableSchema.parse(variable);
    expect(mapped).toMatchObject({ name: 'env:DEBUG', level: 'environment', isSensitive: false, inherited: true, visibleBuild: false });
    expect(JSON.stringify(mapped)).not.toContain('canary-plain-value');
  });

  it('maps a ProjectVariable', () => {
    const variable = {
      id: 'env:PLATFORMSH_CLI_TOKEN', created_at: T, updated_at: T, name: 'env:PLATFORMSH_CLI_TOKEN', attributes: {}, is_json: false,
      is_sensitive: true, visible_build: true, visible_runtime: true, application_scope: [],
    };
    conforms('GET', '/projects/abcdefgh1234/variables/env%3APLATFORMSH_CLI_TOKEN', 200, variable);
    expect(projectVariableSchema.parse(variable)).toEqual({
      name: 'env:PLATFORMSH_CLI_TOKEN', level: 'project', isSensitive: true, isInheritable: true, isEnabled: true, visibleBuild: true,
      visibleRuntime: true, isJson: false, inherited: false, createdAt: T, updatedAt: T,
    });
  });

  it('maps a Project', () => {
    const project = {
      id: 'abcdefgh1234', created_at: T, updated_at: T, attributes: {}, title: 'Shop', description: '', owner: 'u1', namespace: null,
      organization: 'org1', default_branch: 'main', status: { code: 'provisioned', message: 'ok' }, timezone: 'UTC', region: 'eu-3.platform.sh',
      repository: { url: 'abcdefgh1234@git.eu-3.platform.sh:abcdefgh1234.git', client_ssh_key: null }, default_domain: null,
      subscription: { license_uri: 'https://example.com/l/1', plan: 'standard', environments: 3, storage: 5120, included_users: 1, subscription_management_uri: 'https://example.com/s/1', restricted: false, suspended: false, user_licenses: 1 },
      maintenance: null,
    };
    conforms('GET', '/projects/abcdefgh1234', 200, project);
    expect(projectSchema.parse(project)).toEqual({
      id: 'abcdefgh1234', title: 'Shop', region: 'eu-3.platform.sh', organizationId: 'org1', status: 'provisioned', defaultBranch: 'main', createdAt: T, updatedAt: T,
    });
  });

  it('maps an Activity', () => {
    const activity = {
      id: 'act1', created_at: T, updated_at: T, type: 'environment.variable.update', parameters: {}, project: 'abcdefgh1234',
      environments: ['main'], state: 'complete', result: 'success', failure_reason: null, started_at: T, completed_at: T, completion_percent: 100,
      cancelled_at: null, timings: {}, log: '', payload: {}, description: 'Variable updated', text: 'Variable updated', expires_at: null, commands: [],
    };
    conforms('GET', '/projects/abcdefgh1234/activities/act1', 200, activity);
    expect(activitySchema.parse(activity)).toEqual({
      id: 'act1', projectId: 'abcdefgh1234', type: 'environment.variable.update', state: 'complete', result: 'success', completionPercent: 100,
      environments: ['main'], description: 'Variable updated', createdAt: T, startedAt: T, completedAt: T,
    });
  });

  it('maps a user-access page', () => {
    const page = { items: [{ user_id: U1, organization_id: ORG, project_id: 'p1', project_title: 'Shop', permissions: ['viewer', 'production:admin'], granted_at: T, updated_at: T }], _links: { self: { href: 'https://api.platform.sh/projects/p1/user-access' } } };
    conforms('GET', '/projects/p1/user-access', 200, page);
    expect(userAccessPageSchema.parse(page).items).toEqual([
      { userId: U1, projectId: 'p1', projectTitle: 'Shop', organizationId: ORG, permissions: ['viewer', 'production:admin'], grantedAt: T, updatedAt: T },
    ]);
    expect(() => userAccessPageSchema.parse({ items: [{ ...page.items[0], permissions: ['root'] }] })).toThrow();
  });

  it('maps a ProjectInvitation', () => {
    const invitation = { id: INV, state: 'pending', project_id: 'p1', role: 'viewer', email: 'bots+x@example.com', owner: { id: U1, display_name: 'Ada' }, created_at: T, updated_at: T, finished_at: null, environments: [] };
    conforms('POST', '/projects/p1/invitations', 201, invitation);
    expect(invitationSchema.parse(invitation)).toEqual({ id: INV, projectId: 'p1', email: 'bots+x@example.com', role: 'viewer', state: 'pending', createdAt: T, updatedAt: T, finishedAt: null });
  });

  it('maps an ApiToken and never keeps the token', () => {
    const token = { id: TOK, name: 'ci', mfa_on_creation: false, token: 'canary-plaintext-api-token', created_at: T, updated_at: T, last_used_at: null };
    conforms('POST', `/users/${U1}/api-tokens`, 201, token);
    const mapped = apiTokenSchema.parse(token);
    expect(mapped).toEqual({ id: TOK, name: 'ci', createdAt: T, lastUsedAt: null, mfaOnCreation: false });
    expect(JSON.stringify(mapped)).not.toContain('canary-plaintext-api-token');
  });

  it('maps the current User and an SshKey', () => {
    const user = { id: U1, deactivated: false, namespace: 'platformsh', username: 'bot', email: 'bot@example.com', email_verified: true, first_name: 'B', last_name: 'Ot', picture: 'https://example.com/p.png', company: '', website: 'https://example.com', country: 'FR', created_at: T, updated_at: T };
    conforms('GET', '/users/me', 200, user);
    expect(currentUserSchema.parse(user)).toEqual({ id: U1, email: 'bot@example.com', username: 'bot', firstName: 'B', lastName: 'Ot', deactivated: false });
    const key = { key_id: 42, uid: 7, fingerprint: 'ab:cd', title: 'ci', value: 'ssh-ed25519 AAAA', changed: T };
    conforms('POST', '/ssh_keys', 201, key);
    expect(sshKeySchema.parse(key)).toEqual({ keyId: 42, fingerprint: 'ab:cd', title: 'ci' });
  });
});
