// Access-review campaigns (issue 15 §4): an admin starts one for every project or some of them, and
// every machine user then in scope becomes an item, with its roles, owners, tokens and open findings
// as they were at that moment (lib/domain/reviews/snapshot.ts). Reviewers and admins sign items off
// (sign-off.ts); an admin closes the campaign, which freezes it — the domain refuses, and triggers in
// the database refuse too. Every change goes through runMutation: authorized, validated, audited in
// the same transaction (SECURITY.md A1, L3).
import 'server-only';
import { randomUUID } from 'node:crypto';
import { authorize } from '@/lib/auth/authorize';
import { recordAudit } from '@/lib/audit/record';
import { getDb, type Prisma } from '@/lib/db';
import { AppError, fail, ok, type ActionResult } from '@/lib/errors';
import {
  campaignIdSchema,
  campaignListQuerySchema,
  closeCampaignSchema,
  createCampaignSchema,
  startOfDayUtc,
  type CampaignListQuery,
} from '@/lib/validations/reviews';
import type { RequestContext } from '../context';
import { runMutation, type Transaction } from '../mutation';
import { REVIEWED_STATES, snapshotCampaignItems } from './snapshot';

export const CAMPAIGNS_PAGE_SIZE = 25;

export interface CampaignSummary {
  id: string;
  name: string;
  /** YYYY-MM-DD. */
  dueOn: string;
  state: 'open' | 'closed';
  /** Open, and the due day has passed. */
  isOverdue: boolean;
  scope: { allProjects: boolean; projects: { id: string; title: string }[] };
  total: number;
  decided: number;
  createdAt: string;
  createdByEmail: string;
  closedAt: string | null;
  closedByEmail: string | null;
}

export interface CampaignPage {
  campaigns: CampaignSummary[];
  total: number;
  page: number;
  pageSize: number;
  query: CampaignListQuery;
}

const campaignInclude = { _count: { select: { items: true, decisions: true } } } satisfies Prisma.ReviewCampaignInclude;
type CampaignRow = Prisma.ReviewCampaignGetPayload<{ include: typeof campaignInclude }>;

export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function toSummary(row: CampaignRow, titles: Map<string, string>, today: Date): CampaignSummary {
  return {
    id: row.id,
    name: row.name,
    dueOn: dayOf(row.dueOn),
    state: row.state,
    isOverdue: row.state === 'open' && row.dueOn < today,
    scope: { allProjects: row.allProjects, projects: row.projectIds.map((id) => ({ id, title: titles.get(id) ?? id })) },
    total: row._count.items,
    decided: row._count.decisions,
    createdAt: row.createdAt.toISOString(),
    createdByEmail: row.createdByEmail,
    closedAt: row.closedAt?.toISOString() ?? null,
    closedByEmail: row.closedByEmail,
  };
}

async function projectTitles(ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await getDb().project.findMany({ where: { id: { in: unique } }, select: { id: true, title: true } });
  return new Map(rows.map((row) => [row.id, row.title]));
}

export function canReadCampaigns(context: RequestContext): boolean {
  return authorize(context.actor, 'campaign.read').allowed;
}

const NOT_ALLOWED = 'Access reviews are visible to admins and reviewers.';

/**
 * The campaigns, open ones first (soonest due), then closed ones (latest closed), paginated in SQL.
 * `pageSize`: the REST API's `limit` (the page's default otherwise).
 */
export async function listCampaigns(context: RequestContext, rawQuery: unknown, options: { pageSize?: number } = {}): Promise<ActionResult<CampaignPage>> {
  if (!canReadCampaigns(context)) return fail('forbidden', NOT_ALLOWED);
  const pageSize = options.pageSize ?? CAMPAIGNS_PAGE_SIZE;
  const query = campaignListQuerySchema.parse(rawQuery ?? {});
  const where: Prisma.ReviewCampaignWhereInput = query.state === 'all' ? {} : { state: query.state };
  const db = getDb();
  const [rows, total] = await Promise.all([
    db.reviewCampaign.findMany({
      where,
      include: campaignInclude,
      // 'open' sorts before 'closed' (enum order).
      orderBy: [{ state: 'asc' }, { dueOn: 'asc' }, { closedAt: { sort: 'desc', nulls: 'last' } }, { name: 'asc' }],
      skip: (query.page - 1) * pageSize,
      take: pageSize,
    }),
    db.reviewCampaign.count({ where }),
  ]);
  const titles = await projectTitles(rows.flatMap((row) => row.projectIds));
  const today = startOfDayUtc();
  return ok({ campaigns: rows.map((row) => toSummary(row, titles, today)), total, page: query.page, pageSize, query });
}

