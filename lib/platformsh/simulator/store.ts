// The fake Platform.sh's state, in memory. Routes read and change it through these methods; tests
// use the same methods to seed data and to make "out-of-band" changes behind Keywarden's back
// (drift). Tokens are kept as given: the simulator is the vendor and must know them to authenticate.
import { isoAt, type SimulatorClock } from './clock';
import { SimulatorHttpError } from './errors';
import { secretFrom, shortId, uuidFrom } from './ids';
import { assertValidPermissions, permissionsFromInvitation, type EnvironmentRole, type EnvironmentType } from './permissions';
import { vendorProfile, type Vendor, type VendorProfile } from '@/lib/vendor';

export interface UserRecord {
  id: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  deactivated: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface OrganizationRecord {
  id: string;
  name: string;
  label: string;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  /** Organisation members; admins see every project of the organisation. */
  members: Map<string, { isAdmin: boolean }>;
}

export interface VariableRecord {
  name: string;
  value: string;
  attributes: Record<string, string>;
  isJson: boolean;
  isSensitive: boolean;
  visibleBuild: boolean;
  visibleRuntime: boolean;
  applicationScope: string[];
  /** Environment-level only. */
  isEnabled: boolean;
  isInheritable: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface EnvironmentRecord {
  id: string;
  title: string;
  type: EnvironmentType;
  status: 'active' | 'inactive' | 'paused' | 'dirty' | 'deleting';
  parent: string | null;
  isMain: boolean;
  createdAt: string;
  updatedAt: string;
  variables: Map<string, VariableRecord>;
}

export interface ProjectAccessRecord {
  userId: string;
  permissions: string[];
  grantedAt: string;
  updatedAt: string;
}

export interface InvitationRecord {
  id: string;
  projectId: string;
  email: string;
  role: 'admin' | 'viewer';
  environmentRoles: { type: EnvironmentType; role: EnvironmentRole }[];
  state: 'pending' | 'processing' | 'accepted' | 'cancelled' | 'error';
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface ActivityRecord {
  id: string;
  projectId: string;
  environments: string[];
  type: string;
  description: string;
  parameters: Record<string, unknown>;
  /** Milliseconds on the simulator clock; the state is derived from it when read. */
  createdAtMs: number;
  durationMs: number;
  /** How it ends: decided when it starts (a project's redeploys can be made to fail, see failRedeploys). */
  outcome: 'success' | 'failure';
}

export interface ProjectRecord {
  id: string;
  organizationId: string;
  title: string;
  region: string;
  defaultBranch: string;
  createdAt: string;
  updatedAt: string;
  environments: Map<string, EnvironmentRecord>;
  variables: Map<string, VariableRecord>;
  access: Map<string, ProjectAccessRecord>;
  invitations: Map<string, InvitationRecord>;
  activities: Map<string, ActivityRecord>;
}

export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  /** The plaintext value, returned only in the creation response. */
  token: string;
  mfaOnCreation: boolean;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
}

export interface AccessTokenRecord {
  userId: string;
  apiTokenId: string;
  expiresAtMs: number;
}

export interface SshKeyRecord {
  keyId: number;
  userId: string;
  title: string;
  value: string;
  fingerprint: string;
  changed: string;
}

export interface VariableInput {
  name?: unknown;
  value?: unknown;
  attributes?: unknown;
  is_json?: unknown;
  is_sensitive?: unknown;
  visible_build?: unknown;
  visible_runtime?: unknown;
  application_scope?: unknown;
  is_enabled?: unknown;
  is_inheritable?: unknown;
}

export interface VariableChange {
  variable: VariableRecord;
  /** Redeploy activities started by the change (environment variables on an active environment). */
  activities: ActivityRecord[];
}

/** Platform.sh variable names: an optional `prefix:`; after `env:` a shell variable name. */
const VARIABLE_NAME = /^(?:[A-Za-z0-9_-]+:)?[A-Za-z_][A-Za-z0-9_.-]*$/;
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const ACCESS_TOKEN_LIFETIME_SECONDS = 900;

export interface SimulatorStoreOptions {
  clock: SimulatorClock;
  /** How long a redeploy activity takes from pending to complete, in simulator-clock milliseconds. */
  activityDurationMs: number;
  /** Platform.sh (default) or Upsun: the CLI token variable its crons read, its Console's origin. */
  vendor?: Vendor;
}

export class SimulatorStore {
  readonly users = new Map<string, UserRecord>();
  readonly organizations = new Map<string, OrganizationRecord>();
  readonly projects = new Map<string, ProjectRecord>();
  readonly apiTokens = new Map<string, ApiTokenRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly sshKeys = new Map<number, SshKeyRecord>();
  /**
   * Whether a session opened with an API token may create API tokens (`POST /users/{id}/api-tokens`):
   * the API document does not say (issue 18.2), so Keywarden must cope with `refused` (403).
   */
  tokenCreation: 'allowed' | 'refused' = 'allowed';
  /** Values the next created API tokens take, first in first out (tests: a canary minted "by Platform.sh"). */
  readonly nextCreatedTokenValues: string[] = [];
  private nextSshKeyId = 1001;
  readonly clock: SimulatorClock;
  activityDurationMs: number;
  readonly vendor: VendorProfile;
  /**
   * Projects whose redeploys fail from now on (the sandbox's "make redeploys fail" switch, tests):
   * an activity started while its project is listed here completes with result `failure`.
   */
  readonly failingRedeployProjects = new Set<string>();

