// Reading a campaign's items (filtered — undecided, decided by me, all — searched and paginated in
// SQL) and the admins' tasks, per campaign and per machine user. Admins and reviewers only
// (campaign.read); each item says whether the viewer may sign it off.
import 'server-only';
import { authorize } from '@/lib/auth/authorize';
import { getDb, type Prisma } from '@/lib/db';
import { escapeLike } from '@/lib/db/like';
import { fail, ok, type ActionResult } from '@/lib/errors';
import { campaignIdSchema, campaignItemsQuerySchema, type ItemFilter, type ReviewDecisionKind } from '@/lib/validations/reviews';
import type { Purpose } from '@/lib/machine-users/roles';
import type { RequestContext } from '../context';
import { ruleById } from '../findings/rules';
import { canReadCampaigns } from './campaigns';
import type { SnapshotFinding, SnapshotToken } from './snapshot';

export const ITEMS_PAGE_SIZE = 25;
/** The tasks a campaign page lists; past that, it says how many more there are. */
export const TASKS_SHOWN = 200;

export interface ReviewItemView {
  id: string;
  machineUserId: string;
  email: string;
  purpose: Purpose;
  machineUserState: string;
  project: { id: string; title: string };
  permissions: string[];
  owner: { id: string; email: string };
  backupOwner: { id: string; email: string } | null;
  tokens: SnapshotToken[];
  /** Each with its rule's title: what a reviewer reads (the rule id is the code name behind it). */
  findings: (SnapshotFinding & { title: string })[];
  snapshotAt: string;
  decision: { kind: ReviewDecisionKind; note: string | null; reviewerId: string; reviewerEmail: string; decidedAt: string } | null;
  task: { kind: ReviewDecisionKind; doneAt: string | null; doneByEmail: string | null } | null;
  /** The viewer owns or backs up this machine user (in the copy or today): they may not sign it off. */
  isOwnedByViewer: boolean;
  /** The viewer may sign it off now (role, campaign open, not theirs). */
  canSignOff: boolean;
}

export interface ItemPage {
  items: ReviewItemView[];
  total: number;
  page: number;
  pageSize: number;
  show: ItemFilter;
  q: string;
}

const itemInclude = { decision: true, task: { select: { kind: true, doneAt: true, doneByEmail: true } } } satisfies Prisma.ReviewItemInclude;

/** `pageSize`: the REST API's `limit` (the page's default otherwise). */
export async function listCampaignItems(context: RequestContext, campaignId: string, rawQuery: unknown, options: { pageSize?: number } = {}): Promise<ActionResult<ItemPage>> {
  const pageSize = options.pageSize ?? ITEMS_PAGE_SIZE;
  if (!canReadCampaigns(context)) return fail('forbidden', 'Access reviews are visible to admins and reviewers.');
  const id = campaignIdSchema.safeParse(campaignId);
  if (!id.success) return fail('not_found', 'There is no such campaign.');
  const db = getDb();
  const campaign = await db.reviewCampaign.findUnique({ where: { id: id.data }, select: { id: true, state: true } });
  if (!campaign) return fail('not_found', 'There is no such campaign.');
  const query = campaignItemsQuerySchema.parse(rawQuery ?? {});
  // What is left to do while the campaign runs; the whole record once it is closed.
  const show: ItemFilter = query.show ?? (campaign.state === 'open' ? 'undecided' : 'all');
  const pattern = escapeLike(query.q);
  const where: Prisma.ReviewItemWhereInput = {
    AND: [
      { campaignId: campaign.id },
      show === 'undecided' ? { decision: { is: null } } : show === 'mine' ? { decision: { is: { reviewerId: context.actor.id } } } : {},
      query.q ? { OR: [{ email: { contains: pattern, mode: 'insensitive' } }, { projectTitle: { contains: pattern, mode: 'insensitive' } }] } : {},
    ],
  };
  const [rows, total] = await Promise.all([
    db.reviewItem.findMany({
      where,
      include: itemInclude,
      orderBy: [{ projectTitle: 'asc' }, { email: 'asc' }, { id: 'asc' }],
      skip: (query.page - 1) * pageSize,
      take: pageSize,
    }),
    db.reviewItem.count({ where }),
  ]);
  // Today's owners too: ownership handed over since the copy counts as well.
  const current = await db.machineUser.findMany({ where: { id: { in: rows.map((row) => row.machineUserId) } }, select: { id: true, ownerId: true, backupOwnerId: true } });
  const ownersNow = new Map(current.map((row) => [row.id, row]));
  const mayDecide = campaign.state === 'open' && authorize(context.actor, 'campaign.sign_off').allowed;
  const viewer = context.actor.id;
  const items = rows.map((row): ReviewItemView => {
    const now = ownersNow.get(row.machineUserId);
    const isOwnedByViewer = row.ownerId === viewer || row.backupOwnerId === viewer || now?.ownerId === viewer || now?.backupOwnerId === viewer;
    return {
      id: row.id,
      machineUserId: row.machineUserId,
      email: row.email,
      purpose: row.purpose,
      machineUserState: row.machineUserState,
      project: { id: row.projectId, title: row.projectTitle },
      permissions: row.permissions,
      owner: { id: row.ownerId, email: row.ownerEmail },
      backupOwner: row.backupOwnerId ? { id: row.backupOwnerId, email: row.backupOwnerEmail ?? '' } : null,
      tokens: row.tokens as unknown as SnapshotToken[],
      findings: (row.findings as unknown as SnapshotFinding[]).map((finding) => ({ ...finding, title: ruleById(finding.ruleId)?.title ?? finding.ruleId })),
      snapshotAt: row.snapshotAt.toISOString(),
      decision: row.decision
        ? { kind: row.decision.kind, note: row.decision.note, reviewerId: row.decision.reviewerId, reviewerEmail: row.decision.reviewerEmail, decidedAt: row.decision.decidedAt.toISOString() }
        : null,
      task: row.task ? { kind: row.task.kind, doneAt: row.task.doneAt?.toISOString() ?? null, doneByEmail: row.task.doneByEmail } : null,
      isOwnedByViewer,
      canSignOff: mayDecide && !isOwnedByViewer,
    };
  });
  return ok({ items, total, page: query.page, pageSize, show, q: query.q });
}

