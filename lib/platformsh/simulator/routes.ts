// The endpoints of CONTRACT.md, answering with the paths, status codes, bodies and pagination of
// the real API. Each handler returns a RouteResult; the server writes it (or, under a fault,
// delays, truncates or drops it).
import { randomUUID } from 'node:crypto';
import { SimulatorHttpError } from './errors';
import { paginate, stringFilter } from './pagination';
import { ENVIRONMENT_ROLES, ENVIRONMENT_TYPES, type EnvironmentRole, type EnvironmentType } from './permissions';
import type { AuthenticatedContext, Route, RouteContext, RouteResult } from './router';
import {
  serializeActivity,
  serializeApiToken,
  serializeEnvironment,
  serializeEnvironmentVariable,
  serializeInvitation,
  serializeOrganization,
  serializeOrganizationProject,
  serializeProject,
  serializeProjectVariable,
  serializeSshKey,
  serializeUser,
  serializeUserProjectAccess,
  type Json,
} from './serializers';
import type { ProjectRecord, SimulatorStore, VariableChange, VariableInput } from './store';

const ok = (body: unknown, status = 200): RouteResult => ({ status, body });
const noContent = (): RouteResult => ({ status: 204 });

// ---- access rules -----------------------------------------------------------------------------

/** The project, if the caller may see it: 404 when unknown, 403 when out of reach. */
function visibleProject(context: AuthenticatedContext, projectId: string): ProjectRecord {
  const project = context.store.requireProject(projectId);
  if (!context.store.canSeeProject(context.caller.id, project)) throw new SimulatorHttpError(403, 'You do not have access to this project.');
  return project;
}

/** Changes need project admin (or organisation admin), as on Platform.sh. */
function administeredProject(context: AuthenticatedContext, projectId: string): ProjectRecord {
  const project = visibleProject(context, projectId);
  const isOrganizationAdmin = context.store.organizations.get(project.organizationId)?.members.get(context.caller.id)?.isAdmin === true;
  const isProjectAdmin = project.access.get(context.caller.id)?.permissions.includes('admin') === true;
  if (!isOrganizationAdmin && !isProjectAdmin) throw new SimulatorHttpError(403, 'Project admin permission is required.');
  return project;
}

function isOrganizationAdminAnywhere(store: SimulatorStore, userId: string): boolean {
  return [...store.organizations.values()].some((organization) => organization.members.get(userId)?.isAdmin === true);
}

/** `me` or the caller's own id; anything else is another user's tokens (403). */
function ownUserId(context: AuthenticatedContext): string {
  const userId = context.params.userId ?? '';
  if (userId !== 'me' && userId !== context.caller.id) throw new SimulatorHttpError(403, "You may not manage another user's API tokens.");
  return context.caller.id;
}

function requireObjectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SimulatorHttpError(400, 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

function acceptedVariableChange(context: RouteContext, change: VariableChange, projectId: string, environmentId: string | null, status: 'created' | 'updated' | 'deleted'): RouteResult {
  const code = status === 'created' ? 201 : 200;
  const entity = environmentId === null ? serializeProjectVariable(change.variable) : serializeEnvironmentVariable(projectId, environmentId, change.variable, false);
  const nowMs = context.store.clock.now();
  return ok({ status, code, _embedded: { entity, activities: change.activities.map((activity) => serializeActivity(activity, nowMs)) } }, code);
}

// ---- the auth server ----------------------------------------------------------------------------

const EXPECTED_CLIENT = `Basic ${Buffer.from('platform-api-user:').toString('base64')}`;

const authRoutes: Route[] = [
  {
    // POST /oauth2/token (auth server): exchange an API token for a bearer access token
    method: 'POST',
    path: '/oauth2/token',
    isPublic: true,
    handle(context) {
      const oauthError = (status: number, error: string, description: string): RouteResult => ({ status, body: { error, error_description: description } });
      if (context.headers.authorization !== EXPECTED_CLIENT) return oauthError(401, 'invalid_client', 'Client authentication failed.');
      const form = new URLSearchParams(context.rawBody);
      if (form.get('grant_type') !== 'api_token') return oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported.');
      const apiToken = form.get('api_token');
      if (!apiToken) return oauthError(400, 'invalid_request', 'The api_token parameter is missing.');
      const exchanged = context.store.exchangeApiToken(apiToken);
      if (!exchanged) return oauthError(400, 'invalid_grant', 'The API token is invalid or has been revoked.');
      return ok({ access_token: exchanged.accessToken, expires_in: exchanged.expiresIn, token_type: 'bearer' });
    },
  },
];

// ---- users, organisations, projects -------------------------------------------------------

const identityRoutes: Route[] = [
  {
    // GET /users/me
    method: 'GET',
    path: '/users/me',
    handle: (context) => ok(serializeUser(context.caller)),
  },
  {
    // GET /users/{userId}: visible to the user itself and to members of an organisation it is in
    method: 'GET',
    path: '/users/{userId}',
    handle(context) {
      const user = context.store.users.get(context.params.userId ?? '');
      if (!user) throw new SimulatorHttpError(404, 'User not found.');
      const sharesOrganization = [...context.store.organizations.values()].some((organization) => organization.members.has(user.id) && organization.members.has(context.caller.id));
      if (user.id !== context.caller.id && !sharesOrganization) throw new SimulatorHttpError(403, 'You cannot see this user.');
      return ok(serializeUser(user));
    },
  },
  {
    // GET /organizations
    method: 'GET',
    path: '/organizations',
    handle(context) {
      const mine = [...context.store.organizations.values()].filter((organization) => organization.members.has(context.caller.id));
      const page = paginate(mine, context.query, context.baseUrl, context.path);
      return ok({ count: page.count, items: page.items.map((organization) => serializeOrganization(organization, context.baseUrl)), _links: page.links });
    },
  },
  {
    // GET /organizations/{organizationId}/projects
    method: 'GET',
    path: '/organizations/{organizationId}/projects',
    handle(context) {
      const organization = context.store.requireOrganization(context.params.organizationId ?? '');
      if (!organization.members.has(context.caller.id)) throw new SimulatorHttpError(403, 'You are not a member of this organization.', 'problem');
      const titleMatches = stringFilter(context.query, 'title');
      const statusMatches = stringFilter(context.query, 'status');
      const idMatches = stringFilter(context.query, 'id');
      const projects = [...context.store.projects.values()].filter(
        (project) =>
          project.organizationId === organization.id &&
          context.store.canSeeProject(context.caller.id, project) &&
          (!titleMatches || titleMatches(project.title)) &&
          (!statusMatches || statusMatches('active')) &&
          (!idMatches || idMatches(project.id)),
      );
      const page = paginate(projects, context.query, context.baseUrl, context.path);
      return ok({ count: page.count, items: page.items.map((project) => serializeOrganizationProject(project, context.baseUrl, context.store.vendor)), facets: { plans: { standard: 'Standard' } }, _links: page.links });
    },
  },
  {
    // GET /projects/{projectId}
    method: 'GET',
    path: '/projects/{projectId}',
    handle: (context) => ok(serializeProject(visibleProject(context, context.params.projectId ?? ''), context.baseUrl, context.store.vendor)),
  },
];

// ---- environments, variables, activities ---------------------------------------------------

const environmentRoutes: Route[] = [
  {
    // GET /projects/{projectId}/environments
    method: 'GET',
    path: '/projects/{projectId}/environments',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      return ok([...project.environments.values()].map((environment) => serializeEnvironment(project.id, environment)));
    },
  },
  {
    // GET /projects/{projectId}/environments/{environmentId}
    method: 'GET',
    path: '/projects/{projectId}/environments/{environmentId}',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      return ok(serializeEnvironment(project.id, context.store.requireEnvironment(project.id, context.params.environmentId ?? '')));
    },
  },
  {
    // GET /projects/{projectId}/environments/{environmentId}/variables (own and inherited)
    method: 'GET',
    path: '/projects/{projectId}/environments/{environmentId}/variables',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      const environmentId = context.params.environmentId ?? '';
      const variables = context.store.effectiveVariables(project.id, environmentId);
      return ok(variables.map(({ variable, inherited }) => serializeEnvironmentVariable(project.id, environmentId, variable, inherited)));
    },
  },
  {
    // POST /projects/{projectId}/environments/{environmentId}/variables
    method: 'POST',
    path: '/projects/{projectId}/environments/{environmentId}/variables',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      const environmentId = context.params.environmentId ?? '';
      const change = context.store.createVariable(project.id, environmentId, requireObjectBody(context.body) as VariableInput);
      return acceptedVariableChange(context, change, project.id, environmentId, 'created');
    },
  },
  {
    // GET /projects/{projectId}/environments/{environmentId}/variables/{variableId}
    method: 'GET',
    path: '/projects/{projectId}/environments/{environmentId}/variables/{variableId}',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      const environmentId = context.params.environmentId ?? '';
      const found = context.store.effectiveVariables(project.id, environmentId).find(({ variable }) => variable.name === context.params.variableId);
      if (!found) throw new SimulatorHttpError(404, 'Variable not found.');
      return ok(serializeEnvironmentVariable(project.id, environmentId, found.variable, found.inherited));
    },
  },
  {
    // PATCH /projects/{projectId}/environments/{environmentId}/variables/{variableId}
    method: 'PATCH',
    path: '/projects/{projectId}/environments/{environmentId}/variables/{variableId}',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      const environmentId = context.params.environmentId ?? '';
      const change = context.store.updateVariable(project.id, environmentId, context.params.variableId ?? '', requireObjectBody(context.body) as VariableInput);
      return acceptedVariableChange(context, change, project.id, environmentId, 'updated');
    },
  },
  {
    // DELETE /projects/{projectId}/environments/{environmentId}/variables/{variableId}
    method: 'DELETE',
    path: '/projects/{projectId}/environments/{environmentId}/variables/{variableId}',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      const environmentId = context.params.environmentId ?? '';
      const change = context.store.deleteVariable(project.id, environmentId, context.params.variableId ?? '');
      return acceptedVariableChange(context, change, project.id, environmentId, 'deleted');
    },
  },
  {
    // GET /projects/{projectId}/variables
    method: 'GET',
    path: '/projects/{projectId}/variables',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      return ok([...project.variables.values()].map(serializeProjectVariable));
    },
  },
  {
    // POST /projects/{projectId}/variables
    method: 'POST',
    path: '/projects/{projectId}/variables',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      const body = requireObjectBody(context.body);
      // Project-level variables carry no is_enabled / is_inheritable flags.
      const { is_enabled: _enabled, is_inheritable: _inheritable, ...input } = body;
      const change = context.store.createVariable(project.id, null, input as VariableInput);
      return acceptedVariableChange(context, change, project.id, null, 'created');
    },
  },
  {
    // GET /projects/{projectId}/variables/{projectVariableId}
    method: 'GET',
    path: '/projects/{projectId}/variables/{projectVariableId}',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      const variable = project.variables.get(context.params.projectVariableId ?? '');
      if (!variable) throw new SimulatorHttpError(404, 'Variable not found.');
      return ok(serializeProjectVariable(variable));
    },
  },
  {
    // PATCH /projects/{projectId}/variables/{projectVariableId}
    method: 'PATCH',
    path: '/projects/{projectId}/variables/{projectVariableId}',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      const change = context.store.updateVariable(project.id, null, context.params.projectVariableId ?? '', requireObjectBody(context.body) as VariableInput);
      return acceptedVariableChange(context, change, project.id, null, 'updated');
    },
  },
  {
    // DELETE /projects/{projectId}/variables/{projectVariableId}
    method: 'DELETE',
    path: '/projects/{projectId}/variables/{projectVariableId}',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      const change = context.store.deleteVariable(project.id, null, context.params.projectVariableId ?? '');
      return acceptedVariableChange(context, change, project.id, null, 'deleted');
    },
  },
  {
    // GET /projects/{projectId}/activities
    method: 'GET',
    path: '/projects/{projectId}/activities',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      const nowMs = context.store.clock.now();
      const newestFirst = [...project.activities.values()].sort((a, b) => b.createdAtMs - a.createdAtMs);
      return ok(newestFirst.map((activity) => serializeActivity(activity, nowMs)));
    },
  },
  {
    // GET /projects/{projectId}/activities/{activityId}
    method: 'GET',
    path: '/projects/{projectId}/activities/{activityId}',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      const activity = project.activities.get(context.params.activityId ?? '');
      if (!activity) throw new SimulatorHttpError(404, 'Activity not found.');
      return ok(serializeActivity(activity, context.store.clock.now()));
    },
  },
  {
    // GET /projects/{projectId}/environments/{environmentId}/activities/{activityId}
    method: 'GET',
    path: '/projects/{projectId}/environments/{environmentId}/activities/{activityId}',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      const environmentId = context.params.environmentId ?? '';
      context.store.requireEnvironment(project.id, environmentId);
      const activity = project.activities.get(context.params.activityId ?? '');
      if (!activity || !activity.environments.includes(environmentId)) throw new SimulatorHttpError(404, 'Activity not found.');
      return ok(serializeActivity(activity, context.store.clock.now()));
    },
  },
];

