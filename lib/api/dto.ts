// The REST API's response bodies: stable snake_case DTOs, each a zod schema (the OpenAPI document
// is generated from them, and the tests validate every answer against it) and a mapping from the
// domain's view. Never a token value, never a fingerprint: what the dashboard shows (last four).
import { z } from 'zod';
import type { ApiKeyView } from '@/lib/domain/api-keys';
import type { FindingPage } from '@/lib/domain/findings/queries';
import type { ProjectDetail, ProjectSummary } from '@/lib/domain/inventory/projects';
import type { MachineUserDetail, MachineUserSummary } from '@/lib/domain/machine-users/queries';
import type { PushRunView, TokenRecordView } from '@/lib/domain/tokens/queries';
import type { AuditRecord } from '@/lib/domain/audit-export';
import { ROLES } from '@/lib/roles';

const timestamp = z.iso.datetime().meta({ description: 'ISO 8601, UTC.' });
const nullableTimestamp = timestamp.nullable();
const ref = z.object({ id: z.string(), email: z.string() });
const projectRef = z.object({ id: z.string(), title: z.string() });

export const projectSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    region: z.string().nullable(),
    environment_counts: z.object({ total: z.int(), production: z.int(), staging: z.int(), development: z.int() }),
    machine_users: z.int().meta({ description: 'Keywarden’s machine users on the project (removed ones aside).' }),
    token_on_production: z.boolean(),
    last_synced_at: nullableTimestamp,
    last_sync_error: z.string().nullable(),
    missing_since: nullableTimestamp,
  })
  .meta({ id: 'ProjectSummary' });

export const projectDetailSchema = projectSummarySchema
  .extend({
    organization_id: z.string().nullable(),
    default_branch: z.string().nullable(),
    token_variable_name: z.string(),
    environments: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        type: z.enum(['production', 'staging', 'development']),
        status: z.string(),
        parent: z.string().nullable(),
        is_main: z.boolean(),
      }),
    ),
    token_variables: z.array(
      z.object({
        id: z.string(),
        environment_id: z.string().nullable().meta({ description: 'Null: set at project level.' }),
        is_sensitive: z.boolean(),
        is_inheritable: z.boolean(),
        is_enabled: z.boolean(),
        visible_build: z.boolean(),
        visible_runtime: z.boolean(),
        inherited: z.boolean(),
        updated_at: nullableTimestamp,
        held_by: z.object({ machine_user_id: z.string(), email: z.string(), token_name: z.string(), last_four: z.string() }).nullable(),
      }),
    ),
    machine_user_list: z.array(z.object({ id: z.string(), email: z.string(), purpose: z.string(), state: z.string() })),
  })
  .meta({ id: 'Project' });

export function projectSummaryDto(project: ProjectSummary): z.infer<typeof projectSummarySchema> {
  return {
    id: project.id,
    title: project.title,
    region: project.region,
    environment_counts: project.environments,
    machine_users: project.machineUsers,
    token_on_production: project.tokenOnProduction,
    last_synced_at: project.lastSyncedAt,
    last_sync_error: project.lastSyncError,
    missing_since: project.missingSince,
  };
}

export function projectDetailDto(project: ProjectDetail): z.infer<typeof projectDetailSchema> {
  return {
    ...projectSummaryDto(project),
    organization_id: project.organizationId,
    default_branch: project.defaultBranch,
    token_variable_name: project.tokenVariableName,
    environments: project.environmentList.map((environment) => ({
      id: environment.id,
      name: environment.title,
      type: environment.type,
      status: environment.status,
      parent: environment.parent,
      is_main: environment.isMain,
    })),
    token_variables: project.tokenVariables.map((variable) => ({
      id: variable.id,
      environment_id: variable.environmentId,
      is_sensitive: variable.isSensitive,
      is_inheritable: variable.isInheritable,
      is_enabled: variable.isEnabled,
      visible_build: variable.visibleBuild,
      visible_runtime: variable.visibleRuntime,
      inherited: variable.inherited,
      updated_at: variable.updatedAt,
      held_by: variable.heldBy ? { machine_user_id: variable.heldBy.machineUserId, email: variable.heldBy.email, token_name: variable.heldBy.tokenName, last_four: variable.heldBy.lastFour } : null,
    })),
    machine_user_list: project.machineUserList,
  };
}

