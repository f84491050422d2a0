// The Platform.sh REST API client (issue 3, "Client"; endpoints in CONTRACT.md). One typed method
// per endpoint, every response parsed with zod into Keywarden's own types. Hosts come from the
// caller, never from here, so Platform.sh, Upsun and the simulator share one code path — as does a
// client made for a pasted machine-user token (nothing is stored; dispose() forgets it).
import { z } from 'zod';
import { AccessTokenProvider, parseJson } from './auth';
import { isPlatformshError, PlatformshError, type HttpMethod } from './errors';
import { HttpCore, type CircuitState, type HttpCoreOptions } from './http';
import { vendorProfile, type Vendor, type VendorProfile } from '@/lib/vendor';
import {
  acceptedResponseSchema,
  activitySchema,
  apiTokenSchema,
  mintedApiTokenSchema,
  currentUserSchema,
  environmentSchema,
  environmentVariableSchema,
  invitationSchema,
  organizationPageSchema,
  organizationProjectPageSchema,
  projectSchema,
  projectVariableSchema,
  sshKeySchema,
  userAccessPageSchema,
  userAccessSchema,
} from './schemas';
import type {
  AcceptedChange,
  Activity,
  ApiTokenInfo,
  CurrentUser,
  Environment,
  Invitation,
  InvitationInput,
  InvitationState,
  Organization,
  Project,
  ProjectPermission,
  SshKey,
  UserAccess,
  Variable,
  VariableInput,
  VariablePatch,
} from './types';

export interface PlatformshClientOptions extends HttpCoreOptions {
  /** API base, e.g. `https://api.platform.sh` or the simulator's address. */
  apiUrl: string | URL;
  /** Auth server base; the token endpoint is `/oauth2/token` under it. */
  authUrl: string | URL;
  /** The API token: the dashboard's own, or a pasted machine-user token. */
  apiToken: string;
  /** Refresh the access token this long before it expires (default 60 s). */
  refreshMarginMs?: number;
  /** Page size for cursor-paginated lists (`page[size]`, at most 100). */
  pageSize?: number;
  /** Platform.sh (default) or Upsun: names the CLI token variable this connection pushes. */
  vendor?: Vendor;
}

type Params = Record<string, string>;

interface CallOptions<S extends z.ZodType | undefined> {
  params?: Params;
  query?: Record<string, string | undefined>;
  body?: unknown;
  schema: S;
  /** Values in the body that must never appear in an error (a variable's value). */
  secrets?: readonly string[];
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

const MAX_PAGES = 1_000;

export class PlatformshClient {
  private readonly http: HttpCore;
  private readonly auth: AccessTokenProvider;
  private readonly apiUrl: URL;
  private readonly pageSize: number;
  /** The connection's vendor (lib/vendor.ts): what Keywarden pushes through it is named after it. */
  readonly vendor: VendorProfile;

  constructor(options: PlatformshClientOptions) {
    this.http = new HttpCore(options);
    this.vendor = vendorProfile(options.vendor ?? 'platformsh');
    this.apiUrl = new URL(String(options.apiUrl).replace(/\/+$/, ''));
    this.pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
    this.auth = new AccessTokenProvider({
      http: this.http,
      authUrl: new URL(String(options.authUrl).replace(/\/+$/, '')),
      apiToken: options.apiToken,
      refreshMarginMs: options.refreshMarginMs,
    });
  }

  /** The breaker state of the API upstream, for the UI. */
  circuitState(): CircuitState {
    return this.http.circuitState(this.apiUrl);
  }

  /** Forgets the tokens this client registered for redaction and drops the cached access token. */
  dispose(): void {
    this.auth.dispose();
  }

  // ---- Users --------------------------------------------------------------------------------

  /** Who owns the token: the identity check of a pasted machine-user token (SECURITY.md T4). */
  async getCurrentUser(): Promise<CurrentUser> {
    // GET /users/me
    return this.call('GET', '/users/me', { schema: currentUserSchema });
  }