// ---- user access and invitations ----------------------------------------------------------

const accessRoutes: Route[] = [
  {
    // GET /projects/{projectId}/user-access
    method: 'GET',
    path: '/projects/{projectId}/user-access',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      const items = [...project.access.values()].map((access) => serializeUserProjectAccess(context.store, project, access, context.baseUrl));
      return ok({ items, _links: { self: { href: new URL(context.path, context.baseUrl).toString() } } });
    },
  },
  {
    // POST /projects/{projectId}/user-access (grant existing users; all-or-nothing)
    method: 'POST',
    path: '/projects/{projectId}/user-access',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      if (!Array.isArray(context.body) || context.body.length === 0) throw new SimulatorHttpError(400, 'The body must be a non-empty array of grants.', 'problem');
      const grants = context.body.map((entry: unknown) => {
        const grant = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
        if (typeof grant.user_id !== 'string') throw new SimulatorHttpError(400, 'user_id is required.', 'problem');
        return { userId: grant.user_id, permissions: grant.permissions };
      });
      // Validate every grant before applying any, so a refused request changes nothing.
      for (const grant of grants) {
        if (project.access.has(grant.userId)) throw new SimulatorHttpError(409, 'The user already has access to this project.', 'problem');
      }
      for (const grant of grants) context.store.addUserAccess(project.id, grant.userId, grant.permissions);
      return noContent();
    },
  },
  {
    // GET /projects/{projectId}/user-access/{userId}
    method: 'GET',
    path: '/projects/{projectId}/user-access/{userId}',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      const access = context.store.requireAccess(project.id, context.params.userId ?? '');
      return ok(serializeUserProjectAccess(context.store, project, access, context.baseUrl));
    },
  },
  {
    // PATCH /projects/{projectId}/user-access/{userId}
    method: 'PATCH',
    path: '/projects/{projectId}/user-access/{userId}',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      context.store.changeUserAccess(project.id, context.params.userId ?? '', requireObjectBody(context.body).permissions);
      return noContent();
    },
  },
  {
    // DELETE /projects/{projectId}/user-access/{userId}
    method: 'DELETE',
    path: '/projects/{projectId}/user-access/{userId}',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      context.store.removeUserAccess(project.id, context.params.userId ?? '');
      return noContent();
    },
  },
  {
    // GET /users/{userId}/project-access
    method: 'GET',
    path: '/users/{userId}/project-access',
    handle(context) {
      const userId = context.params.userId === 'me' ? context.caller.id : (context.params.userId ?? '');
      if (userId !== context.caller.id && !isOrganizationAdminAnywhere(context.store, context.caller.id)) {
        throw new SimulatorHttpError(403, "You may not list another user's project access.", 'problem');
      }
      const items: Json[] = [];
      for (const project of context.store.projects.values()) {
        const access = project.access.get(userId);
        if (access && context.store.canSeeProject(context.caller.id, project)) items.push(serializeUserProjectAccess(context.store, project, access, context.baseUrl));
      }
      return ok({ items, _links: { self: { href: new URL(context.path, context.baseUrl).toString() } } });
    },
  },
  {
    // POST /projects/{projectId}/invitations
    method: 'POST',
    path: '/projects/{projectId}/invitations',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      const body = requireObjectBody(context.body);
      if (typeof body.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email)) throw new SimulatorHttpError(400, 'A valid email is required.');
      const role = body.role ?? 'viewer';
      if (role !== 'admin' && role !== 'viewer') throw new SimulatorHttpError(400, `Invalid role: ${JSON.stringify(role)}`);
      const rawPermissions = body.permissions ?? [];
      if (!Array.isArray(rawPermissions)) throw new SimulatorHttpError(400, 'permissions must be an array.');
      const environmentRoles = rawPermissions.map((entry: unknown) => {
        const permission = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
        if (!ENVIRONMENT_TYPES.includes(permission.type as EnvironmentType) || !ENVIRONMENT_ROLES.includes(permission.role as EnvironmentRole)) {
          throw new SimulatorHttpError(400, `Invalid permission: ${JSON.stringify(entry)}`);
        }
        return { type: permission.type as EnvironmentType, role: permission.role as EnvironmentRole };
      });
      if (body.force !== undefined && typeof body.force !== 'boolean') throw new SimulatorHttpError(400, 'force must be a boolean.');
      const invitation = context.store.createInvitation(project.id, context.caller.id, { email: body.email, role, environmentRoles, force: body.force === true });
      return ok(serializeInvitation(context.store, invitation), 201);
    },
  },
  {
    // GET /projects/{projectId}/invitations (filter[state], pending by default)
    method: 'GET',
    path: '/projects/{projectId}/invitations',
    handle(context) {
      const project = visibleProject(context, context.params.projectId ?? '');
      const stateMatches = stringFilter(context.query, 'state') ?? ((state: string) => state === 'pending');
      const invitations = [...project.invitations.values()].filter((invitation) => stateMatches(invitation.state));
      return ok(invitations.map((invitation) => serializeInvitation(context.store, invitation)));
    },
  },
  {
    // DELETE /projects/{projectId}/invitations/{invitationId}
    method: 'DELETE',
    path: '/projects/{projectId}/invitations/{invitationId}',
    handle(context) {
      const project = administeredProject(context, context.params.projectId ?? '');
      context.store.cancelInvitation(project.id, context.params.invitationId ?? '');
      return noContent();
    },
  },
];