export const machineUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    purpose: z.string(),
    state: z.enum(['invited', 'active', 'expired', 'cancelled', 'error', 'removed']),
    project: projectRef,
    permissions: z.array(z.string()).meta({ description: 'Platform.sh project and environment-type roles, e.g. `production:viewer`.' }),
    needs_ssh_key: z.boolean(),
    owner: ref,
    backup_owner: ref.nullable(),
    invitation_state: z.string().nullable(),
    invitation_sent_at: nullableTimestamp,
    invitation_expires_at: nullableTimestamp,
    platformsh_user_id: z.string().nullable(),
    last_error: z.string().nullable(),
    checked_at: nullableTimestamp,
    created_at: timestamp,
    removed_at: nullableTimestamp,
  })
  .meta({ id: 'MachineUser' });

export const machineUserDetailSchema = machineUserSchema
  .extend({ created_by: z.string().nullable(), override_reason: z.string().nullable() })
  .meta({ id: 'MachineUserDetail' });

export function machineUserDto(row: MachineUserSummary): z.infer<typeof machineUserSchema> {
  return {
    id: row.id,
    email: row.email,
    purpose: row.purpose,
    state: row.state,
    project: row.project,
    permissions: row.permissions,
    needs_ssh_key: row.needsSshKey,
    owner: row.owner,
    backup_owner: row.backupOwner,
    invitation_state: row.invitationState,
    invitation_sent_at: row.invitationSentAt,
    invitation_expires_at: row.invitationExpiresAt,
    platformsh_user_id: row.platformshUserId,
    last_error: row.lastError,
    checked_at: row.checkedAt,
    created_at: row.createdAt,
    removed_at: row.removedAt,
  };
}

export function machineUserDetailDto(row: MachineUserDetail): z.infer<typeof machineUserDetailSchema> {
  return { ...machineUserDto(row), created_by: row.createdBy, override_reason: row.overrideReason };
}

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    last_four: z.string().meta({ description: 'The last four characters of the token: all Keywarden shows of it.' }),
    status: z.enum(['active', 'superseded', 'revoked', 'compromised']),
    recorded_at: timestamp,
    rotate_by: timestamp,
    overdue: z.boolean(),
    last_used_at: nullableTimestamp,
    platformsh_token_id: z.string().nullable(),
    environments: z.array(z.string()).meta({ description: 'Environments holding it now.' }),
    drift: z.array(z.object({ environment_id: z.string(), problems: z.array(z.string()), seen_at: timestamp })),
    deleted_on_platform_at: nullableTimestamp,
    minted: z.boolean().meta({ description: 'Minted by Keywarden from a pasted bootstrap token (no person saw it); the bootstrap is deleted once the push succeeds.' }),
    mint_policy_unmet: z
      .string()
      .nullable()
      .meta({ description: 'Why a push that should have minted its token (the organisation policy, or the caller’s `mint`) pushed the pasted one instead — e.g. Platform.sh refused the mint (403). Null otherwise.' }),
    machine_user: ref,
    project: projectRef,
  })
  .meta({ id: 'Token' });

export function tokenDto(token: TokenRecordView): z.infer<typeof tokenSchema> {
  return {
    id: token.id,
    name: token.name,
    last_four: token.lastFour,
    status: token.status,
    recorded_at: token.recordedAt,
    rotate_by: token.rotateBy,
    overdue: token.overdue,
    last_used_at: token.lastUsedAt,
    platformsh_token_id: token.platformshTokenId,
    environments: token.environments,
    drift: token.drift.map((entry) => ({ environment_id: entry.environmentId, problems: entry.problems, seen_at: entry.seenAt })),
    deleted_on_platform_at: token.deletedOnPlatformAt,
    minted: token.minted,
    mint_policy_unmet: token.mintPolicyUnmet,
    machine_user: token.machineUser,
    project: token.project,
  };
}

export const pushRunSchema = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'succeeded', 'partial', 'failed']),
    token_last_four: z.string(),
    minted: z.boolean().meta({ description: 'Its token was minted: no one has its value, so an unfinished push resumes with a live token of the machine user (a fresh token is minted for every environment).' }),
    started_at: timestamp,
    finished_at: nullableTimestamp,
    steps: z.array(
      z.object({
        environment_id: z.string(),
        environment_type: z.string(),
        status: z.string(),
        operation: z.string().nullable(),
        replaced_foreign: z.boolean(),
        activity_ids: z.array(z.string()),
        error: z.string().nullable(),
        redeploy: z
          .object({
            status: z.enum(['none', 'waiting', 'running', 'succeeded', 'failed', 'unconfirmed']).describe('The redeploy the step started, as Keywarden last read it in the background.'),
            completion_percent: z.number().int().nullable(),
            log_url: z.string().nullable().describe('The Console page of the activity’s log.'),
          })
          .describe('The redeploy setting the variable started (issue 20): followed until it completes.'),
      }),
    ),
  })
  .meta({ id: 'PushRun' });

