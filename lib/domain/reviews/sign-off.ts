// Signing off a campaign's items, and the admins' tasks that follow (issue 15 §4). A reviewer (or an
// admin) decides keep / change / remove with a note; the decision can be changed until the campaign
// closes. Nobody signs off a machine user they own or back up: that is checked against the owners in
// the snapshot and the current ones, and a refusal is audited like any other. A change or remove
// decision becomes a task for admins, which an admin marks done (audited) — also after the close.
import 'server-only';
import { AppError, type ActionResult } from '@/lib/errors';
import { completeTaskSchema, signOffSchema, type ReviewDecisionKind } from '@/lib/validations/reviews';
import type { RequestContext } from '../context';
import { runMutation, type Transaction } from '../mutation';
import { lockCampaign } from './campaigns';

export const OWN_MACHINE_USER_MESSAGE = 'You own or back up this machine user: someone else must sign it off.';
export const CLOSED_CAMPAIGN_MESSAGE = 'This campaign is closed: its decisions are frozen.';

/** Whether `userId` owns or backs up the machine user, in the campaign's copy or today. */
export async function ownsReviewedMachineUser(
  tx: Pick<Transaction, 'machineUser'>,
  userId: string,
  item: { machineUserId: string; ownerId: string; backupOwnerId: string | null },
): Promise<boolean> {
  if (item.ownerId === userId || item.backupOwnerId === userId) return true;
  const current = await tx.machineUser.findUnique({ where: { id: item.machineUserId }, select: { ownerId: true, backupOwnerId: true } });
  return current !== null && (current.ownerId === userId || current.backupOwnerId === userId);
}

export interface SignOffResult {
  decision: ReviewDecisionKind;
  /** A task for admins is open for this item after the decision. */
  hasOpenTask: boolean;
  /** The machine user's address, as the campaign copied it (for the page's confirmation). */
  email: string;
}

export async function signOff(context: RequestContext, rawInput: unknown): Promise<ActionResult<SignOffResult>> {
  return runMutation(
    context,
    {
      action: 'campaign.sign_off',
      schema: signOffSchema,
      target: (input) => ({ type: 'review_item', id: input.itemId }),
      run: async (tx, input) => {
        const item = await tx.reviewItem.findUnique({ where: { id: input.itemId }, include: { decision: true, task: true } });
        if (!item) throw new AppError('not_found', 'There is no such item in any campaign.');
        // The close takes the same lock: a sign-off either lands before it or is refused after it.
        const campaign = await lockCampaign(tx, item.campaignId);
        if (!campaign || campaign.state !== 'open') throw new AppError('conflict', CLOSED_CAMPAIGN_MESSAGE);
        if (await ownsReviewedMachineUser(tx, context.actor.id, item)) throw new AppError('forbidden', OWN_MACHINE_USER_MESSAGE);

        const decidedAt = new Date();
        const decision = { kind: input.decision, note: input.note, reviewerId: context.actor.id, reviewerEmail: context.actor.email, decidedAt };
        await tx.reviewDecision.upsert({ where: { itemId: item.id }, create: { itemId: item.id, campaignId: item.campaignId, ...decision }, update: decision });
        const hasOpenTask = await followUpTask(tx, context, item, input);
        const before = item.decision ? { decision: item.decision.kind, note: item.decision.note, by: item.decision.reviewerEmail } : null;
        return {
          data: { decision: input.decision, hasOpenTask, email: item.email },
          details: {
            campaign: { id: campaign.id, name: campaign.name },
            machineUser: { id: item.machineUserId, email: item.email, projectId: item.projectId },
            before,
            after: { decision: input.decision, note: input.note },
          },
        };
      },
    },
    rawInput,
  );
}

/**
 * Keeps the item's task in step with its decision: change and remove open one (or reopen it when
 * what it asks for changed); keep withdraws one that is not done yet. A done task stays as it was.
 */
async function followUpTask(
  tx: Transaction,
  context: RequestContext,
  item: { id: string; campaignId: string; machineUserId: string; task: { kind: ReviewDecisionKind; note: string; doneAt: Date | null } | null },
  input: { decision: ReviewDecisionKind; note: string | null },
): Promise<boolean> {
  const task = item.task;
  if (input.decision === 'keep') {
    if (task && !task.doneAt) await tx.reviewTask.delete({ where: { itemId: item.id } });
    return false;
  }
  const note = input.note ?? '';
  const request = { kind: input.decision, note, requestedById: context.actor.id, requestedByEmail: context.actor.email, createdAt: new Date(), doneAt: null, doneById: null, doneByEmail: null };
  if (!task) {
    await tx.reviewTask.create({ data: { itemId: item.id, campaignId: item.campaignId, machineUserId: item.machineUserId, ...request } });
  } else if (task.kind !== input.decision || task.note !== note) {
    await tx.reviewTask.update({ where: { itemId: item.id }, data: request });
  } else {
    return !task.doneAt;
  }
  return true;
}

export async function completeTask(context: RequestContext, rawInput: unknown): Promise<ActionResult<{ doneAt: string }>> {
  return runMutation(
    context,
    {
      action: 'campaign.complete_task',
      schema: completeTaskSchema,
      target: (input) => ({ type: 'review_task', id: input.itemId }),
      run: async (tx, input) => {
        // Locked, so that two admins marking it at once do not both succeed.
        const [task] = await tx.$queryRaw<{ done_at: Date | null }[]>`SELECT done_at FROM review_tasks WHERE item_id = ${input.itemId}::uuid FOR UPDATE`;
        if (!task) throw new AppError('not_found', 'There is no such task: the decision may have changed to keep.');
        if (task.done_at) throw new AppError('conflict', 'This task is already done.');
        const doneAt = new Date();
        const row = await tx.reviewTask.update({
          where: { itemId: input.itemId },
          data: { doneAt, doneById: context.actor.id, doneByEmail: context.actor.email },
          include: { item: { select: { email: true, projectId: true } }, campaign: { select: { id: true, name: true } } },
        });
        return {
          data: { doneAt: doneAt.toISOString() },
          details: { campaign: row.campaign, machineUser: { id: row.machineUserId, email: row.item.email, projectId: row.item.projectId }, kind: row.kind, note: row.note },
        };
      },
    },
    rawInput,
  );
}