// ---- API tokens and SSH keys --------------------------------------------------------------

const tokenRoutes: Route[] = [
  {
    // GET /users/{userId}/api-tokens (never with values)
    method: 'GET',
    path: '/users/{userId}/api-tokens',
    handle(context) {
      const userId = ownUserId(context);
      const tokens = [...context.store.apiTokens.values()].filter((record) => record.userId === userId);
      return ok(tokens.map((record) => serializeApiToken(record)));
    },
  },
  {
    // POST /users/{userId}/api-tokens (the only response that carries the plaintext token)
    method: 'POST',
    path: '/users/{userId}/api-tokens',
    handle(context) {
      const userId = ownUserId(context);
      // The switch a sandbox or a test turns to play a Platform.sh that keeps token creation to people.
      if (context.store.tokenCreation === 'refused') throw new SimulatorHttpError(403, 'API tokens cannot be created with an API token session.');
      const name = requireObjectBody(context.body).name;
      if (typeof name !== 'string' || name.trim() === '') throw new SimulatorHttpError(400, 'name is required.');
      const isTaken = [...context.store.apiTokens.values()].some((record) => record.userId === userId && record.name === name);
      if (isTaken) throw new SimulatorHttpError(409, 'An API token with this name already exists.');
      return ok(serializeApiToken(context.store.issueApiToken(userId, name, { value: context.store.nextCreatedTokenValues.shift() }), true), 201);
    },
  },
  {
    // GET /users/{userId}/api-tokens/{tokenId}
    method: 'GET',
    path: '/users/{userId}/api-tokens/{tokenId}',
    handle(context) {
      const userId = ownUserId(context);
      const record = context.store.apiTokens.get(context.params.tokenId ?? '');
      if (!record || record.userId !== userId) throw new SimulatorHttpError(404, 'API token not found.');
      return ok(serializeApiToken(record));
    },
  },
  {
    // DELETE /users/{userId}/api-tokens/{tokenId} (access tokens already derived live until expiry, as documented)
    method: 'DELETE',
    path: '/users/{userId}/api-tokens/{tokenId}',
    handle(context) {
      const userId = ownUserId(context);
      const record = context.store.apiTokens.get(context.params.tokenId ?? '');
      if (!record || record.userId !== userId) throw new SimulatorHttpError(404, 'API token not found.');
      context.store.apiTokens.delete(record.id);
      return noContent();
    },
  },
  {
    // POST /ssh_keys
    method: 'POST',
    path: '/ssh_keys',
    handle(context) {
      const body = requireObjectBody(context.body);
      if (typeof body.value !== 'string' || !/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+) \S+/.test(body.value)) throw new SimulatorHttpError(400, 'value must be an OpenSSH public key.');
      const title = typeof body.title === 'string' ? body.title : 'SSH key';
      const key = context.store.addSshKey(context.caller.id, body.value, title);
      return ok(serializeSshKey(key, uidOf(context.store, context.caller.id)), 201);
    },
  },
  {
    // GET /ssh_keys/{keyId}
    method: 'GET',
    path: '/ssh_keys/{keyId}',
    handle(context) {
      const key = context.store.sshKeys.get(Number(context.params.keyId));
      if (!key || key.userId !== context.caller.id) throw new SimulatorHttpError(404, 'SSH key not found.');
      return ok(serializeSshKey(key, uidOf(context.store, context.caller.id)));
    },
  },
  {
    // DELETE /ssh_keys/{keyId}
    method: 'DELETE',
    path: '/ssh_keys/{keyId}',
    handle(context) {
      const key = context.store.sshKeys.get(Number(context.params.keyId));
      if (!key || key.userId !== context.caller.id) throw new SimulatorHttpError(404, 'SSH key not found.');
      context.store.sshKeys.delete(key.keyId);
      return noContent();
    },
  },
];