export interface ReviewerProgress {
  reviewerId: string;
  reviewerEmail: string;
  decided: number;
  keep: number;
  change: number;
  remove: number;
}

export interface CampaignDetail extends CampaignSummary {
  byDecision: { keep: number; change: number; remove: number };
  /** Decisions per person, most first. */
  reviewers: ReviewerProgress[];
  tasks: { total: number; done: number };
}

export async function getCampaign(context: RequestContext, campaignId: string): Promise<ActionResult<CampaignDetail>> {
  if (!canReadCampaigns(context)) return fail('forbidden', NOT_ALLOWED);
  const id = campaignIdSchema.safeParse(campaignId);
  if (!id.success) return fail('not_found', 'There is no such campaign.');
  const db = getDb();
  const row = await db.reviewCampaign.findUnique({ where: { id: id.data }, include: campaignInclude });
  if (!row) return fail('not_found', 'There is no such campaign.');
  const [perReviewer, tasksTotal, tasksDone, titles] = await Promise.all([
    db.reviewDecision.groupBy({ by: ['reviewerId', 'reviewerEmail', 'kind'], where: { campaignId: row.id }, _count: { _all: true } }),
    db.reviewTask.count({ where: { campaignId: row.id } }),
    db.reviewTask.count({ where: { campaignId: row.id, doneAt: { not: null } } }),
    projectTitles(row.projectIds),
  ]);
  const reviewers = new Map<string, ReviewerProgress>();
  const byDecision = { keep: 0, change: 0, remove: 0 };
  for (const group of perReviewer) {
    const entry = reviewers.get(group.reviewerId) ?? { reviewerId: group.reviewerId, reviewerEmail: group.reviewerEmail, decided: 0, keep: 0, change: 0, remove: 0 };
    entry.decided += group._count._all;
    entry[group.kind] += group._count._all;
    byDecision[group.kind] += group._count._all;
    reviewers.set(group.reviewerId, entry);
  }
  return ok({
    ...toSummary(row, titles, startOfDayUtc()),
    byDecision,
    reviewers: [...reviewers.values()].sort((a, b) => b.decided - a.decided || a.reviewerEmail.localeCompare(b.reviewerEmail)),
    tasks: { total: tasksTotal, done: tasksDone },
  });
}

/** Locks a campaign's row until the transaction ends: sign-offs and the close take turns. */
export async function lockCampaign(tx: Transaction, campaignId: string): Promise<{ id: string; name: string; state: 'open' | 'closed' } | null> {
  const [row] = await tx.$queryRaw<{ id: string; name: string; state: 'open' | 'closed' }[]>`
    SELECT id::text AS id, name, state::text AS state FROM review_campaigns WHERE id = ${campaignId}::uuid FOR UPDATE`;
  return row ?? null;
}

/** Starts a campaign: the row, then one item per machine user in scope, in one transaction. */
export async function createCampaign(context: RequestContext, rawInput: unknown): Promise<ActionResult<{ campaignId: string; items: number }>> {
  // Known before the row exists, so that even a refused or failed attempt names it in the audit log.
  const campaignId = randomUUID();
  return runMutation(
    context,
    {
      action: 'campaign.create',
      schema: createCampaignSchema,
      target: () => ({ type: 'review_campaign', id: campaignId }),
      run: async (tx, input) => {
        if (input.scope === 'projects') {
          const known = await tx.project.findMany({ where: { id: { in: input.projectIds } }, select: { id: true } });
          if (known.length !== input.projectIds.length) {
            throw new AppError('invalid_input', 'Please correct the highlighted fields.', { projectIds: ['One of these projects is not known to Keywarden: refresh and choose again.'] });
          }
        }
        const now = new Date();
        await tx.reviewCampaign.create({
          data: {
            id: campaignId,
            name: input.name,
            dueOn: input.dueOn,
            allProjects: input.scope === 'all',
            projectIds: input.projectIds,
            createdById: context.actor.id,
            createdByEmail: context.actor.email,
            createdAt: now,
          },
        });
        const items = await snapshotCampaignItems(tx, { campaignId, allProjects: input.scope === 'all', projectIds: input.projectIds, at: now });
        return {
          data: { campaignId, items },
          details: { name: input.name, dueOn: dayOf(input.dueOn), scope: input.scope, projectIds: input.projectIds, items },
        };
      },
    },
    rawInput,
  );
}

