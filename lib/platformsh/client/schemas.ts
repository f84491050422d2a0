// Zod schemas of the Platform.sh payloads Keywarden reads (shapes from the OpenAPI excerpt,
// ../shared/platformsh-api/openapi-excerpt.json), each transforming straight into Keywarden's own
// types. Objects pick only the fields we need; unknown fields are dropped, so a vendor addition
// never breaks parsing and never leaks upward (STYLE.md habit 4). Fields the app depends on are
// required; a payload without them is a protocol error.
import { z } from 'zod';
import {
  PROJECT_PERMISSIONS,
  type AcceptedChange,
  type Activity,
  type ApiTokenInfo,
  type CurrentUser,
  type Environment,
  type Invitation,
  type Organization,
  type Project,
  type SshKey,
  type UserAccess,
  type Variable,
} from './types';

const optionalText = z.string().nullish().transform((value) => value ?? null);
const flag = (fallback: boolean) => z.boolean().nullish().transform((value) => value ?? fallback);

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  // The contract's example is 900 s; a missing value is treated as the shortest sensible lifetime.
  expires_in: z.number().positive().default(300),
  token_type: z.string().optional(),
});

const linkSchema = z.object({ href: z.string() }).nullish();
export const listLinksSchema = z
  .object({ self: linkSchema, next: linkSchema, previous: linkSchema })
  .partial()
  .nullish();

// GET /users/me → User
export const currentUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    username: z.string(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    deactivated: z.boolean().nullish(),
  })
  .transform(
    (user): CurrentUser => ({
      id: user.id,
      email: user.email,
      username: user.username,
      firstName: user.first_name ?? '',
      lastName: user.last_name ?? '',
      deactivated: user.deactivated ?? false,
    }),
  );

// Organization
export const organizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    label: z.string().nullish(),
    type: optionalText,
    owner_id: optionalText,
    status: optionalText,
  })
  .transform(
    (org): Organization => ({ id: org.id, name: org.name, label: org.label ?? org.name, type: org.type, ownerId: org.owner_id, status: org.status }),
  );

export const organizationPageSchema = z.object({ items: z.array(organizationSchema), _links: listLinksSchema });

// OrganizationProject (GET /organizations/{organization_id}/projects)
export const organizationProjectSchema = z
  .object({
    id: z.string(),
    organization_id: optionalText,
    region: z.string(),
    title: z.string(),
    status: optionalText,
    default_branch: optionalText,
    created_at: optionalText,
    updated_at: optionalText,
  })
  .transform(
    (project): Project => ({
      id: project.id,
      title: project.title,
      region: project.region,
      organizationId: project.organization_id,
      status: project.status,
      defaultBranch: project.default_branch,
      createdAt: project.created_at,
      updatedAt: project.updated_at,
    }),
  );

export const organizationProjectPageSchema = z.object({ items: z.array(organizationProjectSchema), _links: listLinksSchema });

// Project (GET /projects/{projectId}); `status` is an object `{code, message}` here.
export const projectSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    region: z.string(),
    organization: optionalText,
    status: z.object({ code: z.string() }).nullish(),
    default_branch: optionalText,
    created_at: optionalText,
    updated_at: optionalText,
  })
  .transform(
    (project): Project => ({
      id: project.id,
      title: project.title,
      region: project.region,
      organizationId: project.organization,
      status: project.status?.code ?? null,
      defaultBranch: project.default_branch,
      createdAt: project.created_at,
      updatedAt: project.updated_at,
    }),
  );

// Environment
export const environmentSchema = z
  .object({
    id: z.string(),
    project: z.string(),
    name: z.string(),
    machine_name: z.string().nullish(),
    title: z.string().nullish(),
    type: z.enum(['production', 'staging', 'development']),
    status: z.enum(['active', 'inactive', 'paused', 'dirty', 'deleting']),
    parent: optionalText,
    is_main: flag(false),
    created_at: optionalText,
    updated_at: optionalText,
  })
  .transform(
    (env): Environment => ({
      id: env.id,
      projectId: env.project,
      name: env.name,
      machineName: env.machine_name ?? env.name,
      title: env.title ?? env.name,
      type: env.type,
      status: env.status,
      parent: env.parent,
      isMain: env.is_main,
      createdAt: env.created_at,
      updatedAt: env.updated_at,
    }),
  );

// EnvironmentVariable / ProjectVariable. `value` is deliberately not picked: it is dropped here,
// at the first step, so no sensitive (or other) value travels further.
const variableFields = {
  name: z.string().min(1),
  is_sensitive: z.boolean(),
  is_json: flag(false),
  visible_build: flag(true),
  visible_runtime: flag(true),
  created_at: optionalText,
  updated_at: optionalText,
};

export const environmentVariableSchema = z
  .object({ ...variableFields, is_inheritable: flag(true), is_enabled: flag(true), inherited: flag(false) })
  .transform(
    (v): Variable => ({
      name: v.name,
      level: 'environment',
      isSensitive: v.is_sensitive,
      isInheritable: v.is_inheritable,
      isEnabled: v.is_enabled,
      visibleBuild: v.visible_build,
      visibleRuntime: v.visible_runtime,
      isJson: v.is_json,
      inherited: v.inherited,
      createdAt: v.created_at,
      updatedAt: v.updated_at,
    }),
  );

