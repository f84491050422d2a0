// The operational notification events (issue 17) on PGlite and PostgreSQL, e-mailed over SMTP to a
// real SMTP server started by the test and read back as delivered: drift, a failed or partial push,
// a failed or partial sync, a revocation still open after N hours, review campaigns (started, due,
// overdue then weekly), and a compromised token seen in use — each to its recipients, once per
// occurrence. Then the signed one-click unsubscribe: the headers of RFC 8058, the link turning one
// kind off for one person (audited), and tampered or expired links refused in plain words.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { recordLastUse } from '@/lib/domain/tokens/last-use';
import { NOTIFICATION_EVENTS } from '@/lib/notifications/events';
import { registerNotificationRequester } from '@/lib/notifications/urgent';
import { signUnsubscribeLink, unsubscribeKey } from '@/lib/notifications/unsubscribe-link';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { DAY, machineUser, owner, project, token } from '@/lib/testing/findings';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { setUpSmtpMailer } from '@/lib/testing/smtp-server';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { updateNotificationSettings, updateOwnPreferences } from './settings';
import { runNotificationTick } from './tick';
import { configuredUnsubscribeKey, describeUnsubscribeLink, unsubscribeByLink } from './unsubscribe';

const PUBLIC_URL = new URL('https://keys.example.com');
const NOW = new Date('2027-03-01T09:00:00Z');
const HOUR = 60 * 60 * 1000;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const FROM = 'Keywarden <keywarden@keys.example.com>';
/** Tokens of these tests are nowhere near their rotate-by date: no rotation reminder mixes in. */
const FAR = at(400 * DAY);

