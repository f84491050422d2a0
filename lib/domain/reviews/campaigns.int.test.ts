// A campaign's life on both databases: started with a scope → items copied as they were → sign-offs
// (keep / change / remove; change and remove open tasks) → nobody signs off what they own → progress
// per reviewer → closing freezes it (the domain refuses, and so does the database itself).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createProjects, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { createMachineUserRecord } from '@/lib/testing/reviews';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { closeCampaign, createCampaign, getCampaign, getCampaignProgressByDay, listCampaigns } from './campaigns';
import { listCampaignItems, listCampaignTasks, listMachineUserTasks } from './items';
import { CLOSED_CAMPAIGN_MESSAGE, completeTask, OWN_MACHINE_USER_MESSAGE, signOff } from './sign-off';

const IN_SCOPE = 'review-in';
const OUT_OF_SCOPE = 'review-out';
const nextMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

describe.each(TEST_DATABASE_KINDS)('an access-review campaign on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let admin: RequestContext;
  let reviewer: RequestContext;
  let backupReviewer: RequestContext;
  let ownerReviewer: RequestContext;
  let campaignId: string;
  let fixtures: Awaited<ReturnType<typeof seed>>;

  async function seed() {
    const owner = await createUser(db, { role: 'onboarder' });
    const reviewed = await createMachineUserRecord(db, { projectId: IN_SCOPE, ownerId: owner.id, withToken: true, withFinding: true });
    const backedUp = await createMachineUserRecord(db, { projectId: IN_SCOPE, ownerId: owner.id, backupOwnerId: backupReviewer.actor.id, state: 'invited' });
    const handedOver = await createMachineUserRecord(db, { projectId: IN_SCOPE, ownerId: owner.id, state: 'expired' });
    const removed = await createMachineUserRecord(db, { projectId: IN_SCOPE, ownerId: owner.id, state: 'removed' });
    const cancelled = await createMachineUserRecord(db, { projectId: IN_SCOPE, ownerId: owner.id, state: 'cancelled' });
    const elsewhere = await createMachineUserRecord(db, { projectId: OUT_OF_SCOPE, ownerId: owner.id });
    return { owner, reviewed, backedUp, handedOver, removed, cancelled, elsewhere };
  }

  const itemOf = async (machineUserId: string) => db.reviewItem.findUniqueOrThrow({ where: { campaignId_machineUserId: { campaignId, machineUserId } } });

  beforeAll(async () => {
    db = database.db;
    await createProjects(db, [IN_SCOPE, OUT_OF_SCOPE]);
    admin = contextFor(await createUser(db, { role: 'admin' }));
    reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
    backupReviewer = contextFor(await createUser(db, { role: 'reviewer' }));
    ownerReviewer = contextFor(await createUser(db, { role: 'reviewer' }));
    fixtures = await seed();
  });

  it('refuses a scope without projects, an unknown project and a due date in the past, writing nothing', async () => {
    const before = await snapshotTables(db);
    expect(await createCampaign(admin, { name: 'Empty', dueOn: nextMonth(), scope: 'projects', projectIds: [] })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', fieldErrors: { projectIds: [expect.stringContaining('Choose at least one project')] } },
    });
    expect(await createCampaign(admin, { name: 'Unknown', dueOn: nextMonth(), scope: 'projects', projectIds: ['no-such-project'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', fieldErrors: { projectIds: [expect.stringContaining('not known')] } },
    });
    expect(await createCampaign(admin, { name: 'Late', dueOn: '2001-01-01', scope: 'all' })).toMatchObject({ ok: false, error: { fieldErrors: { dueOn: [expect.any(String)] } } });
    expect(await snapshotTables(db)).toEqual(before);
  });

  it('copies every machine user in scope with its roles, owners, tokens and open findings', async () => {
    const seq = await lastAuditSeq(db);
    const result = await createCampaign(admin, { name: `2027 Q1 (${kind})`, dueOn: nextMonth(), scope: 'projects', projectIds: [IN_SCOPE] });
    expect(result).toMatchObject({ ok: true, data: { items: 3 } });
    campaignId = result.ok ? result.data.campaignId : '';

    const items = await db.reviewItem.findMany({ where: { campaignId } });
    // Removed machine users, cancelled invitations and other projects are not in scope.
    expect(items.map((item) => item.machineUserId).sort()).toEqual([fixtures.reviewed.machineUser.id, fixtures.backedUp.machineUser.id, fixtures.handedOver.machineUser.id].sort());
    const reviewed = await itemOf(fixtures.reviewed.machineUser.id);
    expect(reviewed).toMatchObject({
      projectId: IN_SCOPE,
      projectTitle: `Project ${IN_SCOPE}`,
      email: fixtures.reviewed.machineUser.email,
      permissions: ['viewer', 'production:admin'],
      ownerId: fixtures.owner.id,
      ownerEmail: fixtures.owner.email,
      findingCount: 1,
    });
    expect(reviewed.tokens).toEqual([
      expect.objectContaining({ id: fixtures.reviewed.token!.id, name: fixtures.reviewed.token!.name, lastFour: fixtures.reviewed.token!.lastFour, status: 'active', rotateBy: fixtures.reviewed.token!.rotateBy.toISOString() }),
    ]);
    // Metadata only: never the keyed fingerprint.
    expect(JSON.stringify(reviewed.tokens)).not.toContain(fixtures.reviewed.token!.fingerprint);
    expect(reviewed.findings).toEqual([
      { id: fixtures.reviewed.finding!.id, ruleId: 'token.past_rotate_by', severity: 'high', firstSeenAt: fixtures.reviewed.finding!.firstSeenAt.toISOString(), acceptedUntil: null },
    ]);
    expect(await itemOf(fixtures.backedUp.machineUser.id)).toMatchObject({ backupOwnerId: backupReviewer.actor.id, backupOwnerEmail: backupReviewer.actor.email, machineUserState: 'invited', tokens: [], findings: [] });

    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome, event.targetId])).toEqual([['campaign.create', 'succeeded', campaignId]]);
    expect(events[0]!.details).toMatchObject({ scope: 'projects', projectIds: [IN_SCOPE], items: 3 });
  });

  it('keeps the copy as it was when the machine user changes afterwards', async () => {
    await db.machineUser.update({ where: { id: fixtures.reviewed.machineUser.id }, data: { permissions: ['admin'] } });
    expect((await itemOf(fixtures.reviewed.machineUser.id)).permissions).toEqual(['viewer', 'production:admin']);
  });

  it('refuses a second campaign of the same name', async () => {
    expect(await createCampaign(admin, { name: `2027 Q1 (${kind})`, dueOn: nextMonth(), scope: 'all' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('records keep, then change with a note (a task for admins), and refuses change without a note', async () => {
    const item = await itemOf(fixtures.reviewed.machineUser.id);
    expect(await signOff(reviewer, { itemId: item.id, decision: 'keep' })).toEqual({ ok: true, data: { decision: 'keep', hasOpenTask: false, email: item.email } });
    expect(await db.reviewTask.count({ where: { itemId: item.id } })).toBe(0);

    expect(await signOff(reviewer, { itemId: item.id, decision: 'change', note: '' })).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { note: [expect.stringContaining('what should change')] } } });
    expect(await signOff(reviewer, { itemId: item.id, decision: 'change', note: 'Drop production admin: backups need viewer.' })).toEqual({
      ok: true,
      data: { decision: 'change', hasOpenTask: true, email: item.email },
    });
    expect(await db.reviewDecision.findUniqueOrThrow({ where: { itemId: item.id } })).toMatchObject({ kind: 'change', note: 'Drop production admin: backups need viewer.', reviewerId: reviewer.actor.id });
    expect(await db.reviewTask.findUniqueOrThrow({ where: { itemId: item.id } })).toMatchObject({ kind: 'change', doneAt: null, machineUserId: fixtures.reviewed.machineUser.id });

    const [last] = (await auditEventsSince(db, 0n)).filter((event) => event.action === 'campaign.sign_off' && event.outcome === 'succeeded').slice(-1);
    expect(last!.details).toMatchObject({ before: { decision: 'keep' }, after: { decision: 'change', note: 'Drop production admin: backups need viewer.' } });
  });

  it('refuses a reviewer who backs up the machine user, and one who owns it now, with the refusal audited and nothing changed', async () => {
    const backedUp = await itemOf(fixtures.backedUp.machineUser.id);
    let before = await snapshotTables(db);
    let seq = await lastAuditSeq(db);
    expect(await signOff(backupReviewer, { itemId: backedUp.id, decision: 'keep' })).toEqual({ ok: false, error: { code: 'forbidden', message: OWN_MACHINE_USER_MESSAGE } });
    expect(await snapshotTables(db)).toEqual(before);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome, event.actorId, event.targetType, event.targetId, event.reason])).toEqual([
      ['campaign.sign_off', 'refused', backupReviewer.actor.id, 'review_item', backedUp.id, OWN_MACHINE_USER_MESSAGE],
    ]);

    // Handed over after the campaign started: today's owner may not sign it off either.
    await db.machineUser.update({ where: { id: fixtures.handedOver.machineUser.id }, data: { ownerId: ownerReviewer.actor.id } });
    const handedOver = await itemOf(fixtures.handedOver.machineUser.id);
    before = await snapshotTables(db);
    seq = await lastAuditSeq(db);
    expect(await signOff(ownerReviewer, { itemId: handedOver.id, decision: 'keep' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await snapshotTables(db)).toEqual(before);
    expect((await auditEventsSince(db, seq)).map((event) => event.outcome)).toEqual(['refused']);

    // The page says so before anyone tries.
    const page = await listCampaignItems(ownerReviewer, campaignId, { show: 'all' });
    const view = page.ok ? page.data.items.find((item) => item.id === handedOver.id) : undefined;
    expect(view).toMatchObject({ isOwnedByViewer: true, canSignOff: false });
    // A finding reads as its rule's title, not its rule id.
    const reviewed = page.ok ? page.data.items.find((item) => item.machineUserId === fixtures.reviewed.machineUser.id) : undefined;
    expect(reviewed?.findings).toEqual([expect.objectContaining({ ruleId: 'token.past_rotate_by', title: 'Token past its rotate-by date' })]);
  });

  it('lets an onboarder sign off nothing', async () => {
    const onboarder = contextFor(await createUser(db, { role: 'onboarder', projectIds: [IN_SCOPE] }), [IN_SCOPE]);
    const item = await itemOf(fixtures.handedOver.machineUser.id);
    expect(await signOff(onboarder, { itemId: item.id, decision: 'keep' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await listCampaigns(onboarder, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('counts progress per campaign and per reviewer, and filters undecided / mine / all', async () => {
    await signOff(admin, { itemId: (await itemOf(fixtures.backedUp.machineUser.id)).id, decision: 'remove', note: 'Nobody uses it: remove.' });
    const detail = await getCampaign(reviewer, campaignId);
    expect(detail).toMatchObject({
      ok: true,
      data: {
        state: 'open',
        total: 3,
        decided: 2,
        isOverdue: false,
        byDecision: { keep: 0, change: 1, remove: 1 },
        tasks: { total: 2, done: 0 },
        scope: { allProjects: false, projects: [{ id: IN_SCOPE, title: `Project ${IN_SCOPE}` }] },
      },
    });
    expect(detail.ok && detail.data.reviewers.map((entry) => [entry.reviewerEmail, entry.decided]).sort()).toEqual(
      [
        [admin.actor.email, 1],
        [reviewer.actor.email, 1],
      ].sort(),
    );
    const list = await listCampaigns(reviewer, {});
    expect(list.ok && list.data.campaigns.find((campaign) => campaign.id === campaignId)).toMatchObject({ total: 3, decided: 2 });

    const emails = async (show: string) => {
      const page = await listCampaignItems(reviewer, campaignId, { show });
      return page.ok ? page.data.items.map((item) => item.email).sort() : [];
    };
    expect(await emails('undecided')).toEqual([fixtures.handedOver.machineUser.email]);
    expect(await emails('mine')).toEqual([fixtures.reviewed.machineUser.email]);
    expect(await emails('all')).toHaveLength(3);
    // Without a filter, an open campaign shows what is left to do.
    const defaultPage = await listCampaignItems(reviewer, campaignId, {});
    expect(defaultPage.ok && defaultPage.data.show).toBe('undecided');

    // Day by day (for the chart and its table): started three days ago, one decision two days ago.
    const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
    await db.$executeRaw`UPDATE review_campaigns SET created_at = created_at - interval '3 days' WHERE id = ${campaignId}::uuid`;
    await db.$executeRaw`UPDATE review_decisions SET decided_at = decided_at - interval '2 days' WHERE item_id = ${(await itemOf(fixtures.reviewed.machineUser.id)).id}::uuid`;
    expect(await getCampaignProgressByDay(reviewer, campaignId)).toEqual({
      ok: true,
      data: {
        total: 3,
        days: [
          { day: day(3), decided: 0, cumulative: 0 },
          { day: day(2), decided: 1, cumulative: 1 },
          { day: day(1), decided: 0, cumulative: 1 },
          { day: day(0), decided: 1, cumulative: 2 },
        ],
      },
    });
  });

  it('withdraws an open task when the decision becomes keep, and lets an admin mark a task done once', async () => {
    const backedUp = await itemOf(fixtures.backedUp.machineUser.id);
    await signOff(reviewer, { itemId: backedUp.id, decision: 'keep' });
    expect(await db.reviewTask.count({ where: { itemId: backedUp.id } })).toBe(0);
    await signOff(reviewer, { itemId: backedUp.id, decision: 'remove', note: 'Unused since March.' });

    const seq = await lastAuditSeq(db);
    expect(await completeTask(admin, { itemId: backedUp.id })).toMatchObject({ ok: true });
    expect(await db.reviewTask.findUniqueOrThrow({ where: { itemId: backedUp.id } })).toMatchObject({ doneById: admin.actor.id, doneByEmail: admin.actor.email });
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome, event.targetId])).toEqual([['campaign.complete_task', 'succeeded', backedUp.id]]);
    expect(await completeTask(admin, { itemId: backedUp.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const tasks = await listMachineUserTasks(reviewer, fixtures.backedUp.machineUser.id);
    expect(tasks.ok && tasks.data.map((task) => [task.kind, task.note, Boolean(task.doneAt)])).toEqual([['remove', 'Unused since March.', true]]);
  });

  it('closes the campaign: no decision lands after it, in the domain or in the database, and tasks can still be done', async () => {
    expect(await closeCampaign(reviewer, { campaignId, confirm: 'yes' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await closeCampaign(admin, { campaignId })).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { confirm: [expect.any(String)] } } });
    const closed = await closeCampaign(admin, { campaignId, confirm: 'yes' });
    expect(closed).toMatchObject({ ok: true, data: { undecided: 1 } });
    expect(await db.reviewCampaign.findUniqueOrThrow({ where: { id: campaignId } })).toMatchObject({ state: 'closed', closedById: admin.actor.id });

    const undecided = await itemOf(fixtures.handedOver.machineUser.id);
    const decided = await itemOf(fixtures.reviewed.machineUser.id);
    const before = await snapshotTables(db);
    const seq = await lastAuditSeq(db);
    expect(await signOff(reviewer, { itemId: undecided.id, decision: 'keep' })).toEqual({ ok: false, error: { code: 'conflict', message: CLOSED_CAMPAIGN_MESSAGE } });
    expect(await signOff(admin, { itemId: decided.id, decision: 'keep' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await closeCampaign(admin, { campaignId, confirm: 'yes' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await snapshotTables(db)).toEqual(before);
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome])).toEqual([
      ['campaign.sign_off', 'failed'],
      ['campaign.sign_off', 'failed'],
      ['campaign.close', 'failed'],
    ]);

    // Around the application: the database refuses too.
    await expect(db.reviewDecision.update({ where: { itemId: decided.id }, data: { kind: 'keep' } })).rejects.toThrow(/closed/);
    await expect(db.reviewDecision.create({ data: { itemId: undecided.id, campaignId, kind: 'keep', reviewerId: reviewer.actor.id, reviewerEmail: reviewer.actor.email, decidedAt: new Date() } })).rejects.toThrow(/closed/);
    await expect(db.reviewItem.update({ where: { id: decided.id }, data: { permissions: [] } })).rejects.toThrow(/snapshot/);
    await expect(db.reviewCampaign.update({ where: { id: campaignId }, data: { state: 'open' } })).rejects.toThrow(/closed/);
    expect(await snapshotTables(db)).toEqual(before);

    const page = await listCampaignItems(reviewer, campaignId, {});
    expect(page.ok && page.data.show).toBe('all');
    expect(page.ok && page.data.items.every((item) => !item.canSignOff)).toBe(true);

    // The work follows the review: the open task is still there to be done.
    const tasks = await listCampaignTasks(admin, campaignId);
    expect(tasks.ok && tasks.data.tasks.map((task) => [task.machineUser.email, task.kind, Boolean(task.doneAt)])).toEqual([
      [fixtures.reviewed.machineUser.email, 'change', false],
      [fixtures.backedUp.machineUser.email, 'remove', true],
    ]);
    expect(await completeTask(admin, { itemId: decided.id })).toMatchObject({ ok: true });
  });

  it('flags an open campaign past its due date as overdue, and a campaign of every project covers them all', async () => {
    const result = await createCampaign(admin, { name: `Everything (${kind})`, dueOn: new Date().toISOString().slice(0, 10), scope: 'all' });
    expect(result).toMatchObject({ ok: true, data: { items: 4 } });
    const id = result.ok ? result.data.campaignId : '';
    await db.$executeRaw`UPDATE review_campaigns SET due_on = due_on - 1 WHERE id = ${id}::uuid`;
    expect(await getCampaign(reviewer, id)).toMatchObject({ ok: true, data: { isOverdue: true, scope: { allProjects: true, projects: [] } } });
  });
});