  constructor(options: SimulatorStoreOptions) {
    this.clock = options.clock;
    this.vendor = vendorProfile(options.vendor ?? 'platformsh');
    this.activityDurationMs = options.activityDurationMs;
  }

  nowIso(): string {
    return isoAt(this.clock.now());
  }

  // ---- seeding ----------------------------------------------------------------------------

  addUser(input: { id?: string; username: string; email: string; firstName?: string; lastName?: string; createdAt?: string }): UserRecord {
    const createdAt = input.createdAt ?? this.nowIso();
    const user: UserRecord = {
      id: input.id ?? uuidFrom(),
      username: input.username,
      email: input.email,
      firstName: input.firstName ?? input.username,
      lastName: input.lastName ?? '',
      deactivated: false,
      createdAt,
      updatedAt: createdAt,
    };
    this.users.set(user.id, user);
    return user;
  }

  addOrganization(input: { id: string; name: string; label: string; ownerId: string; createdAt?: string }): OrganizationRecord {
    const createdAt = input.createdAt ?? this.nowIso();
    const organization: OrganizationRecord = { ...input, createdAt, updatedAt: createdAt, members: new Map([[input.ownerId, { isAdmin: true }]]) };
    this.organizations.set(organization.id, organization);
    return organization;
  }

  addOrganizationMember(organizationId: string, userId: string, isAdmin = false): void {
    this.requireOrganization(organizationId).members.set(userId, { isAdmin });
  }

  addProject(input: { id: string; organizationId: string; title: string; region: string; defaultBranch?: string; createdAt?: string }): ProjectRecord {
    this.requireOrganization(input.organizationId);
    const createdAt = input.createdAt ?? this.nowIso();
    const project: ProjectRecord = {
      id: input.id,
      organizationId: input.organizationId,
      title: input.title,
      region: input.region,
      defaultBranch: input.defaultBranch ?? 'main',
      createdAt,
      updatedAt: createdAt,
      environments: new Map(),
      variables: new Map(),
      access: new Map(),
      invitations: new Map(),
      activities: new Map(),
    };
    this.projects.set(project.id, project);
    return project;
  }