  /** Another user's identity (e-mail): links an accepted invitation to the account that took it. */
  async getUser(userId: string): Promise<CurrentUser> {
    // GET /users/{user_id}
    return this.call('GET', '/users/{user_id}', { params: { user_id: userId }, schema: currentUserSchema });
  }

  // ---- Organizations and projects -----------------------------------------------------------

  async listOrganizations(): Promise<Organization[]> {
    // GET /organizations
    return this.collect('/organizations', {}, {}, organizationPageSchema);
  }

  /** Every project of an organisation, all pages collected. */
  async listOrganizationProjects(organizationId: string, filter: { title?: string } = {}): Promise<Project[]> {
    // GET /organizations/{organization_id}/projects
    return this.collect('/organizations/{organization_id}/projects', { organization_id: organizationId }, { 'filter[title]': filter.title }, organizationProjectPageSchema);
  }

  async getProject(projectId: string): Promise<Project> {
    // GET /projects/{projectId}
    return this.call('GET', '/projects/{projectId}', { params: { projectId }, schema: projectSchema });
  }

  // ---- Environments -------------------------------------------------------------------------

  async listEnvironments(projectId: string): Promise<Environment[]> {
    // GET /projects/{projectId}/environments
    return this.call('GET', '/projects/{projectId}/environments', { params: { projectId }, schema: z.array(environmentSchema) });
  }

  async getEnvironment(projectId: string, environmentId: string): Promise<Environment> {
    // GET /projects/{projectId}/environments/{environmentId}
    return this.call('GET', '/projects/{projectId}/environments/{environmentId}', { params: { projectId, environmentId }, schema: environmentSchema });
  }

  // ---- Environment variables ----------------------------------------------------------------

  async listEnvironmentVariables(projectId: string, environmentId: string): Promise<Variable[]> {
    // GET /projects/{projectId}/environments/{environmentId}/variables
    return this.call('GET', '/projects/{projectId}/environments/{environmentId}/variables', {
      params: { projectId, environmentId },
      schema: z.array(environmentVariableSchema),
    });
  }

  async getEnvironmentVariable(projectId: string, environmentId: string, name: string): Promise<Variable> {
    // GET /projects/{projectId}/environments/{environmentId}/variables/{variableId}
    return this.call('GET', '/projects/{projectId}/environments/{environmentId}/variables/{variableId}', {
      params: { projectId, environmentId, variableId: name },
      schema: environmentVariableSchema,
    });
  }

  /** Creates a variable; a duplicate is refused with `conflict` (read first, then create or update). */
  async createEnvironmentVariable(projectId: string, environmentId: string, input: VariableInput): Promise<AcceptedChange> {
    // POST /projects/{projectId}/environments/{environmentId}/variables
    return this.call('POST', '/projects/{projectId}/environments/{environmentId}/variables', {
      params: { projectId, environmentId },
      body: variableBody(input, 'environment'),
      secrets: [input.value],
      schema: acceptedResponseSchema,
    });
  }

  async updateEnvironmentVariable(projectId: string, environmentId: string, name: string, patch: VariablePatch): Promise<AcceptedChange> {
    // PATCH /projects/{projectId}/environments/{environmentId}/variables/{variableId}
    return this.call('PATCH', '/projects/{projectId}/environments/{environmentId}/variables/{variableId}', {
      params: { projectId, environmentId, variableId: name },
      body: variableBody(patch, 'environment'),
      secrets: patch.value === undefined ? [] : [patch.value],
      schema: acceptedResponseSchema,
    });
  }

  async deleteEnvironmentVariable(projectId: string, environmentId: string, name: string): Promise<AcceptedChange> {
    // DELETE /projects/{projectId}/environments/{environmentId}/variables/{variableId}
    return this.call('DELETE', '/projects/{projectId}/environments/{environmentId}/variables/{variableId}', {
      params: { projectId, environmentId, variableId: name },
      schema: acceptedResponseSchema,
    });
  }

  // ---- Project variables --------------------------------------------------------------------

  async listProjectVariables(projectId: string): Promise<Variable[]> {
    // GET /projects/{projectId}/variables
    return this.call('GET', '/projects/{projectId}/variables', { params: { projectId }, schema: z.array(projectVariableSchema) });
  }