describe.each(TEST_DATABASE_KINDS)('notification events on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  const smtp = setUpSmtpMailer(database, FROM);
  let db: Database;

  const tick = (now = NOW) => runNotificationTick(db, { now, mailer: smtp.mailer, publicUrl: PUBLIC_URL, unsubscribeKey: configuredUnsubscribeKey() });
  const { mailsTo } = smtp;
  const subjectsTo = (email: string) => mailsTo(email).map((mail) => mail.parsed.subject);

  beforeAll(() => {
    db = database.db;
  });

  beforeEach(async () => {
    // Each test's occurrences alone: earlier tests' are settled.
    await db.finding.updateMany({ where: { resolvedAt: null }, data: { resolvedAt: NOW } });
    await db.pushRun.updateMany({ where: { status: { in: ['failed', 'partial'] } }, data: { status: 'succeeded' } });
    await db.syncRun.updateMany({ where: { status: { in: ['failed', 'partial', 'interrupted'] } }, data: { status: 'succeeded' } });
    await db.apiToken.updateMany({ where: { status: { in: ['revoked', 'compromised'] } }, data: { status: 'superseded' } });
    await db.apiToken.updateMany({ where: { status: 'active' }, data: { status: 'superseded' } });
    await db.reviewCampaign.updateMany({ where: { state: 'open' }, data: { state: 'closed', closedAt: NOW } });
  });

  async function someone(role: 'admin' | 'onboarder' | 'reviewer', projectIds?: string[]) {
    return createUser(db, { role, projectIds });
  }

  async function aMachineUser() {
    const person = await owner(db, { role: 'onboarder' });
    const { id: projectId, title } = await project(db);
    const machine = await machineUser(db, { projectId, ownerId: person.id });
    return { person, projectId, title, machine };
  }

  it('drift: admins and the onboarders assigned to its project hear of it once, not also as a high finding', async () => {
    const admin = await someone('admin');
    const { projectId, title } = await aMachineUser();
    const assigned = await someone('onboarder', [projectId]);
    const elsewhere = await someone('onboarder');
    const reviewer = await someone('reviewer');
    await db.finding.create({
      data: { ruleId: 'drift.variable', subjectKey: `drift:${projectId}`, severity: 'high', projectId, environmentId: 'main', evidence: {}, firstSeenAt: at(-HOUR), lastSeenAt: NOW },
    });
    await tick();
    await tick(at(HOUR));
    for (const person of [admin, assigned]) {
      expect(subjectsTo(person.email)).toEqual([expect.stringMatching(new RegExp(`^\\[Keywarden\\] Drift detected: .+ \\(${title}, main\\)$`))]);
    }
    expect(mailsTo(assigned.email)[0]!.parsed.text).toContain(`https://keys.example.com/review?rule=drift.variable&project=${projectId}`);
    expect(mailsTo(elsewhere.email)).toHaveLength(0);
    expect(mailsTo(reviewer.email)).toHaveLength(0);
    expect(await db.notification.count({ where: { userId: admin.id } })).toBe(1);
  });

  it('a push that failed or stayed partial: whoever started it and the admins; a revocation run or an old run is not a push failure', async () => {
    const admin = await someone('admin');
    const { machine, person } = await aMachineUser();
    const starter = await someone('onboarder');
    const recorded = await token(db, { machineUserId: machine.id, rotateBy: FAR });
    const run = await db.pushRun.create({
      data: { machineUserId: machine.id, tokenId: recorded.id, status: 'partial', visibleBuild: false, startedById: starter.id, startedAt: at(-HOUR), finishedAt: at(-HOUR / 2) },
    });
    await db.pushStep.createMany({
      data: [
        { runId: run.id, projectId: machine.projectId, environmentId: 'main', environmentType: 'production', status: 'succeeded', operation: 'update' },
        { runId: run.id, projectId: machine.projectId, environmentId: 'staging', environmentType: 'staging', status: 'failed', operation: 'create' },
      ],
    });
    // A revocation's run (its steps delete) and a push that failed three days ago.
    const revocation = await db.pushRun.create({
      data: { machineUserId: machine.id, tokenId: recorded.id, status: 'partial', visibleBuild: false, startedById: starter.id, startedAt: at(-HOUR), finishedAt: at(-HOUR) },
    });
    await db.pushStep.create({ data: { runId: revocation.id, projectId: machine.projectId, environmentId: 'dev', environmentType: 'development', status: 'failed', operation: 'delete' } });
    await db.pushRun.create({ data: { machineUserId: machine.id, tokenId: recorded.id, status: 'failed', visibleBuild: false, startedById: starter.id, startedAt: at(-3 * DAY), finishedAt: at(-3 * DAY) } });

    expect(await tick()).toMatchObject({ failed: 0 });
    for (const recipient of [starter, admin]) {
      expect(subjectsTo(recipient.email)).toEqual([`[Keywarden] A push of “Cron” to ${machine.email} stayed partial`]);
    }
    const [mail] = mailsTo(starter.email);
    expect(mail!.parsed.text).toContain('1 of 2 environments did not get it');
    expect(mail!.parsed.text).toContain(`https://keys.example.com/machine-users/${machine.id}`);
    expect(mailsTo(person.email)).toHaveLength(0);
    expect(await tick()).toMatchObject({ created: 0, emailed: 0 });
  });

  it('a sync that failed or stayed partial: whoever asked for it and the admins; a scheduled one, the admins', async () => {
    const admin = await someone('admin');
    const asker = await someone('onboarder');
    await db.syncRun.create({
      data: { trigger: 'manual', full: false, status: 'partial', requestedById: asker.id, startedAt: at(-HOUR), finishedAt: at(-HOUR / 2), projectsTotal: 5, projectsDone: 5, projectsFailed: 2 },
    });
    await db.syncRun.create({ data: { trigger: 'scheduled', full: true, status: 'failed', startedAt: at(-2 * HOUR), finishedAt: at(-2 * HOUR), error: 'Platform.sh answered 503' } });
    await tick();
    expect(subjectsTo(asker.email)).toEqual(['[Keywarden] An inventory sync stayed partial']);
    expect(mailsTo(asker.email)[0]!.parsed.text).toContain('2 of 5 projects could not be read.');
    expect(subjectsTo(admin.email).sort()).toEqual(['[Keywarden] An inventory sync failed', '[Keywarden] An inventory sync stayed partial']);
    expect(mailsTo(admin.email).find((mail) => mail.parsed.subject?.endsWith('failed'))!.parsed.text).toContain('Nothing was updated: Platform.sh answered 503');
  });

  it('a revocation still open after the organisation’s hours: whoever started it and the admins, once', async () => {
    const adminUser = await someone('admin');
    const settings = await updateNotificationSettings(contextFor(adminUser), {
      reminderDays: '14, 3',
      defaults: Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, 'email'])),
      revocationOpenHours: 6,
    });
    expect(settings).toMatchObject({ ok: true, data: { revocationOpenHours: 6, campaignDueDays: 7 } });
    try {
      const { machine } = await aMachineUser();
      const starter = await someone('onboarder');
      const compromised = await token(db, { machineUserId: machine.id, rotateBy: FAR });
      await db.apiToken.update({ where: { id: compromised.id }, data: { status: 'compromised', statusChangedAt: at(-5 * HOUR), lastUsedAt: at(-DAY) } });
      const run = await db.pushRun.create({
        data: { machineUserId: machine.id, tokenId: compromised.id, status: 'partial', visibleBuild: false, startedById: starter.id, startedAt: at(-5 * HOUR), finishedAt: at(-5 * HOUR) },
      });
      await db.pushStep.create({ data: { runId: run.id, projectId: machine.projectId, environmentId: 'main', environmentType: 'production', status: 'failed', operation: 'delete' } });
      // A revocation finished in time is no news.
      const done = await token(db, { machineUserId: machine.id, rotateBy: FAR });
      await db.apiToken.update({ where: { id: done.id }, data: { status: 'revoked', statusChangedAt: at(-2 * DAY), deletedOnPlatformAt: at(-2 * DAY) } });

      await tick();
      expect(mailsTo(starter.email)).toHaveLength(0);
      await tick(at(HOUR + 1000));
      await tick(at(2 * HOUR));
      const subject = `[Keywarden] A revocation is still open: “Cron” of ${machine.email}`;
      expect(subjectsTo(starter.email)).toEqual([subject]);
      expect(subjectsTo(adminUser.email)).toContain(subject);
      expect(mailsTo(starter.email)[0]!.parsed.text).toMatch(/marked compromised 6 hours ago .* the token is not deleted on Platform\.sh; some environments still hold its variable\./);
    } finally {
      await db.notificationSettings.deleteMany();
    }
  });

  it('review campaigns: reviewers hear that one started, that it is due within N days, and that it is overdue (then weekly)', async () => {
    const admin = await someone('admin');
    const reviewer = await someone('reviewer');
    const onboarder = await someone('onboarder');
    const campaign = await db.reviewCampaign.create({
      data: { name: `Q1 ${crypto.randomUUID().slice(0, 6)}`, dueOn: new Date('2027-03-20T00:00:00Z'), allProjects: true, projectIds: [], createdById: admin.id, createdByEmail: admin.email, createdAt: at(-HOUR) },
    });
    for (const day of [0, 1, 13, 14, 19, 20, 21, 25, 27, 28]) await tick(at(day * DAY));
    expect(subjectsTo(reviewer.email)).toEqual([
      `[Keywarden] Access review “${campaign.name}” has started`,
      `[Keywarden] Access review “${campaign.name}” is due in 6 days`,
      `[Keywarden] Access review “${campaign.name}” is due today`,
      `[Keywarden] Access review “${campaign.name}” is 1 day overdue`,
      `[Keywarden] Access review “${campaign.name}” is 8 days overdue`,
    ]);
    expect(mailsTo(reviewer.email)[0]!.parsed.text).toContain(`https://keys.example.com/review/campaigns/${campaign.id}`);
    expect(mailsTo(onboarder.email)).toHaveLength(0);
    expect(mailsTo(admin.email).filter((mail) => mail.parsed.subject?.includes('Access review'))).toHaveLength(0);
  });

  it('a compromised token seen used after it was marked: every admin, at the next tick, once per day of use', async () => {
    const admin = await someone('admin');
    const otherAdmin = await someone('admin');
    const { machine, person } = await aMachineUser();
    const compromised = await token(db, { machineUserId: machine.id, rotateBy: FAR, deletedOnPlatformAt: at(-DAY) });
    await db.apiToken.update({ where: { id: compromised.id }, data: { status: 'compromised', statusChangedAt: at(-DAY), lastUsedAt: at(-2 * DAY) } });
    await tick();
    expect(mailsTo(admin.email)).toHaveLength(0);
    // Platform.sh now reports a use after the marking.
    await db.apiToken.update({ where: { id: compromised.id }, data: { lastUsedAt: at(-HOUR) } });
    await tick();
    await db.apiToken.update({ where: { id: compromised.id }, data: { lastUsedAt: at(-HOUR / 2) } });
    await tick();
    const subject = `[Keywarden] A compromised token was used: “Cron” of ${machine.email}`;
    expect(subjectsTo(admin.email)).toEqual([subject]);
    expect(subjectsTo(otherAdmin.email)).toEqual([subject]);
    expect(mailsTo(person.email)).toHaveLength(0);
    // A use seen the next day is news again.
    await db.apiToken.update({ where: { id: compromised.id }, data: { lastUsedAt: at(DAY) } });
    await tick(at(DAY + HOUR));
    expect(subjectsTo(admin.email)).toEqual([subject, subject]);
  });

  it('follows each person’s choice per event: a digest the next day, in-app only', async () => {
    const quiet = await someone('onboarder');
    const collector = await someone('onboarder');
    const everything = (choice: string) => ({ choices: Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, event === 'sync_failed' ? choice : 'email'])) });
    expect(await updateOwnPreferences(contextFor(quiet), everything('none'))).toMatchObject({ ok: true, data: { changed: ['sync_failed'] } });
    expect(await updateOwnPreferences(contextFor(collector), everything('digest'))).toMatchObject({ ok: true });
    for (const person of [quiet, collector]) {
      await db.syncRun.create({ data: { trigger: 'manual', full: false, status: 'interrupted', requestedById: person.id, startedAt: at(-HOUR), heartbeatAt: at(-HOUR) } });
    }
    await tick();
    expect(mailsTo(quiet.email)).toHaveLength(0);
    expect(mailsTo(collector.email)).toHaveLength(0);
    expect(await db.notification.count({ where: { userId: { in: [quiet.id, collector.id] }, event: 'sync_failed' } })).toBe(2);
    await tick(at(DAY));
    expect(mailsTo(quiet.email)).toHaveLength(0);
    expect(subjectsTo(collector.email)).toEqual(['[Keywarden] Daily digest: 1 notification']);
    expect(mailsTo(collector.email)[0]!.parsed.text).toMatch(/An inventory sync was interrupted[\s\S]*Stop e-mails about “An inventory sync failed or stayed partial”: https:\/\/keys\.example\.com\/unsubscribe\//);
  });

  it('asks for a tick at once when Platform.sh reports a compromised token used since it was marked', async () => {
    let requested = 0;
    registerNotificationRequester(async () => requested++);
    try {
      const { machine } = await aMachineUser();
      const compromised = await token(db, { machineUserId: machine.id, rotateBy: FAR, platformshTokenId: 'psh-token-1' });
      await db.apiToken.update({ where: { id: compromised.id }, data: { status: 'compromised', statusChangedAt: at(-DAY) } });
      const active = await token(db, { machineUserId: machine.id, rotateBy: FAR, platformshTokenId: 'psh-token-2' });
      // Used before it was marked, or an active token used: no hurry.
      await recordLastUse(db, { machineUserId: machine.id }, [{ id: 'psh-token-1', lastUsedAt: at(-2 * DAY).toISOString() }, { id: 'psh-token-2', lastUsedAt: NOW.toISOString() }]);
      expect(requested).toBe(0);
      await recordLastUse(db, { machineUserId: machine.id }, [{ id: 'psh-token-1', lastUsedAt: at(-HOUR).toISOString() }]);
      expect(requested).toBe(1);
      expect((await db.apiToken.findUniqueOrThrow({ where: { id: active.id } })).lastUsedAt).toEqual(NOW);
    } finally {
      registerNotificationRequester(async () => undefined);
    }
  });

  describe('the signed one-click unsubscribe', () => {
    async function failedPushFor(starter: { id: string }) {
      const { machine } = await aMachineUser();
      const recorded = await token(db, { machineUserId: machine.id, rotateBy: FAR });
      await db.pushRun.create({ data: { machineUserId: machine.id, tokenId: recorded.id, status: 'failed', visibleBuild: false, startedById: starter.id, startedAt: at(-HOUR), finishedAt: at(-HOUR) } });
      return machine;
    }

    it('carries List-Unsubscribe (the one-click address) and List-Unsubscribe-Post, and a confirm page link in the body', async () => {
      const starter = await someone('onboarder');
      await failedPushFor(starter);
      await tick();
      const [mail] = mailsTo(starter.email);
      const headers = mail!.raw.replace(/\r?\n[ \t]+/g, ' ');
      const header = /^List-Unsubscribe: <(https:\/\/keys\.example\.com\/api\/unsubscribe\/([\w-]+\.[\w-]+))>/m.exec(headers);
      expect(header, headers.split(/\r?\n\r?\n/)[0]).not.toBeNull();
      expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
      const link = header![2]!;
      expect(mail!.parsed.text).toContain(`Stop e-mails about “A push or rotation failed or stayed partial”: https://keys.example.com/unsubscribe/${link}`);
      expect(String(mail!.parsed.html)).toContain(`href="https://keys.example.com/unsubscribe/${link}"`);
      expect(await describeUnsubscribeLink(link, NOW)).toMatchObject({ ok: true, data: { email: starter.email, event: 'push_failed', current: 'email' } });
    });

    it('turns that kind off for that person only, audited; the bell still shows the next one', async () => {
      const starter = await someone('onboarder');
      await failedPushFor(starter);
      await tick();
      const link = /\/api\/unsubscribe\/([\w-]+\.[\w-]+)/.exec(mailsTo(starter.email)[0]!.raw)![1]!;
      const seq = await lastAuditSeq(db);
      expect(await unsubscribeByLink(link, '203.0.113.7', NOW)).toMatchObject({ ok: true, data: { event: 'push_failed', current: 'none', changed: true } });
      // Pressed twice (a mail client and the page): still fine, nothing more to change.
      expect(await unsubscribeByLink(link, '203.0.113.7', NOW)).toMatchObject({ ok: true, data: { changed: false } });
      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => [event.action, event.outcome, event.actorId, event.targetId])).toEqual([
        ['notification.unsubscribe', 'succeeded', starter.id, starter.id],
        ['notification.unsubscribe', 'succeeded', starter.id, starter.id],
      ]);
      expect(events[0]!.details).toMatchObject({ event: 'push_failed', before: 'email', after: 'none' });
      expect(await db.notificationPreference.findMany({ where: { userId: starter.id } })).toMatchObject([{ event: 'push_failed', choice: 'none' }]);

      await failedPushFor(starter);
      await db.syncRun.create({ data: { trigger: 'manual', full: false, status: 'failed', requestedById: starter.id, startedAt: at(-HOUR), finishedAt: at(-HOUR) } });
      await tick(at(HOUR));
      expect(subjectsTo(starter.email)).toEqual([expect.stringMatching(/push .* failed$/), '[Keywarden] An inventory sync failed']);
      expect(await db.notification.count({ where: { userId: starter.id, event: 'push_failed' } })).toBe(2);
    });

    it('refuses a tampered, foreign or expired link in plain words, changing nothing, with the refusal audited', async () => {
      const person = await someone('onboarder');
      const key = configuredUnsubscribeKey();
      const good = signUnsubscribeLink(key, { userId: person.id, event: 'drift_detected' }, NOW);
      const [payload, signature] = good.split('.') as [string, string];
      const other = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('drift_detected', 'sync_failed')).toString('base64url');
      const seq = await lastAuditSeq(db);
      expect(await unsubscribeByLink(`${other}.${signature}`, '203.0.113.8', NOW)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('altered') } });
      const foreign = signUnsubscribeLink(unsubscribeKey('some-other-installation-secret-0123456789'), { userId: person.id, event: 'drift_detected' }, NOW);
      expect(await unsubscribeByLink(foreign, '203.0.113.8', NOW)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(await unsubscribeByLink(good, '203.0.113.8', at(61 * DAY))).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('expired') } });
      expect(await describeUnsubscribeLink('not-a-link', NOW)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('not complete') } });
      expect(await db.notificationPreference.count({ where: { userId: person.id } })).toBe(0);
      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => [event.action, event.outcome])).toEqual(Array.from({ length: 3 }, () => ['notification.unsubscribe', 'refused']));
      // A disabled account's link turns nothing on or off.
      await db.user.update({ where: { id: person.id }, data: { disabledAt: NOW } });
      expect(await unsubscribeByLink(good, '203.0.113.8', NOW)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });
  });
});