  addEnvironment(
    projectId: string,
    input: { id: string; title?: string; type: EnvironmentType; status?: EnvironmentRecord['status']; parent?: string | null; createdAt?: string },
  ): EnvironmentRecord {
    const project = this.requireProject(projectId);
    const createdAt = input.createdAt ?? this.nowIso();
    const environment: EnvironmentRecord = {
      id: input.id,
      title: input.title ?? input.id,
      type: input.type,
      status: input.status ?? 'active',
      parent: input.parent ?? null,
      isMain: input.id === project.defaultBranch,
      createdAt,
      updatedAt: createdAt,
      variables: new Map(),
    };
    project.environments.set(environment.id, environment);
    return environment;
  }

  /** Seeds a variable directly (no validation, no activity), e.g. one "set by hand long ago". */
  seedVariable(projectId: string, environmentId: string | null, input: VariableInput & { name: string; value: string; createdAt?: string }): VariableRecord {
    const variable = buildVariable(input, input.createdAt ?? this.nowIso());
    this.variableMap(projectId, environmentId).set(variable.name, variable);
    return variable;
  }

  /** Issues an API token for a user; `value` makes it deterministic (the dashboard credential). */
  issueApiToken(userId: string, name: string, options: { value?: string; createdAt?: string; lastUsedAt?: string | null } = {}): ApiTokenRecord {
    this.requireUser(userId);
    const createdAt = options.createdAt ?? this.nowIso();
    const record: ApiTokenRecord = {
      id: uuidFrom(options.value === undefined ? undefined : `api-token:${options.value}`),
      userId,
      name,
      token: options.value ?? secretFrom(),
      mfaOnCreation: false,
      createdAt,
      updatedAt: createdAt,
      lastUsedAt: options.lastUsedAt ?? null,
    };
    this.apiTokens.set(record.id, record);
    return record;
  }

  grantAccess(projectId: string, userId: string, permissions: string[]): ProjectAccessRecord {
    const project = this.requireProject(projectId);
    const now = this.nowIso();
    const record: ProjectAccessRecord = { userId, permissions: assertValidPermissions(permissions), grantedAt: now, updatedAt: now };
    project.access.set(userId, record);
    return record;
  }

  // ---- lookups ----------------------------------------------------------------------------

  requireUser(userId: string): UserRecord {
    const user = this.users.get(userId);
    if (!user) throw new SimulatorHttpError(404, 'User not found.');
    return user;
  }

  requireOrganization(organizationId: string): OrganizationRecord {
    const organization = this.organizations.get(organizationId);
    if (!organization) throw new SimulatorHttpError(404, 'Organization not found.', 'problem');
    return organization;
  }

  requireProject(projectId: string): ProjectRecord {
    const project = this.projects.get(projectId);
    if (!project) throw new SimulatorHttpError(404, 'Project not found.');
    return project;
  }

  requireEnvironment(projectId: string, environmentId: string): EnvironmentRecord {
    const environment = this.requireProject(projectId).environments.get(environmentId);
    if (!environment) throw new SimulatorHttpError(404, 'Environment not found.');
    return environment;
  }

  findUserByEmail(email: string): UserRecord | undefined {
    const wanted = email.toLowerCase();
    return [...this.users.values()].find((user) => user.email.toLowerCase() === wanted);
  }

  /** True when the user may see the project: an admin of its organisation, or granted access. */
  canSeeProject(userId: string, project: ProjectRecord): boolean {
    const membership = this.organizations.get(project.organizationId)?.members.get(userId);
    return membership?.isAdmin === true || project.access.has(userId);
  }