  async getProjectVariable(projectId: string, name: string): Promise<Variable> {
    // GET /projects/{projectId}/variables/{projectVariableId}
    return this.call('GET', '/projects/{projectId}/variables/{projectVariableId}', {
      params: { projectId, projectVariableId: name },
      schema: projectVariableSchema,
    });
  }

  async createProjectVariable(projectId: string, input: VariableInput): Promise<AcceptedChange> {
    // POST /projects/{projectId}/variables
    return this.call('POST', '/projects/{projectId}/variables', {
      params: { projectId },
      body: variableBody(input, 'project'),
      secrets: [input.value],
      schema: acceptedResponseSchema,
    });
  }

  async updateProjectVariable(projectId: string, name: string, patch: VariablePatch): Promise<AcceptedChange> {
    // PATCH /projects/{projectId}/variables/{projectVariableId}
    return this.call('PATCH', '/projects/{projectId}/variables/{projectVariableId}', {
      params: { projectId, projectVariableId: name },
      body: variableBody(patch, 'project'),
      secrets: patch.value === undefined ? [] : [patch.value],
      schema: acceptedResponseSchema,
    });
  }

  async deleteProjectVariable(projectId: string, name: string): Promise<AcceptedChange> {
    // DELETE /projects/{projectId}/variables/{projectVariableId}
    return this.call('DELETE', '/projects/{projectId}/variables/{projectVariableId}', {
      params: { projectId, projectVariableId: name },
      schema: acceptedResponseSchema,
    });
  }

  // ---- Activities ---------------------------------------------------------------------------

  /** One activity, at project level or (with `environmentId`) environment level. */
  async getActivity(projectId: string, activityId: string, environmentId?: string): Promise<Activity> {
    if (environmentId !== undefined) {
      // GET /projects/{projectId}/environments/{environmentId}/activities/{activityId}
      return this.call('GET', '/projects/{projectId}/environments/{environmentId}/activities/{activityId}', {
        params: { projectId, environmentId, activityId },
        schema: activitySchema,
      });
    }
    // GET /projects/{projectId}/activities/{activityId}
    return this.call('GET', '/projects/{projectId}/activities/{activityId}', { params: { projectId, activityId }, schema: activitySchema });
  }

  // ---- Project user access ------------------------------------------------------------------

  async listUserAccess(projectId: string): Promise<UserAccess[]> {
    // GET /projects/{project_id}/user-access
    return this.collect('/projects/{project_id}/user-access', { project_id: projectId }, {}, userAccessPageSchema);
  }

  /** Grants an existing user access; `conflict` if already granted. */
  async grantUserAccess(projectId: string, userId: string, permissions: ProjectPermission[], options: { autoAddMember?: boolean } = {}): Promise<void> {
    // POST /projects/{project_id}/user-access
    const grant: Record<string, unknown> = { user_id: userId, permissions };
    if (options.autoAddMember !== undefined) grant.auto_add_member = options.autoAddMember;
    await this.call('POST', '/projects/{project_id}/user-access', { params: { project_id: projectId }, body: [grant], schema: undefined });
  }

  async getUserAccess(projectId: string, userId: string): Promise<UserAccess> {
    // GET /projects/{project_id}/user-access/{user_id}
    return this.call('GET', '/projects/{project_id}/user-access/{user_id}', { params: { project_id: projectId, user_id: userId }, schema: userAccessSchema });
  }

  async updateUserAccess(projectId: string, userId: string, permissions: ProjectPermission[]): Promise<void> {
    // PATCH /projects/{project_id}/user-access/{user_id}
    await this.call('PATCH', '/projects/{project_id}/user-access/{user_id}', {
      params: { project_id: projectId, user_id: userId },
      body: { permissions },
      schema: undefined,
    });
  }

  async removeUserAccess(projectId: string, userId: string): Promise<void> {
    // DELETE /projects/{project_id}/user-access/{user_id}
    await this.call('DELETE', '/projects/{project_id}/user-access/{user_id}', { params: { project_id: projectId, user_id: userId }, schema: undefined });
  }