export interface ReviewTaskView {
  itemId: string;
  campaign: { id: string; name: string };
  machineUser: { id: string; email: string; projectTitle: string };
  kind: ReviewDecisionKind;
  note: string;
  requestedByEmail: string;
  createdAt: string;
  doneAt: string | null;
  doneByEmail: string | null;
}

const taskInclude = {
  item: { select: { email: true, projectTitle: true } },
  campaign: { select: { id: true, name: true } },
} satisfies Prisma.ReviewTaskInclude;

function toTaskView(row: Prisma.ReviewTaskGetPayload<{ include: typeof taskInclude }>): ReviewTaskView {
  return {
    itemId: row.itemId,
    campaign: row.campaign,
    machineUser: { id: row.machineUserId, email: row.item.email, projectTitle: row.item.projectTitle },
    kind: row.kind,
    note: row.note,
    requestedByEmail: row.requestedByEmail,
    createdAt: row.createdAt.toISOString(),
    doneAt: row.doneAt?.toISOString() ?? null,
    doneByEmail: row.doneByEmail,
  };
}

// Open tasks first (oldest first: the longest waiting), then done ones (latest first).
const taskOrder: Prisma.ReviewTaskOrderByWithRelationInput[] = [{ doneAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'asc' }, { itemId: 'asc' }];

/**
 * A campaign's tasks, open ones first. The page shows the first TASKS_SHOWN; the REST API pages
 * through them (`page`, `pageSize`).
 */
export async function listCampaignTasks(
  context: RequestContext,
  campaignId: string,
  options: { page?: number; pageSize?: number } = {},
): Promise<ActionResult<{ tasks: ReviewTaskView[]; total: number }>> {
  if (!canReadCampaigns(context)) return fail('forbidden', 'Access reviews are visible to admins and reviewers.');
  const id = campaignIdSchema.safeParse(campaignId);
  if (!id.success) return fail('not_found', 'There is no such campaign.');
  const db = getDb();
  const campaign = await db.reviewCampaign.findUnique({ where: { id: id.data }, select: { id: true } });
  if (!campaign) return fail('not_found', 'There is no such campaign.');
  const pageSize = options.pageSize ?? TASKS_SHOWN;
  const [rows, total] = await Promise.all([
    db.reviewTask.findMany({ where: { campaignId: campaign.id }, include: taskInclude, orderBy: taskOrder, skip: ((options.page ?? 1) - 1) * pageSize, take: pageSize }),
    db.reviewTask.count({ where: { campaignId: campaign.id } }),
  ]);
  return ok({ tasks: rows.map(toTaskView), total });
}

/** The review tasks about one machine user, from every campaign (for its page). */
export async function listMachineUserTasks(context: RequestContext, machineUserId: string): Promise<ActionResult<ReviewTaskView[]>> {
  if (!canReadCampaigns(context)) return fail('forbidden', 'Access reviews are visible to admins and reviewers.');
  const rows = await getDb().reviewTask.findMany({ where: { machineUserId }, include: taskInclude, orderBy: taskOrder, take: TASKS_SHOWN });
  return ok(rows.map(toTaskView));
}