  /**
   * The variables an environment shows: its own, plus inheritable ones of its ancestors that it
   * does not override (marked `inherited`). A disabled own variable still hides the parent's.
   */
  effectiveVariables(projectId: string, environmentId: string): { variable: VariableRecord; inherited: boolean }[] {
    const project = this.requireProject(projectId);
    const seen = new Map<string, { variable: VariableRecord; inherited: boolean }>();
    let current: EnvironmentRecord | undefined = this.requireEnvironment(projectId, environmentId);
    let depth = 0;
    while (current && depth < 50) {
      for (const variable of current.variables.values()) {
        if (seen.has(variable.name)) continue;
        if (depth > 0 && !variable.isInheritable) continue;
        seen.set(variable.name, { variable, inherited: depth > 0 });
      }
      current = current.parent ? project.environments.get(current.parent) : undefined;
      depth += 1;
    }
    return [...seen.values()].sort((a, b) => a.variable.name.localeCompare(b.variable.name));
  }

  // ---- variables --------------------------------------------------------------------------

  createVariable(projectId: string, environmentId: string | null, input: VariableInput): VariableChange {
    const variables = this.variableMap(projectId, environmentId);
    if (typeof input.name !== 'string' || typeof input.value !== 'string') {
      throw new SimulatorHttpError(400, 'Both name and value are required strings.');
    }
    assertValidVariableName(input.name);
    assertVariableFlags(input);
    if (variables.has(input.name)) throw new SimulatorHttpError(409, `Variable ${input.name} already exists.`);
    const variable = buildVariable({ ...input, name: input.name, value: input.value }, this.nowIso());
    variables.set(variable.name, variable);
    this.touchEnvironment(projectId, environmentId);
    return { variable, activities: this.startRedeploy(projectId, environmentId, 'environment.variable.create', variable.name) };
  }

  updateVariable(projectId: string, environmentId: string | null, name: string, patch: VariableInput): VariableChange {
    const variables = this.variableMap(projectId, environmentId);
    const variable = variables.get(name);
    if (!variable) throw new SimulatorHttpError(404, 'Variable not found.');
    assertVariableFlags(patch);
    if (patch.name !== undefined && patch.name !== name) throw new SimulatorHttpError(400, 'A variable cannot be renamed.');
    if (variable.isSensitive && patch.is_sensitive === false) {
      throw new SimulatorHttpError(400, 'A sensitive variable cannot be made non-sensitive.');
    }
    if (typeof patch.value === 'string') variable.value = patch.value;
    applyFlags(variable, patch);
    variable.updatedAt = this.nowIso();
    this.touchEnvironment(projectId, environmentId);
    return { variable, activities: this.startRedeploy(projectId, environmentId, 'environment.variable.update', name) };
  }

  deleteVariable(projectId: string, environmentId: string | null, name: string): VariableChange {
    const variables = this.variableMap(projectId, environmentId);
    const variable = variables.get(name);
    if (!variable) throw new SimulatorHttpError(404, 'Variable not found.');
    variables.delete(name);
    this.touchEnvironment(projectId, environmentId);
    return { variable, activities: this.startRedeploy(projectId, environmentId, 'environment.variable.delete', name) };
  }

  /**
   * A variable change redeploys its environment, which moves the environment's `updated_at`: the
   * signal the incremental inventory sync relies on. The Console redeploys too (the drift methods).
   */
  private touchEnvironment(projectId: string, environmentId: string | null): void {
    if (environmentId !== null) this.requireEnvironment(projectId, environmentId).updatedAt = this.nowIso();
  }

  variableMap(projectId: string, environmentId: string | null): Map<string, VariableRecord> {
    return environmentId === null ? this.requireProject(projectId).variables : this.requireEnvironment(projectId, environmentId).variables;
  }

  /** From now on, the project's redeploys fail (`true`) or succeed (`false`); those already started keep their outcome. */
  setRedeploysFail(projectId: string, fail: boolean): void {
    this.requireProject(projectId);
    if (fail) this.failingRedeployProjects.add(projectId);
    else this.failingRedeployProjects.delete(projectId);
  }