  /** Every project a user can reach (reviewer evidence: a machine user on several projects). */
  async listUserProjectAccess(userId: string): Promise<UserAccess[]> {
    // GET /users/{user_id}/project-access
    return this.collect('/users/{user_id}/project-access', { user_id: userId }, {}, userAccessPageSchema);
  }

  // ---- Invitations --------------------------------------------------------------------------

  async createInvitation(projectId: string, input: InvitationInput): Promise<Invitation> {
    // POST /projects/{project_id}/invitations
    const body: Record<string, unknown> = { email: input.email, role: input.role };
    if (input.permissions) body.permissions = input.permissions;
    if (input.force !== undefined) body.force = input.force;
    return this.call('POST', '/projects/{project_id}/invitations', { params: { project_id: projectId }, body, schema: invitationSchema });
  }

  /** Pending invitations by default (the API's default); `states` widens it, e.g. to follow one to its end. */
  async listInvitations(projectId: string, filter: { state?: InvitationState; states?: readonly InvitationState[] } = {}): Promise<Invitation[]> {
    // GET /projects/{project_id}/invitations
    return this.call('GET', '/projects/{project_id}/invitations', {
      params: { project_id: projectId },
      query: { 'filter[state]': filter.state, 'filter[state][in]': filter.states?.join(',') },
      schema: z.array(invitationSchema),
    });
  }

  async cancelInvitation(projectId: string, invitationId: string): Promise<void> {
    // DELETE /projects/{project_id}/invitations/{invitation_id}
    await this.call('DELETE', '/projects/{project_id}/invitations/{invitation_id}', {
      params: { project_id: projectId, invitation_id: invitationId },
      schema: undefined,
    });
  }

  // ---- API tokens (of the user behind this client) ------------------------------------------

  async listApiTokens(userId: string): Promise<ApiTokenInfo[]> {
    // GET /users/{user_id}/api-tokens
    return this.call('GET', '/users/{user_id}/api-tokens', { params: { user_id: userId }, schema: z.array(apiTokenSchema) });
  }

  /**
   * Creates an API token of the user behind this client, named `name`: its plaintext is in this
   * answer only (CONTRACT.md). Not retried when the answer is lost (`unknown_outcome`): the caller
   * finds the token by its name instead.
   */
  async createApiToken(userId: string, name: string): Promise<{ info: ApiTokenInfo; token: string }> {
    // POST /users/{user_id}/api-tokens
    return this.call('POST', '/users/{user_id}/api-tokens', { params: { user_id: userId }, body: { name }, schema: mintedApiTokenSchema });
  }

  async getApiToken(userId: string, tokenId: string): Promise<ApiTokenInfo> {
    // GET /users/{user_id}/api-tokens/{token_id}
    return this.call('GET', '/users/{user_id}/api-tokens/{token_id}', { params: { user_id: userId, token_id: tokenId }, schema: apiTokenSchema });
  }

  async deleteApiToken(userId: string, tokenId: string): Promise<void> {
    // DELETE /users/{user_id}/api-tokens/{token_id}
    await this.call('DELETE', '/users/{user_id}/api-tokens/{token_id}', { params: { user_id: userId, token_id: tokenId }, schema: undefined });
  }

  // ---- SSH keys -----------------------------------------------------------------------------

  async createSshKey(input: { value: string; title?: string; uuid?: string }): Promise<SshKey> {
    // POST /ssh_keys
    return this.call('POST', '/ssh_keys', { body: input, schema: sshKeySchema });
  }

  async deleteSshKey(keyId: number | string): Promise<void> {
    // DELETE /ssh_keys/{key_id}
    await this.call('DELETE', '/ssh_keys/{key_id}', { params: { key_id: String(keyId) }, schema: undefined });
  }

  // ---- Plumbing -----------------------------------------------------------------------------