/** The legacy numeric user id of SSH keys: stable per user. */
function uidOf(store: SimulatorStore, userId: string): number {
  return [...store.users.keys()].indexOf(userId) + 1;
}

// ---- the Console (not the API) ---------------------------------------------------------------

// The Console's pages are small HTML documents.

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function consolePage(title: string, body: string, status: number): RouteResult {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
${body}</body></html>`;
  return { status, body: html, contentType: 'text/html; charset=utf-8', headers: { 'Cache-Control': 'no-store' } };
}

function consoleUser(context: RouteContext) {
  const user = context.store.users.get(context.params.userId ?? '');
  if (!user) throw new SimulatorHttpError(404, 'User not found.');
  return user;
}

function consoleRefusal(email: string): RouteResult {
  return consolePage(
    'Not for this account',
    `<h1>Not for this account</h1><p>Platform.sh simulator — Console of <strong>${escapeHtml(email)}</strong>.</p>
<p>This page creates API tokens for machine users only. ${escapeHtml(email)} administers the organisation (Keywarden's own dashboard account, or an owner): a token of theirs would control every project, so the simulator does not create one here.</p>`,
    403,
  );
}

function tokenNameFrom(value: string | null): string {
  return (value ?? '').trim().slice(0, 100) || 'Keywarden';
}