  /** Only the changed environment redeploys (not its children), and only when it is active. */
  private startRedeploy(projectId: string, environmentId: string | null, type: string, variableName: string): ActivityRecord[] {
    if (environmentId === null) return [];
    const environment = this.requireEnvironment(projectId, environmentId);
    if (environment.status !== 'active') return [];
    const activity: ActivityRecord = {
      id: shortId(),
      projectId,
      environments: [environmentId],
      type,
      description: `Variable ${variableName} changed on ${environmentId}; redeploying`,
      parameters: { environment: environmentId, variable: variableName },
      createdAtMs: this.clock.now(),
      durationMs: this.activityDurationMs,
      outcome: this.failingRedeployProjects.has(projectId) ? 'failure' : 'success',
    };
    this.requireProject(projectId).activities.set(activity.id, activity);
    return [activity];
  }

  // ---- user access and invitations --------------------------------------------------------

  addUserAccess(projectId: string, userId: string, permissions: unknown): ProjectAccessRecord {
    const project = this.requireProject(projectId);
    const validPermissions = assertValidPermissions(permissions);
    if (!this.users.has(userId)) throw new SimulatorHttpError(404, 'User not found.', 'problem');
    if (project.access.has(userId)) throw new SimulatorHttpError(409, 'The user already has access to this project.', 'problem');
    return this.grantAccess(projectId, userId, validPermissions);
  }

  changeUserAccess(projectId: string, userId: string, permissions: unknown): ProjectAccessRecord {
    const access = this.requireAccess(projectId, userId);
    access.permissions = assertValidPermissions(permissions);
    access.updatedAt = this.nowIso();
    return access;
  }

  removeUserAccess(projectId: string, userId: string): void {
    this.requireAccess(projectId, userId);
    this.requireProject(projectId).access.delete(userId);
  }

  requireAccess(projectId: string, userId: string): ProjectAccessRecord {
    const access = this.requireProject(projectId).access.get(userId);
    if (!access) throw new SimulatorHttpError(404, 'The user has no access to this project.', 'problem');
    return access;
  }

