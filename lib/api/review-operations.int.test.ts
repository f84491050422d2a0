// REST API v1, access reviews (read): campaigns, one campaign's progress, its items with their
// sign-offs and tasks, its tasks for admins, for each role (admins and reviewers read; an
// onboarder is refused with 403 and an audited refusal), filters and pagination as on the pages,
// and every answer checked against the OpenAPI document (lib/testing/api-client.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { closeCampaign, createCampaign } from '@/lib/domain/reviews/campaigns';
import { signOff } from '@/lib/domain/reviews/sign-off';
import { apiKeyFor, callEndpoint, type ApiAnswer, type ApiCall } from '@/lib/testing/api-client';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createProjects, createUser } from '@/lib/testing/fixtures';
import { createMachineUserRecord } from '@/lib/testing/reviews';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import type { Role } from '@/lib/roles';
import { OPERATIONS } from './operations';

const PROJECTS = ['rev-api-a', 'rev-api-b'];
const nextMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
const call = (operation: string, options: ApiCall) => callEndpoint(OPERATIONS[operation]!, options);

type Page<T> = { data: T[]; total: number; next_cursor: string | null };
const pageOf = <T>(answer: ApiAnswer) => answer.json as Page<T>;

function expectProblem(answer: ApiAnswer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toBe('application/problem+json');
  expect(answer.json).toMatchObject({ status, code });
}