export function pushRunDto(run: PushRunView): z.infer<typeof pushRunSchema> {
  return {
    id: run.id,
    status: run.status,
    token_last_four: run.tokenLastFour,
    minted: run.minted,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    steps: run.steps.map((step) => ({
      environment_id: step.environmentId,
      environment_type: step.environmentType,
      status: step.status,
      operation: step.operation,
      replaced_foreign: step.replacedForeign,
      activity_ids: step.activityIds,
      error: step.error,
      redeploy: { status: step.redeploy.status, completion_percent: step.redeploy.percent, log_url: step.redeploy.logUrl },
    })),
  };
}

type FindingView = FindingPage['findings'][number];

export const findingSchema = z
  .object({
    id: z.string(),
    rule_id: z.string(),
    title: z.string(),
    reason: z.string(),
    fix: z.string(),
    severity: z.enum(['critical', 'high', 'medium', 'low']),
    status: z.enum(['open', 'accepted', 'resolved']),
    evidence: z.record(z.string(), z.unknown()),
    first_seen_at: timestamp,
    last_seen_at: timestamp,
    resolved_at: nullableTimestamp,
    accepted: z.object({ until: timestamp, reason: z.string().nullable(), by: z.string().nullable(), expired: z.boolean() }).nullable(),
    project: projectRef.nullable(),
    environment_id: z.string().nullable(),
    machine_user: ref.nullable(),
    token: z.object({ id: z.string(), label: z.string() }).nullable(),
    platformsh_user_id: z.string().nullable(),
  })
  .meta({ id: 'Finding' });

export function findingDto(finding: FindingView): z.infer<typeof findingSchema> {
  return {
    id: finding.id,
    rule_id: finding.ruleId,
    title: finding.title,
    reason: finding.reason,
    fix: finding.fix,
    severity: finding.severity,
    status: finding.status,
    evidence: finding.evidence,
    first_seen_at: finding.firstSeenAt,
    last_seen_at: finding.lastSeenAt,
    resolved_at: finding.resolvedAt,
    accepted: finding.accepted,
    project: finding.project,
    environment_id: finding.environmentId,
    machine_user: finding.machineUser,
    token: finding.token,
    platformsh_user_id: finding.platformshUserId,
  };
}

export const auditEventSchema = z
  .object({
    seq: z.string().regex(/^\d+$/).meta({ description: 'The event’s place in the log: the `since` cursor.' }),
    occurred_at: timestamp,
    actor_email: z.string().nullable(),
    actor_role: z.string().nullable(),
    actor_claimed: z.boolean(),
    action: z.string().meta({ description: 'The action’s code name (`token.finish_revocation`): what to match on.' }),
    event: z.string().meta({ description: 'The action and its step in words, as the Audit page shows it: what to show a person.' }),
    outcome: z.enum(['succeeded', 'refused', 'invalid', 'failed']),
    target_type: z.string().nullable(),
    target_id: z.string().nullable(),
    target_name: z.string().nullable(),
    token_label: z.string().nullable(),
    reason: z.string().nullable(),
    before: z.string().nullable(),
    after: z.string().nullable(),
    step: z.string().nullable(),
    client_address: z.string().nullable(),
    details: z.unknown(),
    mac: z.string().meta({ description: 'The chain MAC of the row (matches the chain’s head).' }),
  })
  .meta({ id: 'AuditEvent' });

export function auditEventDto(record: AuditRecord): z.infer<typeof auditEventSchema> {
  return record as z.infer<typeof auditEventSchema>;
}

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: '`kw_` and the first six characters of the key.' }),
    role: z.enum(ROLES),
    owner: ref,
    state: z.enum(['active', 'expired', 'revoked']),
    created_at: timestamp,
    expires_at: timestamp,
    last_used_at: nullableTimestamp,
    last_used_from: z.string().nullable(),
    revoked_at: nullableTimestamp,
  })
  .meta({ id: 'ApiKey' });

export function apiKeyDto(key: ApiKeyView): z.infer<typeof apiKeySchema> {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    owner: key.owner,
    state: key.state,
    created_at: key.createdAt,
    expires_at: key.expiresAt,
    last_used_at: key.lastUsedAt,
    last_used_from: key.lastUsedFrom,
    revoked_at: key.revokedAt,
  };
}

export const createdApiKeySchema = z
  .object({
    key: z.string().meta({ description: 'The key itself. Shown this once: Keywarden keeps only a keyed digest.' }),
    api_key: apiKeySchema,
  })
  .meta({ id: 'CreatedApiKey' });