  createInvitation(
    projectId: string,
    ownerId: string,
    input: { email: string; role: 'admin' | 'viewer'; environmentRoles: { type: EnvironmentType; role: EnvironmentRole }[]; force: boolean },
  ): InvitationRecord {
    const project = this.requireProject(projectId);
    const existingUser = this.findUserByEmail(input.email);
    if (existingUser && project.access.has(existingUser.id)) {
      throw new SimulatorHttpError(409, 'The user already has access to this project.');
    }
    const pending = [...project.invitations.values()].filter((invitation) => invitation.state === 'pending' && invitation.email.toLowerCase() === input.email.toLowerCase());
    if (pending.length > 0 && !input.force) throw new SimulatorHttpError(409, 'An invitation is already pending for this e-mail address.');
    const now = this.nowIso();
    for (const invitation of pending) {
      invitation.state = 'cancelled';
      invitation.updatedAt = now;
      invitation.finishedAt = now;
    }
    const invitation: InvitationRecord = {
      id: uuidFrom(),
      projectId,
      email: input.email,
      role: input.role,
      environmentRoles: input.environmentRoles,
      state: 'pending',
      ownerId,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    project.invitations.set(invitation.id, invitation);
    return invitation;
  }

  cancelInvitation(projectId: string, invitationId: string): void {
    const invitation = this.requireProject(projectId).invitations.get(invitationId);
    if (!invitation) throw new SimulatorHttpError(404, 'Invitation not found.');
    if (invitation.state !== 'pending') throw new SimulatorHttpError(400, `The invitation is ${invitation.state}, not pending.`);
    const now = this.nowIso();
    invitation.state = 'cancelled';
    invitation.updatedAt = now;
    invitation.finishedAt = now;
  }

  /**
   * Test hook: the invitee clicks the link. Creates the user when the e-mail is unknown, grants the
   * invited permissions and marks the invitation accepted.
   */
  acceptInvitation(invitationId: string): { user: UserRecord; access: ProjectAccessRecord } {
    const invitation = [...this.projects.values()].map((project) => project.invitations.get(invitationId)).find(Boolean);
    if (!invitation) throw new SimulatorHttpError(404, 'Invitation not found.');
    if (invitation.state !== 'pending') throw new SimulatorHttpError(409, `The invitation is ${invitation.state}.`);
    const user = this.findUserByEmail(invitation.email) ?? this.addUser({ username: invitation.email.split('@')[0] ?? invitation.email, email: invitation.email });
    const project = this.requireProject(invitation.projectId);
    const organization = this.requireOrganization(project.organizationId);
    if (!organization.members.has(user.id)) organization.members.set(user.id, { isAdmin: false });
    const access = this.grantAccess(project.id, user.id, permissionsFromInvitation(invitation.role, invitation.environmentRoles));
    const now = this.nowIso();
    invitation.state = 'accepted';
    invitation.updatedAt = now;
    invitation.finishedAt = now;
    return { user, access };
  }

  // ---- tokens -----------------------------------------------------------------------------

  findApiTokenByValue(value: string): ApiTokenRecord | undefined {
    return [...this.apiTokens.values()].find((record) => record.token === value);
  }

  /** The auth server's exchange; moves the API token's `last_used_at`. */
  exchangeApiToken(value: string): { accessToken: string; expiresIn: number } | undefined {
    const record = this.findApiTokenByValue(value);
    const user = record ? this.users.get(record.userId) : undefined;
    if (!record || !user || user.deactivated) return undefined;
    record.lastUsedAt = this.nowIso();
    const accessToken = secretFrom();
    this.accessTokens.set(accessToken, { userId: user.id, apiTokenId: record.id, expiresAtMs: this.clock.now() + ACCESS_TOKEN_LIFETIME_SECONDS * 1000 });
    return { accessToken, expiresIn: ACCESS_TOKEN_LIFETIME_SECONDS };
  }

  /**
   * What a cron on the environment does first: the vendor's CLI exchanges `$PLATFORMSH_CLI_TOKEN`
   * (`$UPSUN_CLI_TOKEN` on Upsun: the environment's `env:` variable of that name, its own or
   * inherited, enabled and visible at runtime) for an access token, which moves that API token's
   * `last_used_at`. Returns the token used.
   */
  runCronWithCliToken(projectId: string, environmentId: string): ApiTokenRecord {
    const { tokenVariable, cliTokenEnv } = this.vendor;
    const found = this.effectiveVariables(projectId, environmentId).find(({ variable }) => variable.name === tokenVariable);
    if (!found || !found.variable.isEnabled || !found.variable.visibleRuntime) {
      throw new SimulatorHttpError(409, `The cron would find no $${cliTokenEnv} on ${environmentId}: ${tokenVariable} is missing, disabled or not visible at runtime.`);
    }
    const record = this.findApiTokenByValue(found.variable.value);
    if (!record || !this.exchangeApiToken(found.variable.value)) {
      throw new SimulatorHttpError(409, `The token in ${tokenVariable} on ${environmentId} is invalid or revoked: the cron's CLI call would fail.`);
    }
    return record;
  }

  /** The user behind a bearer token, or undefined when it is unknown or expired. */
  authenticate(accessToken: string): UserRecord | undefined {
    const record = this.accessTokens.get(accessToken);
    if (!record || record.expiresAtMs <= this.clock.now()) return undefined;
    const user = this.users.get(record.userId);
    return user && !user.deactivated ? user : undefined;
  }

  addSshKey(userId: string, value: string, title: string): SshKeyRecord {
    const key: SshKeyRecord = {
      keyId: this.nextSshKeyId++,
      userId,
      title,
      value,
      fingerprint: secretFrom(value).slice(0, 32),
      changed: this.nowIso(),
    };
    this.sshKeys.set(key.keyId, key);
    return key;
  }

  // ---- out-of-band changes (drift) --------------------------------------------------------

  /** Someone deleted the variable in the Console: no activity, no request in the log. */
  driftDeleteVariable(projectId: string, environmentId: string | null, name: string): void {
    if (!this.variableMap(projectId, environmentId).delete(name)) throw new Error(`No variable ${name}`);
    this.touchEnvironment(projectId, environmentId);
  }

  /** Someone changed the variable's value or flags in the Console. */
  driftUpdateVariable(projectId: string, environmentId: string | null, name: string, patch: VariableInput): VariableRecord {
    const variable = this.variableMap(projectId, environmentId).get(name);
    if (!variable) throw new Error(`No variable ${name}`);
    if (typeof patch.value === 'string') variable.value = patch.value;
    applyFlags(variable, patch);
    variable.updatedAt = this.nowIso();
    this.touchEnvironment(projectId, environmentId);
    return variable;
  }

  /** Someone changed (or, with `null`, removed) a user's access in the Console. */
  driftSetUserAccess(projectId: string, userId: string, permissions: string[] | null): void {
    const project = this.requireProject(projectId);
    if (permissions === null) {
      project.access.delete(userId);
      return;
    }
    const existing = project.access.get(userId);
    if (existing) {
      existing.permissions = assertValidPermissions(permissions);
      existing.updatedAt = this.nowIso();
    } else {
      this.grantAccess(projectId, userId, permissions);
    }
  }
}

export function assertValidVariableName(name: string): void {
  const [prefix, rest] = name.includes(':') ? [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)] : ['', name];
  const isValid = name.length <= 255 && VARIABLE_NAME.test(name) && (prefix !== 'env' || SHELL_NAME.test(rest));
  if (!isValid) throw new SimulatorHttpError(400, `Invalid variable name: ${JSON.stringify(name)}`);
}

const BOOLEAN_FLAGS = ['is_json', 'is_sensitive', 'visible_build', 'visible_runtime', 'is_enabled', 'is_inheritable'] as const;

function assertVariableFlags(input: VariableInput): void {
  for (const flag of BOOLEAN_FLAGS) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean') throw new SimulatorHttpError(400, `${flag} must be a boolean.`);
  }
  if (input.value !== undefined && typeof input.value !== 'string') throw new SimulatorHttpError(400, 'value must be a string.');
  if (input.is_json === true && typeof input.value === 'string') {
    try {
      JSON.parse(input.value);
    } catch {
      throw new SimulatorHttpError(400, 'value is not valid JSON.');
    }
  }
}

function buildVariable(input: VariableInput & { name: string; value: string }, now: string): VariableRecord {
  const variable: VariableRecord = {
    name: input.name,
    value: input.value,
    attributes: {},
    isJson: false,
    isSensitive: false,
    visibleBuild: true,
    visibleRuntime: true,
    applicationScope: [],
    isEnabled: true,
    isInheritable: true,
    createdAt: now,
    updatedAt: now,
  };
  applyFlags(variable, input);
  return variable;
}

function applyFlags(variable: VariableRecord, input: VariableInput): void {
  if (typeof input.is_json === 'boolean') variable.isJson = input.is_json;
  if (typeof input.is_sensitive === 'boolean') variable.isSensitive = variable.isSensitive || input.is_sensitive;
  if (typeof input.visible_build === 'boolean') variable.visibleBuild = input.visible_build;
  if (typeof input.visible_runtime === 'boolean') variable.visibleRuntime = input.visible_runtime;
  if (typeof input.is_enabled === 'boolean') variable.isEnabled = input.is_enabled;
  if (typeof input.is_inheritable === 'boolean') variable.isInheritable = input.is_inheritable;
  if (Array.isArray(input.application_scope) && input.application_scope.every((scope) => typeof scope === 'string')) {
    variable.applicationScope = input.application_scope as string[];
  }
  if (input.attributes && typeof input.attributes === 'object' && !Array.isArray(input.attributes)) {
    variable.attributes = Object.fromEntries(Object.entries(input.attributes).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }
}
