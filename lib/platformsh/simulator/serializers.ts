// Store records → Platform.sh JSON, in the shapes of the OpenAPI excerpt. Sensitive variable
// values and API token values are left out here, in one place, so no route can leak them.
import { isoAt } from './clock';
import { VENDOR_PROFILES, type VendorProfile } from '@/lib/vendor';
import type {
  ActivityRecord,
  ApiTokenRecord,
  EnvironmentRecord,
  InvitationRecord,
  OrganizationRecord,
  ProjectAccessRecord,
  ProjectRecord,
  SimulatorStore,
  SshKeyRecord,
  UserRecord,
  VariableRecord,
} from './store';

export type Json = Record<string, unknown>;

export function serializeUser(user: UserRecord): Json {
  return {
    id: user.id,
    deactivated: user.deactivated,
    namespace: 'platformsh',
    username: user.username,
    email: user.email,
    email_verified: true,
    first_name: user.firstName,
    last_name: user.lastName,
    picture: `https://accounts.example.com/avatars/${user.id}.png`,
    company: '',
    website: 'https://example.com',
    country: 'FR',
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

export function serializeOrganization(organization: OrganizationRecord, baseUrl: string): Json {
  return {
    id: organization.id,
    type: 'flexible',
    owner_id: organization.ownerId,
    namespace: 'platformsh',
    name: organization.name,
    label: organization.label,
    country: 'FR',
    capabilities: [],
    vendor: 'platformsh',
    billing_profile_id: organization.id,
    billing_legacy: false,
    status: 'active',
    created_at: organization.createdAt,
    updated_at: organization.updatedAt,
    _links: { self: { href: `${baseUrl}/organizations/${organization.id}` } },
  };
}

export function serializeOrganizationProject(project: ProjectRecord, baseUrl: string, vendor: VendorProfile = VENDOR_PROFILES.platformsh): Json {
  return {
    id: project.id,
    organization_id: project.organizationId,
    subscription_id: `sub-${project.id}`,
    vendor: vendor.vendor,
    region: project.region,
    title: project.title,
    type: 'grid',
    plan: 'standard',
    timezone: 'Europe/Paris',
    default_branch: project.defaultBranch,
    status: 'active',
    trial_plan: false,
    project_ui: `${vendor.consoleOrigin}/projects/${project.id}`,
    dedicated_tag: null,
    created_at: project.createdAt,
    updated_at: project.updatedAt,
    _links: {
      self: { href: `${baseUrl}/organizations/${project.organizationId}/projects/${project.id}` },
      api: { href: `${baseUrl}/projects/${project.id}` },
    },
  };
}

export function serializeProject(project: ProjectRecord, baseUrl: string, vendor: VendorProfile = VENDOR_PROFILES.platformsh): Json {
  return {
    id: project.id,
    created_at: project.createdAt,
    updated_at: project.updatedAt,
    attributes: {},
    title: project.title,
    description: '',
    owner: '',
    namespace: 'platformsh',
    organization: project.organizationId,
    default_branch: project.defaultBranch,
    status: { code: 'provisioned', message: 'ok' },
    timezone: 'Europe/Paris',
    region: project.region,
    repository: { url: `${project.id}@git.${project.region}:${project.id}.git`, client_ssh_key: null },
    default_domain: null,
    subscription: {
      license_uri: `${baseUrl}/licenses/${project.id}`,
      plan: 'standard',
      environments: 3,
      storage: 5120,
      included_users: 5,
      subscription_management_uri: `${vendor.consoleOrigin}/projects/${project.id}/plan`,
      restricted: false,
      suspended: false,
      user_licenses: 1,
    },
    maintenance: null,
  };
}

export function serializeEnvironment(projectId: string, environment: EnvironmentRecord): Json {
  return {
    id: environment.id,
    created_at: environment.createdAt,
    updated_at: environment.updatedAt,
    name: environment.id,
    machine_name: `${environment.id.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${projectId.slice(0, 7)}`,
    title: environment.title,
    attributes: {},
    type: environment.type,
    parent: environment.parent,
    default_domain: null,
    has_domains: false,
    clone_parent_on_create: true,
    deployment_target: 'local',
    is_pr: false,
    has_remote: false,
    status: environment.status,
    http_access: { is_enabled: environment.type !== 'production', addresses: [], basic_auth: {} },
    enable_smtp: environment.type === 'production',
    restrict_robots: environment.type !== 'production',
    edge_hostname: `${environment.id}-${projectId}.eu-3.platformsh.site`,
    deployment_state: null,
    sizing: null,
    resources_overrides: {},
    max_instance_count: null,
    last_active_at: environment.status === 'active' ? environment.updatedAt : null,
    last_backup_at: null,
    project: projectId,
    is_main: environment.isMain,
    is_dirty: environment.status === 'dirty',
    has_staged_activities: false,
    can_rolling_deploy: false,
    supports_rolling_deployments: false,
    has_code: true,
    head_commit: null,
    merge_info: { commits_ahead: 0, commits_behind: 0, parent_ref: environment.parent ? `refs/heads/${environment.parent}` : null },
    has_deployment: environment.status === 'active',
    supports_restrict_robots: true,
  };
}

/** The value is omitted for a sensitive variable: the real API never returns it. */
function variableCommon(variable: VariableRecord): Json {
  return {
    id: variable.name,
    created_at: variable.createdAt,
    updated_at: variable.updatedAt,
    name: variable.name,
    attributes: variable.attributes,
    ...(variable.isSensitive ? {} : { value: variable.value }),
    is_json: variable.isJson,
    is_sensitive: variable.isSensitive,
    visible_build: variable.visibleBuild,
    visible_runtime: variable.visibleRuntime,
    application_scope: variable.applicationScope,
  };
}

export function serializeEnvironmentVariable(projectId: string, environmentId: string, variable: VariableRecord, inherited: boolean): Json {
  return {
    ...variableCommon(variable),
    project: projectId,
    environment: environmentId,
    inherited,
    is_enabled: variable.isEnabled,
    is_inheritable: variable.isInheritable,
  };
}

export function serializeProjectVariable(variable: VariableRecord): Json {
  return variableCommon(variable);
}

/** An activity's state is derived from the clock: pending for the first fifth, then in progress, then complete with its outcome. */
export function serializeActivity(activity: ActivityRecord, nowMs: number): Json {
  const elapsed = nowMs - activity.createdAtMs;
  const pendingMs = activity.durationMs / 5;
  const isComplete = elapsed >= activity.durationMs;
  const isPending = !isComplete && elapsed < pendingMs;
  const state = isComplete ? 'complete' : isPending ? 'pending' : 'in_progress';
  const percent = isComplete ? 100 : isPending ? 0 : Math.min(99, Math.floor(((elapsed - pendingMs) / (activity.durationMs - pendingMs)) * 100));
  const createdAt = isoAt(activity.createdAtMs);
  return {
    id: activity.id,
    created_at: createdAt,
    updated_at: isoAt(Math.min(nowMs, activity.createdAtMs + activity.durationMs)),
    type: activity.type,
    parameters: activity.parameters,
    project: activity.projectId,
    environments: activity.environments,
    state,
    result: isComplete ? activity.outcome : null,
    // Platform.sh names a reason only for some failures (a deploy hook that failed has none): the log says why.
    failure_reason: null,
    started_at: isPending ? null : isoAt(activity.createdAtMs + pendingMs),
    completed_at: isComplete ? isoAt(activity.createdAtMs + activity.durationMs) : null,
    completion_percent: percent,
    cancelled_at: null,
    timings: {},
    log: '',
    payload: {},
    description: activity.description,
    text: activity.description,
    expires_at: null,
    commands: [],
  };
}

export function serializeUserProjectAccess(store: SimulatorStore, project: ProjectRecord, access: ProjectAccessRecord, baseUrl: string): Json {
  const href = `${baseUrl}/projects/${project.id}/user-access/${access.userId}`;
  return {
    user_id: access.userId,
    organization_id: project.organizationId,
    project_id: project.id,
    project_title: project.title,
    permissions: access.permissions,
    granted_at: access.grantedAt,
    updated_at: access.updatedAt,
    _links: { self: { href }, update: { href, method: 'PATCH' }, delete: { href, method: 'DELETE' } },
  };
}

export function serializeInvitation(store: SimulatorStore, invitation: InvitationRecord): Json {
  const owner = store.users.get(invitation.ownerId);
  return {
    id: invitation.id,
    state: invitation.state,
    project_id: invitation.projectId,
    role: invitation.role,
    email: invitation.email,
    owner: { id: invitation.ownerId, display_name: owner ? `${owner.firstName} ${owner.lastName}`.trim() : 'Unknown' },
    created_at: invitation.createdAt,
    updated_at: invitation.updatedAt,
    finished_at: invitation.finishedAt,
    environments: [],
  };
}

/** `token` is included only by the creation route, which passes `includeValue`. */
export function serializeApiToken(record: ApiTokenRecord, includeValue = false): Json {
  return {
    id: record.id,
    name: record.name,
    mfa_on_creation: record.mfaOnCreation,
    ...(includeValue ? { token: record.token } : {}),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    last_used_at: record.lastUsedAt,
  };
}

export function serializeSshKey(key: SshKeyRecord, uid: number): Json {
  return { key_id: key.keyId, uid, fingerprint: key.fingerprint, title: key.title, value: key.value, changed: key.changed };
}