// ProjectVariable has no is_enabled / is_inheritable / inherited in the excerpt: a project variable
// is always in force and reaches every environment.
export const projectVariableSchema = z.object(variableFields).transform(
  (v): Variable => ({
    name: v.name,
    level: 'project',
    isSensitive: v.is_sensitive,
    isInheritable: true,
    isEnabled: true,
    visibleBuild: v.visible_build,
    visibleRuntime: v.visible_runtime,
    isJson: v.is_json,
    inherited: false,
    createdAt: v.created_at,
    updatedAt: v.updated_at,
  }),
);

// AcceptedResponse {status, code} + `_embedded.activities` (CONTRACT.md "Variables").
export const acceptedResponseSchema = z
  .object({
    status: z.string(),
    code: z.number().optional(),
    _embedded: z.object({ activities: z.array(z.object({ id: z.string() })).nullish() }).nullish(),
  })
  .transform((accepted): AcceptedChange => ({ status: accepted.status, activityIds: (accepted._embedded?.activities ?? []).map((a) => a.id) }));

// Activity
export const activitySchema = z
  .object({
    id: z.string(),
    project: z.string(),
    type: z.string(),
    state: z.enum(['pending', 'in_progress', 'complete', 'cancelled', 'scheduled', 'staged']),
    result: z.enum(['success', 'failure']).nullish(),
    completion_percent: z.number().nullish(),
    environments: z.array(z.string()).nullish(),
    description: optionalText,
    created_at: optionalText,
    started_at: optionalText,
    completed_at: optionalText,
  })
  .transform(
    (a): Activity => ({
      id: a.id,
      projectId: a.project,
      type: a.type,
      state: a.state,
      result: a.result ?? null,
      completionPercent: a.completion_percent ?? 0,
      environments: a.environments ?? [],
      description: a.description,
      createdAt: a.created_at,
      startedAt: a.started_at,
      completedAt: a.completed_at,
    }),
  );

export const projectPermissionsSchema = z.array(z.enum(PROJECT_PERMISSIONS));

// UserProjectAccess
export const userAccessSchema = z
  .object({
    user_id: z.string(),
    project_id: z.string(),
    project_title: optionalText,
    organization_id: optionalText,
    permissions: projectPermissionsSchema,
    granted_at: optionalText,
    updated_at: optionalText,
  })
  .transform(
    (access): UserAccess => ({
      userId: access.user_id,
      projectId: access.project_id,
      projectTitle: access.project_title,
      organizationId: access.organization_id,
      permissions: access.permissions,
      grantedAt: access.granted_at,
      updatedAt: access.updated_at,
    }),
  );

export const userAccessPageSchema = z.object({ items: z.array(userAccessSchema), _links: listLinksSchema });

// ProjectInvitation
export const invitationSchema = z
  .object({
    id: z.string(),
    project_id: z.string(),
    email: z.string(),
    role: z.enum(['admin', 'viewer']).nullish(),
    state: z.enum(['pending', 'processing', 'accepted', 'cancelled', 'error']),
    created_at: optionalText,
    updated_at: optionalText,
    finished_at: optionalText,
  })
  .transform(
    (inv): Invitation => ({
      id: inv.id,
      projectId: inv.project_id,
      email: inv.email,
      role: inv.role ?? null,
      state: inv.state,
      createdAt: inv.created_at,
      updatedAt: inv.updated_at,
      finishedAt: inv.finished_at,
    }),
  );

// ApiToken. `token` is never picked here: it appears only in the creation response, read by
// `mintedApiTokenSchema` alone (minted deployment tokens, issue 18.2).
export const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    mfa_on_creation: flag(false),
    created_at: optionalText,
    last_used_at: optionalText,
  })
  .transform(
    (token): ApiTokenInfo => ({
      id: token.id,
      name: token.name,
      createdAt: token.created_at,
      lastUsedAt: token.last_used_at,
      mfaOnCreation: token.mfa_on_creation,
    }),
  );

/**
 * The answer to `POST /users/{user_id}/api-tokens`: the token's metadata and its plaintext, which
 * Platform.sh shows only here. The caller holds the value for one request (T1) and registers it for
 * redaction at once (T3).
 */
export const mintedApiTokenSchema = z
  .object({ token: z.string().min(1), id: z.string(), name: z.string(), mfa_on_creation: flag(false), created_at: optionalText, last_used_at: optionalText })
  .transform((minted): { info: ApiTokenInfo; token: string } => ({
    info: { id: minted.id, name: minted.name, createdAt: minted.created_at, lastUsedAt: minted.last_used_at, mfaOnCreation: minted.mfa_on_creation },
    token: minted.token,
  }));

// SshKey
export const sshKeySchema = z
  .object({ key_id: z.number(), fingerprint: optionalText, title: optionalText })
  .transform((key): SshKey => ({ keyId: key.key_id, fingerprint: key.fingerprint, title: key.title }));
