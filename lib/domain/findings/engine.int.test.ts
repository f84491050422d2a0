// The findings engine on PGlite and PostgreSQL: a finding opens once, stays one row while it holds
// (first seen kept, last seen moving), resolves when it no longer holds, and comes back as a new
// row; an accepted risk leaves the open list until its date, then shows again; concurrent
// recomputations leave one open row per subject; accepting a risk and changing the policy are
// validated, audited, and previewed without writing.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { POLICY_DEFAULTS } from '@/lib/validations/policy';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { access, DAY, daysAgo, machineUser, owner, project, token } from '@/lib/testing/findings';
import { auditEventsSince, lastAuditSeq, snapshotTables } from '@/lib/testing/inspect';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { acceptRisk, dateAfter } from './accept';
import { recomputeFindings } from './engine';
import { getPolicyView, previewPolicy, updatePolicy } from './policy';
import { listFindings } from './queries';

describe.each(TEST_DATABASE_KINDS)('the findings engine on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let admin: RequestContext;
  let reviewer: RequestContext;

  beforeAll(async () => {
    db = database.db;
    admin = contextFor(await createUser(db, { role: 'admin' }));
    reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
  });

  beforeEach(async () => {
    await db.finding.deleteMany();
    await db.organisationPolicy.deleteMany();
    await db.apiToken.deleteMany();
    await db.machineUser.deleteMany();
    await db.projectUserAccess.deleteMany();
  });

  async function overdueToken() {
    const projectRow = await project(db);
    const person = await owner(db);
    const machine = await machineUser(db, { projectId: projectRow.id, ownerId: person.id });
    await access(db, projectRow.id, machine.platformshUserId!, machine.permissions);
    const apiToken = await token(db, { machineUserId: machine.id, rotateBy: daysAgo(new Date(), 1) });
    return { projectRow, machine, apiToken };
  }

  const rowsOf = (subjectKey: string) => db.finding.findMany({ where: { ruleId: 'token.past_rotate_by', subjectKey }, orderBy: { firstSeenAt: 'asc' } });

  it('opens a finding once, keeps it while it holds, resolves it, and opens a new row when it returns', async () => {
    const { apiToken } = await overdueToken();
    const subject = `token:${apiToken.id}`;
    const t1 = new Date();
    const first = await recomputeFindings(db, t1);
    expect(first.opened).toBeGreaterThanOrEqual(1);
    let rows = await rowsOf(subject);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: 'high', firstSeenAt: t1, lastSeenAt: t1, resolvedAt: null, tokenId: apiToken.id });
    expect(rows[0]!.evidence).toMatchObject({ daysOverdue: 1 });

    // Still overdue: the same row, first seen kept, last seen moved.
    const t2 = new Date(t1.getTime() + 60_000);
    expect((await recomputeFindings(db, t2)).opened).toBe(0);
    rows = await rowsOf(subject);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ firstSeenAt: t1, lastSeenAt: t2, resolvedAt: null });

    // Rotated (a date ahead): resolved.
    await db.apiToken.update({ where: { id: apiToken.id }, data: { rotateBy: new Date(Date.now() + 30 * DAY) } });
    const t3 = new Date(t2.getTime() + 60_000);
    expect((await recomputeFindings(db, t3)).resolved).toBeGreaterThanOrEqual(1);
    rows = await rowsOf(subject);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ resolvedAt: t3 });

    // Overdue again: a new row; the old one stays resolved, for the history.
    await db.apiToken.update({ where: { id: apiToken.id }, data: { rotateBy: daysAgo(new Date(), 1) } });
    const t4 = new Date(t3.getTime() + 60_000);
    await recomputeFindings(db, t4);
    rows = await rowsOf(subject);
    expect(rows.map((row) => [row.firstSeenAt, row.resolvedAt])).toEqual([
      [t1, t3],
      [t4, null],
    ]);
  });

  it('hides an accepted risk from the open list until its date, then shows it again', async () => {
    const { apiToken } = await overdueToken();
    const now = new Date();
    await recomputeFindings(db, now);
    const [finding] = await rowsOf(`token:${apiToken.id}`);
    const until = dateAfter(now, 10);

    const seq = await lastAuditSeq(db);
    const accepted = await acceptRisk(admin, { findingId: finding!.id, reason: 'Rotation planned with the vendor next sprint.', until }, now);
    expect(accepted).toMatchObject({ ok: true, data: { findingId: finding!.id, acceptedUntil: `${until}T00:00:00.000Z` } });
    const events = await auditEventsSince(db, seq);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'finding.accept_risk', outcome: 'succeeded', targetType: 'finding', targetId: finding!.id, actorId: admin.actor.id });
    expect(events[0]!.details).toMatchObject({ ruleId: 'token.past_rotate_by', reason: 'Rotation planned with the vendor next sprint.', before: null, after: { acceptedUntil: `${until}T00:00:00.000Z` } });

    const ids = async (status: string, at: Date) => {
      const page = await listFindings(reviewer, { status, rule: 'token.past_rotate_by' }, at);
      if (!page.ok) throw new Error(page.error.message);
      return page.data.findings.map((row) => row.id);
    };
    expect(await ids('open', now)).not.toContain(finding!.id);
    expect(await ids('accepted', now)).toContain(finding!.id);

    // Still overdue after the recomputation: the acceptance stays on the row.
    await recomputeFindings(db, new Date(now.getTime() + 1000));
    expect(await ids('accepted', now)).toContain(finding!.id);

    // After the date: open again, and the page says the acceptance expired.
    const later = new Date(`${until}T00:00:01.000Z`);
    expect(await ids('open', later)).toContain(finding!.id);
    expect(await ids('accepted', later)).not.toContain(finding!.id);
    const page = await listFindings(reviewer, { status: 'open', rule: 'token.past_rotate_by' }, later);
    expect(page.ok && page.data.findings.find((row) => row.id === finding!.id)?.accepted).toMatchObject({ expired: true, by: admin.actor.email });
  });

  it('refuses an acceptance without a reason, in the past, beyond the policy or by a reviewer, changing nothing', async () => {
    const { apiToken } = await overdueToken();
    const now = new Date();
    await recomputeFindings(db, now);
    const [finding] = await rowsOf(`token:${apiToken.id}`);
    const before = await snapshotTables(db);
    const attempt = (context: RequestContext, input: Record<string, unknown>) =>
      acceptRisk(context, { findingId: finding!.id, reason: 'A good enough reason to accept it.', until: dateAfter(now, 5), ...input }, now);

    expect(await attempt(admin, { reason: '' })).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { reason: expect.any(Array) } } });
    expect(await attempt(admin, { until: dateAfter(now, 0) })).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { until: ['Choose a date after today.'] } } });
    expect(await attempt(admin, { until: dateAfter(now, POLICY_DEFAULTS.acceptRiskMaxDays + 1) })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', fieldErrors: { until: [expect.stringContaining(`at most ${POLICY_DEFAULTS.acceptRiskMaxDays} days`)] } },
    });
    expect(await attempt(reviewer, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await snapshotTables(db)).toEqual(before);
    // The longest the policy allows is fine.
    expect(await attempt(admin, { until: dateAfter(now, POLICY_DEFAULTS.acceptRiskMaxDays) })).toMatchObject({ ok: true });
  });

  it('leaves one open row per subject when several recomputations run at once', async () => {
    const { apiToken } = await overdueToken();
    const now = new Date();
    await Promise.all([recomputeFindings(db, now), recomputeFindings(db, now), recomputeFindings(db, now)]);
    expect(await rowsOf(`token:${apiToken.id}`)).toHaveLength(1);
    const duplicates = await db.$queryRaw<{ n: number }[]>`
      SELECT COUNT(*)::int AS n FROM (SELECT rule_id, subject_key FROM findings WHERE resolved_at IS NULL GROUP BY rule_id, subject_key HAVING COUNT(*) > 1) d`;
    expect(duplicates[0]!.n).toBe(0);
  });

  it('previews a policy change per rule without writing, saves it audited (before → after), and recomputes with it', async () => {
    const projectRow = await project(db);
    await access(db, projectRow.id, 'a-person', ['admin']);
    await recomputeFindings(db);
    const strict = { ...POLICY_DEFAULTS, allowHumanAdminOnProduction: false, unusedDays: 45 };

    const before = await snapshotTables(db);
    const preview = await previewPolicy(reviewer, strict);
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.data.rows.find((row) => row.ruleId === 'access.admin_on_production')).toMatchObject({ wouldOpen: 1, wouldResolve: 0, title: 'Other account with admin on production' });
    expect(preview.data.rows.map((row) => row.ruleId).sort()).toEqual(['access.admin_on_production', 'token.unused']);
    expect(preview.data.changes).toEqual([
      { key: 'unusedDays', from: 30, to: 45 },
      { key: 'allowHumanAdminOnProduction', from: true, to: false },
    ]);
    expect(await snapshotTables(db)).toEqual(before);

    expect(await updatePolicy(reviewer, strict)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await updatePolicy(admin, { ...strict, unusedDays: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { unusedDays: expect.any(Array) } } });
    expect(await snapshotTables(db)).toEqual(before);

    const seq = await lastAuditSeq(db);
    expect(await updatePolicy(admin, strict)).toMatchObject({ ok: true, data: { changed: ['unusedDays', 'allowHumanAdminOnProduction'] } });
    const [event] = await auditEventsSince(db, seq);
    expect(event).toMatchObject({ action: 'policy.update', outcome: 'succeeded', targetType: 'policy' });
    expect(event!.details).toEqual({
      changed: ['unusedDays', 'allowHumanAdminOnProduction'],
      before: { unusedDays: 30, allowHumanAdminOnProduction: true },
      after: { unusedDays: 45, allowHumanAdminOnProduction: false },
    });
    const view = await getPolicyView(reviewer);
    expect(view).toMatchObject({ ok: true, data: { values: strict, updatedBy: admin.actor.email, canEdit: false } });

    await recomputeFindings(db);
    expect(await db.finding.count({ where: { ruleId: 'access.admin_on_production', subjectKey: `access:${projectRow.id}:a-person`, resolvedAt: null } })).toBe(1);
  });

  it('shows an onboarder only the findings of assigned projects', async () => {
    const mine = await overdueToken();
    const theirs = await overdueToken();
    await recomputeFindings(db);
    const onboarderUser = await createUser(db, { role: 'onboarder', projectIds: [mine.projectRow.id] });
    const page = await listFindings(contextFor(onboarderUser, [mine.projectRow.id]), {});
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    const tokenIds = page.data.findings.map((row) => row.token?.id);
    expect(tokenIds).toContain(mine.apiToken.id);
    expect(tokenIds).not.toContain(theirs.apiToken.id);
    expect(page.data.projects.map((row) => row.id)).toEqual([mine.projectRow.id]);
    // The reviewer sees both, with the summary counting them.
    const all = await listFindings(reviewer, { rule: 'token.past_rotate_by' });
    expect(all.ok && all.data.findings.length).toBe(2);
    expect(all.ok && all.data.summary.open.high).toBeGreaterThanOrEqual(2);
  });
});