/** Closes a campaign: from then on nothing in it changes (its tasks aside). */
export async function closeCampaign(context: RequestContext, rawInput: unknown): Promise<ActionResult<{ closedAt: string; undecided: number }>> {
  return runMutation(
    context,
    {
      action: 'campaign.close',
      schema: closeCampaignSchema,
      target: (input) => ({ type: 'review_campaign', id: input.campaignId }),
      run: async (tx, input) => {
        const campaign = await lockCampaign(tx, input.campaignId);
        if (!campaign) throw new AppError('not_found', 'There is no such campaign.');
        if (campaign.state !== 'open') throw new AppError('conflict', `“${campaign.name}” is already closed.`);
        const [total, decided] = await Promise.all([tx.reviewItem.count({ where: { campaignId: campaign.id } }), tx.reviewDecision.count({ where: { campaignId: campaign.id } })]);
        const closedAt = new Date();
        await tx.reviewCampaign.update({
          where: { id: campaign.id },
          data: { state: 'closed', closedAt, closedById: context.actor.id, closedByEmail: context.actor.email },
        });
        return {
          data: { closedAt: closedAt.toISOString(), undecided: total - decided },
          details: { name: campaign.name, items: total, decided, undecided: total - decided },
        };
      },
    },
    rawInput,
  );
}

/** The projects a new campaign may cover (admins only), with how many machine users each would bring. */
export async function listScopeChoices(context: RequestContext): Promise<{ id: string; title: string; machineUsers: number }[]> {
  if (!authorize(context.actor, 'campaign.create').allowed) return [];
  const rows = await getDb().project.findMany({
    where: { missingSince: null },
    select: { id: true, title: true, _count: { select: { machineUsers: { where: { state: { in: [...REVIEWED_STATES] } } } } } },
    orderBy: [{ title: 'asc' }, { id: 'asc' }],
    take: 2000,
  });
  return rows.map((row) => ({ id: row.id, title: row.title, machineUsers: row._count.machineUsers }));
}

/** A refused visit to the area's pages is on the audit log like any refused attempt (SECURITY.md L3). */
export async function auditRefusedCampaignRead(context: RequestContext): Promise<void> {
  await recordAudit(getDb(), {
    actor: context.actor,
    action: 'campaign.read',
    outcome: 'refused',
    reason: `role ${context.actor.role} may not campaign.read`,
    clientAddress: context.clientAddress,
  });
}

export interface CampaignProgressDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** Items whose current decision was made that day. */
  decided: number;
  /** Items decided by the end of that day. */
  cumulative: number;
}

/** The longest series a chart draws: past it, the days before are summed into the first point. */
const PROGRESS_DAYS = 366;

/**
 * Decided items per day from the campaign's start to its close (or today), counted in SQL. A
 * decision changed later counts on the day of its last change: the day the item was last signed off.
 */
export async function getCampaignProgressByDay(context: RequestContext, campaignId: string): Promise<ActionResult<{ total: number; days: CampaignProgressDay[] }>> {
  if (!canReadCampaigns(context)) return fail('forbidden', NOT_ALLOWED);
  const id = campaignIdSchema.safeParse(campaignId);
  if (!id.success) return fail('not_found', 'There is no such campaign.');
  const db = getDb();
  const campaign = await db.reviewCampaign.findUnique({ where: { id: id.data }, select: { createdAt: true, closedAt: true, _count: { select: { items: true } } } });
  if (!campaign) return fail('not_found', 'There is no such campaign.');
  const rows = await db.$queryRaw<{ day: string; decided: number }[]>`
    SELECT to_char(date_trunc('day', decided_at), 'YYYY-MM-DD') AS day, count(*)::int AS decided
      FROM review_decisions WHERE campaign_id = ${id.data}::uuid GROUP BY 1 ORDER BY 1`;
  const perDay = new Map(rows.map((row) => [row.day, Number(row.decided)]));
  const last = startOfDayUtc(campaign.closedAt ?? new Date());
  let start = startOfDayUtc(campaign.createdAt);
  const spanDays = Math.round((last.getTime() - start.getTime()) / 86_400_000) + 1;
  if (spanDays > PROGRESS_DAYS) start = new Date(last.getTime() - (PROGRESS_DAYS - 1) * 86_400_000);
  const first = dayOf(start);
  // Decisions before the window's first day are carried into it.
  let cumulative = rows.filter((row) => row.day < first).reduce((sum, row) => sum + Number(row.decided), 0);
  const days: CampaignProgressDay[] = [];
  for (let time = start.getTime(); time <= last.getTime(); time += 86_400_000) {
    const day = dayOf(new Date(time));
    const decided = perDay.get(day) ?? 0;
    cumulative += decided;
    days.push({ day, decided, cumulative });
  }
  return ok({ total: campaign._count.items, days });
}
