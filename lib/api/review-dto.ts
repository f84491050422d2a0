// The REST API's access-review bodies (issue 15's campaigns, read by issue 16's API): snake_case
// DTOs as zod schemas with OpenAPI ids, and the mappings from the domain's views
// (lib/domain/reviews/*). Items are the campaign's copy of each machine user as it was when the
// campaign started: token metadata only (name, last four, dates), never a value or a fingerprint.
import { z } from 'zod';
import type { CampaignDetail, CampaignSummary } from '@/lib/domain/reviews/campaigns';
import type { ReviewItemView, ReviewTaskView } from '@/lib/domain/reviews/items';

const timestamp = z.iso.datetime().meta({ description: 'ISO 8601, UTC.' });
const nullableTimestamp = timestamp.nullable();
const day = z.iso.date().meta({ description: 'A day, YYYY-MM-DD (UTC).' });
const ref = z.object({ id: z.string(), email: z.string() });
const projectRef = z.object({ id: z.string(), title: z.string() });
const decisionKind = z.enum(['keep', 'change', 'remove']);

export const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    due_on: day,
    state: z.enum(['open', 'closed']),
    overdue: z.boolean().meta({ description: 'Open, and the due day has passed.' }),
    scope: z.object({
      all_projects: z.boolean(),
      projects: z.array(projectRef).meta({ description: 'The projects it covers (empty when it covers every project).' }),
    }),
    items: z.int().min(0).meta({ description: 'Machine users under review.' }),
    decided: z.int().min(0),
    created_at: timestamp,
    created_by_email: z.string(),
    closed_at: nullableTimestamp,
    closed_by_email: z.string().nullable(),
  })
  .meta({ id: 'ReviewCampaign' });

export const campaignDetailSchema = campaignSchema
  .extend({
    by_decision: z.object({ keep: z.int(), change: z.int(), remove: z.int() }),
    reviewers: z
      .array(z.object({ reviewer: ref, decided: z.int(), keep: z.int(), change: z.int(), remove: z.int() }))
      .meta({ description: 'Sign-offs per person, most first.' }),
    tasks: z.object({ total: z.int(), done: z.int() }).meta({ description: 'Tasks for admins raised by `change` and `remove` decisions.' }),
  })
  .meta({ id: 'ReviewCampaignDetail' });

export const reviewItemSchema = z
  .object({
    id: z.string(),
    machine_user: z.object({ id: z.string(), email: z.string(), purpose: z.string(), state: z.string() }).meta({ description: 'As it was when the campaign started.' }),
    project: projectRef,
    permissions: z.array(z.string()),
    owner: ref,
    backup_owner: ref.nullable(),
    tokens: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        last_four: z.string(),
        status: z.enum(['active', 'superseded', 'revoked', 'compromised']),
        rotate_by: timestamp,
        last_used_at: nullableTimestamp,
        recorded_at: timestamp,
      }),
    ),
    findings: z.array(
      z.object({
        id: z.string(),
        rule_id: z.string(),
        severity: z.enum(['low', 'medium', 'high', 'critical']),
        first_seen_at: timestamp,
        accepted_until: nullableTimestamp,
      }),
    ),
    snapshot_at: timestamp,
    decision: z
      .object({ kind: decisionKind, note: z.string().nullable(), reviewer: ref, decided_at: timestamp })
      .nullable()
      .meta({ description: 'The sign-off (null: undecided).' }),
    task: z.object({ kind: decisionKind, done_at: nullableTimestamp, done_by_email: z.string().nullable() }).nullable(),
    owned_by_caller: z.boolean().meta({ description: 'The caller owns or backs up this machine user: they may not sign it off.' }),
    can_sign_off: z.boolean().meta({ description: 'The caller may sign it off now (role, campaign open, not theirs).' }),
  })
  .meta({ id: 'ReviewItem' });

export function campaignDto(campaign: CampaignSummary): z.infer<typeof campaignSchema> {
  return {
    id: campaign.id,
    name: campaign.name,
    due_on: campaign.dueOn,
    state: campaign.state,
    overdue: campaign.isOverdue,
    scope: { all_projects: campaign.scope.allProjects, projects: campaign.scope.projects },
    items: campaign.total,
    decided: campaign.decided,
    created_at: campaign.createdAt,
    created_by_email: campaign.createdByEmail,
    closed_at: campaign.closedAt,
    closed_by_email: campaign.closedByEmail,
  };
}

export function campaignDetailDto(campaign: CampaignDetail): z.infer<typeof campaignDetailSchema> {
  return {
    ...campaignDto(campaign),
    by_decision: campaign.byDecision,
    reviewers: campaign.reviewers.map((entry) => ({
      reviewer: { id: entry.reviewerId, email: entry.reviewerEmail },
      decided: entry.decided,
      keep: entry.keep,
      change: entry.change,
      remove: entry.remove,
    })),
    tasks: campaign.tasks,
  };
}

export function reviewItemDto(item: ReviewItemView): z.infer<typeof reviewItemSchema> {
  return {
    id: item.id,
    machine_user: { id: item.machineUserId, email: item.email, purpose: item.purpose, state: item.machineUserState },
    project: item.project,
    permissions: item.permissions,
    owner: item.owner,
    backup_owner: item.backupOwner,
    tokens: item.tokens.map((token) => ({
      id: token.id,
      name: token.name,
      last_four: token.lastFour,
      status: token.status,
      rotate_by: token.rotateBy,
      last_used_at: token.lastUsedAt,
      recorded_at: token.recordedAt,
    })),
    findings: item.findings.map((finding) => ({
      id: finding.id,
      rule_id: finding.ruleId,
      severity: finding.severity,
      first_seen_at: finding.firstSeenAt,
      accepted_until: finding.acceptedUntil,
    })),
    snapshot_at: item.snapshotAt,
    decision: item.decision
      ? { kind: item.decision.kind, note: item.decision.note, reviewer: { id: item.decision.reviewerId, email: item.decision.reviewerEmail }, decided_at: item.decision.decidedAt }
      : null,
    task: item.task ? { kind: item.task.kind, done_at: item.task.doneAt, done_by_email: item.task.doneByEmail } : null,
    owned_by_caller: item.isOwnedByViewer,
    can_sign_off: item.canSignOff,
  };
}

export const reviewTaskSchema = z
  .object({
    item_id: z.string().meta({ description: 'The item whose `change` or `remove` decision raised it.' }),
    campaign: z.object({ id: z.string(), name: z.string() }),
    machine_user: z.object({ id: z.string(), email: z.string(), project_title: z.string() }),
    kind: decisionKind.meta({ description: '`change` or `remove`: a `keep` raises no task.' }),
    note: z.string().meta({ description: 'What the reviewer asked for.' }),
    requested_by_email: z.string(),
    created_at: timestamp,
    done_at: nullableTimestamp,
    done_by_email: z.string().nullable(),
  })
  .meta({ id: 'ReviewTask' });

export function reviewTaskDto(task: ReviewTaskView): z.infer<typeof reviewTaskSchema> {
  return {
    item_id: task.itemId,
    campaign: task.campaign,
    machine_user: { id: task.machineUser.id, email: task.machineUser.email, project_title: task.machineUser.projectTitle },
    kind: task.kind,
    note: task.note,
    requested_by_email: task.requestedByEmail,
    created_at: task.createdAt,
    done_at: task.doneAt,
    done_by_email: task.doneByEmail,
  };
}