  /**
   * Follows cursor pagination. HAL `_links.next.href` may name a region gateway, so only its
   * query (the cursor) is taken and requested on the configured API base (CONTRACT.md "Hosts").
   */
  private async collect<T>(
    template: string,
    params: Params,
    query: Record<string, string | undefined>,
    schema: z.ZodType<{ items: T[]; _links?: { next?: { href: string } | null } | null }>,
  ): Promise<T[]> {
    const items: T[] = [];
    let pageQuery: Record<string, string | undefined> = { ...query, 'page[size]': String(this.pageSize) };
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const result = await this.call('GET', template, { params, query: pageQuery, schema });
      items.push(...result.items);
      const next = result._links?.next?.href;
      if (!next) return items;
      const cursor = nextQuery(next, this.apiUrl);
      const key = new URLSearchParams(Object.entries(cursor).filter((e): e is [string, string] => e[1] !== undefined)).toString();
      if (seen.has(key)) return items; // A server that repeats a cursor would loop forever.
      seen.add(key);
      pageQuery = cursor;
    }
    return items;
  }

  private async call<S extends z.ZodType | undefined>(method: HttpMethod, template: string, options: CallOptions<S>): Promise<Parsed<S>> {
    const url = this.buildUrl(template, options.params ?? {}, options.query ?? {});
    const bodyText = options.body === undefined ? undefined : JSON.stringify(options.body);
    const send = async (accessToken: string) =>
      this.http.send({
        method,
        url,
        pathTemplate: template,
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(bodyText === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: bodyText,
        secrets: [...this.auth.secrets(), accessToken, ...(options.secrets ?? [])],
      });

    const token = await this.auth.get();
    let response;
    try {
      response = await send(token);
    } catch (error) {
      // An access token can be revoked or expire early: exchange once more and retry once.
      if (!(isPlatformshError(error) && error.kind === 'unauthorized')) throw error;
      response = await send(await this.auth.refresh(token));
    }

    if (options.schema === undefined) return undefined as Parsed<S>;
    const parsed = options.schema.safeParse(parseJson(response.bodyText));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PlatformshError({
        kind: 'protocol',
        method,
        path: template,
        status: response.status,
        // Only the field path and zod's code: never the value that failed.
        detail: issue ? `unexpected response at ${issue.path.join('.') || '(root)'}: ${issue.code}` : 'unexpected response',
        secrets: [...this.auth.secrets(), ...(options.secrets ?? [])],
        productName: this.vendor.productName,
      });
    }
    return parsed.data as Parsed<S>;
  }

  private buildUrl(template: string, params: Params, query: Record<string, string | undefined>): URL {
    const path = template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      const value = params[name];
      if (value === undefined || value === '') throw new Error(`Missing path parameter ${name} for ${template}`);
      // Variable names carry a colon: `env:PLATFORMSH_CLI_TOKEN` → `env%3APLATFORMSH_CLI_TOKEN`.
      return encodeURIComponent(value);
    });
    const url = new URL(`${this.apiUrl.pathname.replace(/\/+$/, '')}${path}`, this.apiUrl);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }
}

function nextQuery(href: string, base: URL): Record<string, string> {
  const url = new URL(href, base);
  return Object.fromEntries(url.searchParams.entries());
}

function variableBody(input: VariablePatch, level: 'project' | 'environment'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (input.name !== undefined) body.name = input.name;
  if (input.value !== undefined) body.value = input.value;
  if (input.isJson !== undefined) body.is_json = input.isJson;
  if (input.isSensitive !== undefined) body.is_sensitive = input.isSensitive;
  if (input.visibleBuild !== undefined) body.visible_build = input.visibleBuild;
  if (input.visibleRuntime !== undefined) body.visible_runtime = input.visibleRuntime;
  // ProjectVariableCreateInput / ProjectVariablePatch have neither field.
  if (level === 'environment') {
    if (input.isInheritable !== undefined) body.is_inheritable = input.isInheritable;
    if (input.isEnabled !== undefined) body.is_enabled = input.isEnabled;
  }
  return body;
}

/** Creates a client; the same call serves the dashboard's own token and a pasted one. */
export function createPlatformshClient(options: PlatformshClientOptions): PlatformshClient {
  return new PlatformshClient(options);
}