// What a person does in the Platform.sh Console rather than through the API: a machine user accepts
// its invitation from the e-mail, and creates an API token that is shown once. Sandbox mode offers
// these as buttons so that a newcomer can walk through onboarding alone. Outside the contract, on
// a separate prefix; the simulator only ever runs for sandbox mode, tests and benchmarks.
const consoleRoutes: Route[] = [
  {
    // POST /_console/invitations/{invitationId}/accept
    method: 'POST',
    path: '/_console/invitations/{invitationId}/accept',
    isPublic: true,
    handle(context) {
      const { user } = context.store.acceptInvitation(context.params.invitationId ?? '');
      return ok({ user_id: user.id, email: user.email });
    },
  },
  {
    // POST /_console/projects/{projectId}/environments/{environmentId}/run-cron: the environment's
    // cron runs now, as it would on schedule — its CLI call authenticates with the environment's
    // env:PLATFORMSH_CLI_TOKEN. The answer is what the cron's log would show (the token's id and
    // its new last_used_at), never the value: sandbox mode reads "first use" from it.
    method: 'POST',
    path: '/_console/projects/{projectId}/environments/{environmentId}/run-cron',
    isPublic: true,
    handle(context) {
      const project = context.store.requireProject(context.params.projectId ?? '');
      const environment = context.store.requireEnvironment(project.id, context.params.environmentId ?? '');
      const record = context.store.runCronWithCliToken(project.id, environment.id);
      return ok({ project_id: project.id, environment_id: environment.id, user_id: record.userId, api_token: serializeApiToken(record) });
    },
  },
  {
    // POST /_console/projects/{projectId}/drift: someone changes the project in the Console behind
    // Keywarden's back, so that sandbox mode can show every kind of drift (issue 15 §3). Body:
    // { kind, environment_id?, user_id? }. Like any Console change, it leaves no activity.
    method: 'POST',
    path: '/_console/projects/{projectId}/drift',
    isPublic: true,
    handle(context) {
      const project = context.store.requireProject(context.params.projectId ?? '');
      const input = (context.body ?? {}) as { kind?: unknown; environment_id?: unknown; user_id?: unknown };
      const environmentId = typeof input.environment_id === 'string' ? input.environment_id : '';
      const userId = typeof input.user_id === 'string' ? input.user_id : '';
      switch (input.kind) {
        case 'delete_variable':
          context.store.requireEnvironment(project.id, environmentId);
          context.store.driftDeleteVariable(project.id, environmentId, context.store.vendor.tokenVariable);
          break;
        case 'weaken_variable':
          context.store.requireEnvironment(project.id, environmentId);
          // Platform.sh never makes a sensitive value readable again: inheritable and disabled are what
          // a person can do to it.
          context.store.driftUpdateVariable(project.id, environmentId, context.store.vendor.tokenVariable, { is_inheritable: true, is_enabled: false });
          break;
        case 'add_variable':
          context.store.requireEnvironment(project.id, environmentId);
          if (context.store.variableMap(project.id, environmentId).has(context.store.vendor.tokenVariable)) throw new SimulatorHttpError(409, 'The environment already has the variable.');
          context.store.seedVariable(project.id, environmentId, { name: context.store.vendor.tokenVariable, value: `hand-set-${randomUUID()}`, is_sensitive: true, is_inheritable: false });
          break;
        case 'escalate_roles':
          context.store.requireAccess(project.id, userId);
          context.store.driftSetUserAccess(project.id, userId, ['admin']);
          break;
        case 'remove_member':
          context.store.requireAccess(project.id, userId);
          context.store.driftSetUserAccess(project.id, userId, null);
          break;
        default:
          throw new SimulatorHttpError(400, 'Unknown kind of drift.');
      }
      return ok({ project_id: project.id, kind: input.kind });
    },
  },
  {
    // GET /_console/projects/{projectId}/redeploys: whether the project's redeploys are set to fail
    // (the sandbox switch below), for the page that offers the switch.
    method: 'GET',
    path: '/_console/projects/{projectId}/redeploys',
    isPublic: true,
    handle(context) {
      const project = context.store.requireProject(context.params.projectId ?? '');
      return ok({ project_id: project.id, fail: context.store.failingRedeployProjects.has(project.id) });
    },
  },
  {
    // POST /_console/projects/{projectId}/redeploys: body { fail: boolean }. From now on the
    // project's redeploys end in failure (a deploy hook that fails, a full disk), so that sandbox
    // mode can show how Keywarden follows a redeploy that fails after a push (issue 20 §2).
    method: 'POST',
    path: '/_console/projects/{projectId}/redeploys',
    isPublic: true,
    handle(context) {
      const project = context.store.requireProject(context.params.projectId ?? '');
      const input = (context.body ?? {}) as { fail?: unknown };
      if (typeof input.fail !== 'boolean') throw new SimulatorHttpError(400, 'Say whether redeploys fail: { "fail": true | false }.');
      context.store.setRedeploysFail(project.id, input.fail);
      return ok({ project_id: project.id, fail: input.fail });
    },
  },
  {
    // GET /_console/users/{userId}/api-tokens/new: the Console's "Create an API token" page, as
    // the machine user sees it. Opening it mints nothing (a reload, a prefetch, a second tab would
    // each leave a live token behind, issue 14): it counts the account's tokens and offers a
    // "Create token" button, which POSTs to the same address.
    method: 'GET',
    path: '/_console/users/{userId}/api-tokens/new',
    isPublic: true,
    handle(context) {
      const user = consoleUser(context);
      if (isOrganizationAdminAnywhere(context.store, user.id)) return consoleRefusal(user.email);
      const name = tokenNameFrom(context.query.get('name'));
      const count = [...context.store.apiTokens.values()].filter((record) => record.userId === user.id).length;
      return consolePage(
        'Create an API token',
        `<h1>Create an API token</h1><p>Platform.sh simulator — Console of <strong>${escapeHtml(user.email)}</strong>.</p>
<p>API tokens of this account: ${count}</p>
<form method="post"><p><label>Token name <input name="name" value="${escapeHtml(name)}" maxlength="100" required></label></p>
<p><button type="submit">Create token</button></p></form>`,
        200,
      );
    },
  },
  {
    // POST /_console/users/{userId}/api-tokens/new: "Create token" — the token is shown once, on
    // the simulator's own page (never through Keywarden, which must not hold it in any page or
    // response: SECURITY.md T1). The page asks for no sign-in (the simulator has no sessions), so
    // it serves machine users only: an organisation admin's token — the dashboard account's, an
    // owner's — would control every project of the organisation, and anyone on loopback could
    // mint one (issue 21).
    method: 'POST',
    path: '/_console/users/{userId}/api-tokens/new',
    isPublic: true,
    handle(context) {
      const user = consoleUser(context);
      if (isOrganizationAdminAnywhere(context.store, user.id)) return consoleRefusal(user.email);
      const name = tokenNameFrom(new URLSearchParams(context.rawBody).get('name') ?? context.query.get('name'));
      const record = context.store.issueApiToken(user.id, name);
      return consolePage(
        'API token created',
        `<h1>API token created</h1><p>Platform.sh simulator — Console of <strong>${escapeHtml(user.email)}</strong>.</p>
<p>Token “${escapeHtml(record.name)}”. Copy it now: it is shown only once.</p>
<p><output id="api-token" style="font-family:monospace;font-size:1.1rem;background:#eef;padding:.5rem;display:block;word-break:break-all">${escapeHtml(record.token)}</output></p>
<p>Paste it into Keywarden's “Record a token” form, then close this page.</p>`,
        201,
      );
    },
  },
];

export const SIMULATOR_ROUTES: Route[] = [...authRoutes, ...identityRoutes, ...environmentRoutes, ...accessRoutes, ...tokenRoutes, ...consoleRoutes];