describe.each(TEST_DATABASE_KINDS)('REST API v1 access reviews on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  const keys: Partial<Record<Role, string>> = {};
  let users: Record<Role, Awaited<ReturnType<typeof createUser>>>;
  let openId: string;
  let closedId: string;
  let fixtures: { reviewed: Awaited<ReturnType<typeof createMachineUserRecord>>; owned: Awaited<ReturnType<typeof createMachineUserRecord>>; other: Awaited<ReturnType<typeof createMachineUserRecord>> };

  beforeAll(async () => {
    db = database.db;
    await createProjects(db, PROJECTS);
    users = {
      admin: await createUser(db, { role: 'admin' }),
      onboarder: await createUser(db, { role: 'onboarder', projectIds: [PROJECTS[0]!] }),
      reviewer: await createUser(db, { role: 'reviewer' }),
    };
    for (const role of ['admin', 'onboarder', 'reviewer'] as const) keys[role] = await apiKeyFor(users[role], role === 'onboarder' ? [PROJECTS[0]!] : []);
    fixtures = {
      reviewed: await createMachineUserRecord(db, { projectId: PROJECTS[0]!, ownerId: users.onboarder.id, withToken: true, withFinding: true }),
      // The reviewer backs this one up: they may not sign it off.
      owned: await createMachineUserRecord(db, { projectId: PROJECTS[0]!, ownerId: users.onboarder.id, backupOwnerId: users.reviewer.id }),
      other: await createMachineUserRecord(db, { projectId: PROJECTS[1]!, ownerId: users.admin.id }),
    };
    const admin = contextFor(users.admin);
    const open = await createCampaign(admin, { name: 'API open review', dueOn: nextMonth(), scope: 'projects', projectIds: [PROJECTS[0]!] });
    const closed = await createCampaign(admin, { name: 'API closed review', dueOn: nextMonth(), scope: 'all' });
    if (!open.ok || !closed.ok) throw new Error('campaigns not created');
    openId = open.data.campaignId;
    closedId = closed.data.campaignId;
    const itemOf = async (campaignId: string, machineUserId: string) => (await db.reviewItem.findUniqueOrThrow({ where: { campaignId_machineUserId: { campaignId, machineUserId } } })).id;
    const reviewer = contextFor(users.reviewer);
    expect(await signOff(reviewer, { itemId: await itemOf(openId, fixtures.reviewed.machineUser.id), decision: 'change', note: 'Drop production admin.' })).toMatchObject({ ok: true });
    expect(await signOff(reviewer, { itemId: await itemOf(closedId, fixtures.other.machineUser.id), decision: 'keep' })).toMatchObject({ ok: true });
    expect(await closeCampaign(admin, { campaignId: closedId, confirm: 'yes' })).toMatchObject({ ok: true });
  });

  describe.each(['admin', 'reviewer'] as const)('as %s', (role) => {
    it('lists campaigns, open ones first, filtered by state and paginated', async () => {
      const all = await call('listReviewCampaigns', { key: keys[role] });
      expect(all.status, all.text).toBe(200);
      expect(pageOf<{ id: string; state: string }>(all).data.map((campaign) => [campaign.id, campaign.state])).toEqual([
        [openId, 'open'],
        [closedId, 'closed'],
      ]);
      expect(pageOf(all).total).toBe(2);
      const closed = await call('listReviewCampaigns', { key: keys[role], query: { state: 'closed' } });
      expect(pageOf(closed).data).toMatchObject([{ id: closedId, state: 'closed', closed_by_email: users.admin.email, items: 3, decided: 1, scope: { all_projects: true, projects: [] } }]);

      const first = await call('listReviewCampaigns', { key: keys[role], query: { limit: '1' } });
      expect(pageOf<{ id: string }>(first).data.map((campaign) => campaign.id)).toEqual([openId]);
      const second = await call('listReviewCampaigns', { key: keys[role], query: { cursor: pageOf(first).next_cursor! } });
      expect(pageOf<{ id: string }>(second).data.map((campaign) => campaign.id)).toEqual([closedId]);
      expect(pageOf(second).next_cursor).toBeNull();
    });

    it('reads a campaign with its progress, and its items with their decisions and tasks', async () => {
      const detail = await call('getReviewCampaign', { key: keys[role], params: { id: openId } });
      expect(detail.status, detail.text).toBe(200);
      expect(detail.json).toMatchObject({
        id: openId,
        state: 'open',
        items: 2,
        decided: 1,
        scope: { all_projects: false, projects: [{ id: PROJECTS[0] }] },
        by_decision: { keep: 0, change: 1, remove: 0 },
        reviewers: [{ reviewer: { id: users.reviewer.id }, decided: 1, change: 1 }],
        tasks: { total: 1, done: 0 },
      });

      // Open campaign: undecided items by default; `all` shows the decision and its task.
      const undecided = await call('listReviewItems', { key: keys[role], params: { id: openId } });
      expect(pageOf<{ machine_user: { id: string } }>(undecided).data.map((item) => item.machine_user.id)).toEqual([fixtures.owned.machineUser.id]);
      const all = await call('listReviewItems', { key: keys[role], params: { id: openId }, query: { show: 'all' } });
      const items = pageOf<Record<string, unknown> & { machine_user: { id: string } }>(all).data;
      expect(items).toHaveLength(2);
      const decided = items.find((item) => item.machine_user.id === fixtures.reviewed.machineUser.id)!;
      expect(decided).toMatchObject({
        project: { id: PROJECTS[0] },
        decision: { kind: 'change', note: 'Drop production admin.', reviewer: { id: users.reviewer.id, email: users.reviewer.email } },
        task: { kind: 'change', done_at: null },
        tokens: [{ id: fixtures.reviewed.token!.id, last_four: fixtures.reviewed.token!.lastFour, status: 'active' }],
        findings: [{ id: fixtures.reviewed.finding!.id, rule_id: 'token.past_rotate_by', severity: 'high' }],
      });
      expect(all.text).not.toContain(fixtures.reviewed.token!.fingerprint);
      const owned = items.find((item) => item.machine_user.id === fixtures.owned.machineUser.id)!;
      expect(owned).toMatchObject({ decision: null, owned_by_caller: role === 'reviewer', can_sign_off: role !== 'reviewer' });

      const mine = await call('listReviewItems', { key: keys[role], params: { id: openId }, query: { show: 'mine' } });
      expect(pageOf(mine).total).toBe(role === 'reviewer' ? 1 : 0);
      const searched = await call('listReviewItems', { key: keys[role], params: { id: openId }, query: { show: 'all', q: fixtures.owned.machineUser.email.slice(0, 20) } });
      expect(pageOf<{ machine_user: { id: string } }>(searched).data.map((item) => item.machine_user.id)).toEqual([fixtures.owned.machineUser.id]);

      // Closed campaign: everything by default, nobody may sign off any more.
      const closedItems = await call('listReviewItems', { key: keys[role], params: { id: closedId }, query: { limit: '2' } });
      expect(pageOf(closedItems).total).toBe(3);
      expect(pageOf<{ can_sign_off: boolean }>(closedItems).data.every((item) => !item.can_sign_off)).toBe(true);
      expect(pageOf(closedItems).next_cursor).not.toBeNull();
    });

    it('lists a campaign’s tasks for admins, open ones first, paginated', async () => {
      const tasks = await call('listReviewTasks', { key: keys[role], params: { id: openId } });
      expect(tasks.status, tasks.text).toBe(200);
      expect(pageOf(tasks)).toMatchObject({
        total: 1,
        next_cursor: null,
        data: [{ campaign: { id: openId, name: 'API open review' }, machine_user: { id: fixtures.reviewed.machineUser.id }, kind: 'change', note: 'Drop production admin.', requested_by_email: users.reviewer.email, done_at: null }],
      });
      // A `keep` raises no task.
      expect(pageOf(await call('listReviewTasks', { key: keys[role], params: { id: closedId } }))).toMatchObject({ total: 0, data: [] });
      expectProblem(await call('listReviewTasks', { key: keys[role], params: { id: '00000000-0000-4000-8000-000000000000' } }), 404, 'not_found');
    });

    it('answers 404 for an unknown or malformed campaign id, and 400 for a bad filter', async () => {
      expectProblem(await call('getReviewCampaign', { key: keys[role], params: { id: '00000000-0000-4000-8000-000000000000' } }), 404, 'not_found');
      expectProblem(await call('listReviewItems', { key: keys[role], params: { id: '00000000-0000-4000-8000-000000000000' } }), 404, 'not_found');
      expectProblem(await call('getReviewCampaign', { key: keys[role], params: { id: 'nope' } }), 404, 'not_found');
      expectProblem(await call('listReviewCampaigns', { key: keys[role], query: { state: 'pending' } }), 400, 'invalid_input');
      expectProblem(await call('listReviewItems', { key: keys[role], params: { id: openId }, query: { show: 'everything' } }), 400, 'invalid_input');
    });
  });

  it('refuses an onboarder with 403 on every review endpoint, and audits each refusal', async () => {
    const before = await db.auditEvent.count({ where: { action: 'campaign.read', outcome: 'refused', actorId: users.onboarder.id } });
    expectProblem(await call('listReviewCampaigns', { key: keys.onboarder }), 403, 'forbidden');
    expectProblem(await call('getReviewCampaign', { key: keys.onboarder, params: { id: openId } }), 403, 'forbidden');
    expectProblem(await call('listReviewItems', { key: keys.onboarder, params: { id: openId } }), 403, 'forbidden');
    expectProblem(await call('listReviewTasks', { key: keys.onboarder, params: { id: openId } }), 403, 'forbidden');
    expect(await db.auditEvent.count({ where: { action: 'campaign.read', outcome: 'refused', actorId: users.onboarder.id } })).toBe(before + 4);
  });

  it('refuses a caller without a key with 401', async () => {
    expectProblem(await call('listReviewCampaigns', {}), 401, 'unauthenticated');
    expectProblem(await call('listReviewItems', { params: { id: openId } }), 401, 'unauthenticated');
  });
});
