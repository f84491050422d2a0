// The notification loop on PGlite and PostgreSQL, with e-mail sent over SMTP to a real SMTP server
// started by the test (smtp-server on loopback) and read back as delivered: rotation reminders to
// the owner and backup owner, once per occurrence however often (or however concurrently) the tick
// runs; preferences (in-app only, daily digest); a failing server retried then failed, each attempt
// audited; high findings to admins and assigned onboarders; the sandbox mailbox; and the canary: a
// token recorded through the real record-and-push flow never appears in a delivered message, in any
// encoding, nor does its fingerprint.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { trackMachineUsers } from '@/lib/domain/machine-users/tracking';
import { recordAndPushToken } from '@/lib/domain/tokens/push';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { NOTIFICATION_EVENTS } from '@/lib/notifications/events';
import { encodingsOf } from '@/lib/security/redact';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { DAY, machineUser, owner, project, token } from '@/lib/testing/findings';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { acceptInvitation, inviteInput, machineEmail } from '@/lib/testing/machine-users';
import { setUpSmtpMailer } from '@/lib/testing/smtp-server';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { createMailer, type Mailer } from './mailer';
import { listNotifications, markNotificationsRead } from './inbox';
import { updateNotificationSettings, updateOwnPreferences } from './settings';
import { MAX_ATTEMPTS, runNotificationTick } from './tick';
import { configuredUnsubscribeKey } from './unsubscribe';

const PUBLIC_URL = new URL('https://keys.example.com');
const NOW = new Date('2027-03-01T09:00:00Z');
const at = (days: number) => new Date(NOW.getTime() + days * DAY);
const FROM = 'Keywarden <keywarden@keys.example.com>';

describe.each(TEST_DATABASE_KINDS)('notifications on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  const smtp = setUpSmtpMailer(database, FROM);
  let db: Database;

  const tick = (now = NOW, using: Mailer = smtp.mailer) => runNotificationTick(db, { now, mailer: using, publicUrl: PUBLIC_URL });
  const { mailsTo } = smtp;

  beforeAll(() => {
    db = database.db;
  });

  beforeEach(async () => {
    smtp.server.rejectRecipients = false;
    // Each test's tokens alone are due: earlier tests' tokens are retired.
    await db.apiToken.updateMany({ where: { status: 'active' }, data: { status: 'superseded' } });
    await db.finding.updateMany({ where: { resolvedAt: null }, data: { resolvedAt: NOW } });
  });

  async function dueToken(rotateInDays: number, options: { backup?: boolean } = {}) {
    const person = await owner(db, { role: 'onboarder' });
    const backup = options.backup ? await owner(db, { role: 'reviewer' }) : null;
    const { id: projectId } = await project(db);
    const created = await machineUser(db, { projectId, ownerId: person.id });
    const machine = backup ? await db.machineUser.update({ where: { id: created.id }, data: { backupOwnerId: backup.id } }) : created;
    const recorded = await token(db, { machineUserId: machine.id, rotateBy: at(rotateInDays) });
    return { person, backup, machine, recorded };
  }

  it('reminds the owner and the backup owner 14 days before, by SMTP, with a link to the machine user and one to the preferences', async () => {
    const { person, backup, machine } = await dueToken(14, { backup: true });
    const seq = await lastAuditSeq(db);
    expect(await tick()).toMatchObject({ created: 2, emailed: 2, failed: 0 });
    for (const recipient of [person, backup!]) {
      const [mail, ...more] = mailsTo(recipient.email);
      expect(more).toHaveLength(0);
      expect(mail!.parsed.subject).toBe(`[Keywarden] Rotate “Cron” of ${machine.email} within 14 days`);
      expect(mail!.parsed.from?.value).toEqual([{ name: 'Keywarden', address: 'keywarden@keys.example.com' }]);
      expect(mail!.parsed.text).toContain(`https://keys.example.com/machine-users/${machine.id}`);
      expect(mail!.parsed.text).toContain('https://keys.example.com/settings/notifications#event-rotation_due_soon');
      expect(mail!.parsed.html).toContain(`href="https://keys.example.com/machine-users/${machine.id}"`);
      expect(mail!.raw.replace(/\r?\n[ \t]+/g, ' ')).toMatch(/^List-Unsubscribe: .*<https:\/\/keys\.example\.com\/settings\/notifications#event-rotation_due_soon>/m);
    }
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome, event.targetId]).sort()).toEqual(
      [
        ['notification.email_sent', 'succeeded', person.id],
        ['notification.email_sent', 'succeeded', backup!.id],
      ].sort(),
    );
    // In-app too: the owner's bell.
    const inbox = await listNotifications(contextFor(person));
    expect(inbox.ok && inbox.data).toMatchObject({ unread: 1, notifications: [{ event: 'rotation_due_soon', email: { status: 'sent', lastError: null } }] });
  });

  it('sends nothing twice for one occurrence: a second tick, a later day in the same window, concurrent ticks', async () => {
    const { person } = await dueToken(14);
    const [first, second] = await Promise.all([tick(), tick()]);
    expect(first.created + second.created).toBe(1);
    expect(first.emailed + second.emailed).toBe(1);
    // The day after: 13 days left, still the 14-day window.
    expect(await tick(at(1))).toMatchObject({ created: 0, emailed: 0 });
    expect(mailsTo(person.email)).toHaveLength(1);
    expect(await db.notification.count({ where: { userId: person.id } })).toBe(1);
  });

  it('walks the windows: 14 days, 3 days, today, overdue, and overdue again a week later', async () => {
    const { person, machine } = await dueToken(14);
    const days = [0, 5, 11, 12, 14, 15, 16, 21, 22];
    for (const day of days) await tick(at(day));
    expect(mailsTo(person.email).map((mail) => mail.parsed.subject)).toEqual([
      `[Keywarden] Rotate “Cron” of ${machine.email} within 14 days`,
      `[Keywarden] Rotate “Cron” of ${machine.email} within 3 days`,
      `[Keywarden] Rotate “Cron” of ${machine.email} today`,
      `[Keywarden] “Cron” of ${machine.email} is 1 day past its rotate-by date`,
      `[Keywarden] “Cron” of ${machine.email} is 8 days past its rotate-by date`,
    ]);
  });

  it('follows the organisation’s reminder days and each person’s choices: in-app only, daily digest', async () => {
    const admin = contextFor(await createUser(db, { role: 'admin' }));
    const settings = await updateNotificationSettings(admin, {
      reminderDays: '30, 7',
      defaults: Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, 'email'])),
    });
    expect(settings).toMatchObject({ ok: true, data: { reminderDays: [30, 7] } });
    try {
      const quiet = await dueToken(7);
      const digest = await dueToken(30);
      const choices = (choice: string) => ({ choices: Object.fromEntries(NOTIFICATION_EVENTS.map((event) => [event, choice])) });
      expect(await updateOwnPreferences(contextFor(quiet.person), choices('none'))).toMatchObject({ ok: true, data: { changed: [...NOTIFICATION_EVENTS] } });
      expect(await updateOwnPreferences(contextFor(digest.person), choices('digest'))).toMatchObject({ ok: true });

      expect(await tick()).toMatchObject({ created: 2, emailed: 0, digests: 0 });
      expect(mailsTo(quiet.person.email)).toHaveLength(0);
      expect(mailsTo(digest.person.email)).toHaveLength(0);
      const bell = await listNotifications(contextFor(quiet.person));
      expect(bell.ok && bell.data.unread).toBe(1);
      // The next day, the digest leaves: one e-mail for what was collected.
      expect(await tick(at(1))).toMatchObject({ digests: 1 });
      expect(await tick(at(1))).toMatchObject({ digests: 0 });
      const [mail, ...more] = mailsTo(digest.person.email);
      expect(more).toHaveLength(0);
      expect(mail!.parsed.subject).toBe('[Keywarden] Daily digest: 1 notification');
      expect(mail!.parsed.text).toContain(`Rotate “Cron” of ${digest.machine.email} within 30 days`);
      // Marking read is the caller's own: someone else's notification is not found.
      const own = await db.notification.findFirstOrThrow({ where: { userId: quiet.person.id } });
      expect(await markNotificationsRead(contextFor(digest.person), { notificationId: own.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await markNotificationsRead(contextFor(quiet.person), { notificationId: own.id })).toMatchObject({ ok: true, data: { marked: 1 } });
    } finally {
      await db.notificationSettings.deleteMany();
    }
  });

  it('retries a refused e-mail on the next ticks, then gives up; every attempt is audited with the server’s words', async () => {
    const { person } = await dueToken(3);
    smtp.server.rejectRecipients = true;
    const seq = await lastAuditSeq(db);
    expect(await tick()).toMatchObject({ created: 1, emailed: 0, failed: 1 });
    const delivery = () => db.notificationDelivery.findFirstOrThrow({ where: { notification: { userId: person.id } } });
    expect(await delivery()).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('Mailbox unavailable') });
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) await tick();
    expect(await delivery()).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(await tick()).toMatchObject({ emailed: 0, failed: 0 });
    const events = await auditEventsSince(db, seq);
    expect(events.map((event) => [event.action, event.outcome])).toEqual(Array.from({ length: MAX_ATTEMPTS }, () => ['notification.email_failed', 'failed']));
    expect(events[0]!.reason).toContain('Mailbox unavailable');
    expect(mailsTo(person.email)).toHaveLength(0);
  });

  it('tells admins and the onboarders assigned to the project about a new high finding, once', async () => {
    const admin = await createUser(db, { role: 'admin' });
    const { id: projectId } = await project(db);
    const assigned = await createUser(db, { role: 'onboarder', projectIds: [projectId] });
    const elsewhere = await createUser(db, { role: 'onboarder' });
    const reviewer = await createUser(db, { role: 'reviewer' });
    await db.finding.create({
      data: { ruleId: 'token.past_rotate_by', subjectKey: `test:${projectId}`, severity: 'high', projectId, evidence: {}, firstSeenAt: at(-1), lastSeenAt: NOW },
    });
    await db.finding.create({
      data: { ruleId: 'token.past_rotate_by', subjectKey: `low:${projectId}`, severity: 'medium', projectId, evidence: {}, firstSeenAt: at(-1), lastSeenAt: NOW },
    });
    await tick();
    await tick();
    expect(mailsTo(admin.email)).toHaveLength(1);
    expect(mailsTo(assigned.email)).toHaveLength(1);
    expect(mailsTo(assigned.email)[0]!.parsed.text).toContain(`https://keys.example.com/review?rule=token.past_rotate_by&project=${projectId}`);
    expect(mailsTo(elsewhere.email)).toHaveLength(0);
    expect(mailsTo(reviewer.email)).toHaveLength(0);
  });

  it('keeps the e-mails in the sandbox mailbox when there is no SMTP server', async () => {
    const sandbox = createMailer({ transport: 'sandbox-mailbox', from: FROM }, db);
    const { person, machine } = await dueToken(0);
    const before = smtp.server.mails.length;
    expect(await tick(NOW, sandbox)).toMatchObject({ created: 1, emailed: 1 });
    expect(smtp.server.mails.length).toBe(before);
    const stored = await db.sandboxMail.findMany({ where: { to: person.email } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ from: FROM, subject: `[Keywarden] Rotate “Cron” of ${machine.email} today` });
  });

  it('with e-mail off, keeps the notification in-app and says why nothing was sent', async () => {
    const disabled = createMailer({ transport: 'disabled', from: FROM }, db);
    const { person } = await dueToken(3);
    expect(await tick(NOW, disabled)).toMatchObject({ created: 1, emailed: 0, failed: 0 });
    expect(await db.notificationDelivery.findFirstOrThrow({ where: { notification: { userId: person.id } } })).toMatchObject({
      status: 'skipped',
      lastError: 'e-mail is not configured (KEYWARDEN_SMTP_URL)',
    });
  });

  describe('the canary', () => {
    let sim: RunningSimulator;

    beforeAll(async () => {
      sim = await startSimulator({ seed: 'demo', activityDurationMs: 20 });
    });

    afterAll(async () => {
      await sim?.stop();
    });

    it('a token recorded through the real flow never appears in a delivered e-mail, nor does its fingerprint', async () => {
      const dashboard = simulatorClient(sim);
      try {
        expect((await runSync(db, dashboard, { full: true })).outcome.status).toBe('succeeded');
        const admin = contextFor(await createUser(db, { role: 'admin' }));
        const person = await createUser(db, { role: 'onboarder' });
        const projectId = [...sim.store.projects.keys()][0]!;
        const invited = await inviteMachineUser(admin, inviteInput({ projectId, ownerId: person.id, email: machineEmail('canary'), overrideReason: 'a canary next to other machine users' }), dashboard);
        if (!invited.ok) throw new Error(invited.error.message);
        const row = await db.machineUser.findUniqueOrThrow({ where: { id: invited.data.machineUserId } });
        const accepted = await acceptInvitation(sim, row.invitationId!);
        await trackMachineUsers(db, dashboard, projectId);
        const canary = sim.store.issueApiToken(accepted.user_id, 'canary').token;
        // An environment of its own, with no variable yet.
        const environmentId = 'canary-env';
        sim.store.addEnvironment(projectId, { id: environmentId, title: environmentId, type: 'development', createdAt: new Date().toISOString() });
        await db.environment.create({ data: { projectId, id: environmentId, name: environmentId, title: environmentId, type: 'development', status: 'active' } });
        const recorded = await recordAndPushToken(
          admin,
          { machineUserId: row.id, runId: crypto.randomUUID(), token: canary, name: 'canary cron', environmentIds: [environmentId] },
          { dashboard, clientForToken: (apiToken) => simulatorClient(sim, { apiToken }), fingerprintKey: 'canary-fingerprint-key-0123456789abcdef' },
        );
        expect(recorded, JSON.stringify(recorded)).toMatchObject({ ok: true });
        const record = await db.apiToken.findFirstOrThrow({ where: { machineUserId: row.id, status: 'active' } });
        // Due in three days, from the real clock's today (the record was made now).
        await db.apiToken.update({ where: { id: record.id }, data: { rotateBy: new Date(Date.now() + 3 * DAY) } });

        const sandbox = createMailer({ transport: 'sandbox-mailbox', from: FROM }, db);
        await runNotificationTick(db, { mailer: smtp.mailer, publicUrl: PUBLIC_URL });
        const mails = mailsTo(person.email);
        expect(mails).toHaveLength(1);
        // Positive control: the message is about this token.
        expect(mails[0]!.parsed.text).toContain(`“canary cron” of ${row.email}`);
        // The same occurrence is not sent again to the sandbox mailbox; a fresh one is, for the scan.
        await db.notification.deleteMany({ where: { userId: person.id } });
        await runNotificationTick(db, { mailer: sandbox, publicUrl: PUBLIC_URL });
        const stored = await db.sandboxMail.findMany({ where: { to: person.email } });
        expect(stored).toHaveLength(1);

        // The operational events about the same token reach the admin: its push stayed partial, it
        // was marked compromised two days ago and its revocation is still open, and it was used since.
        const run = await db.pushRun.findFirstOrThrow({ where: { tokenId: record.id } });
        await db.pushStep.updateMany({ where: { runId: run.id }, data: { status: 'failed', error: 'Platform.sh did not answer' } });
        await db.pushRun.update({ where: { id: run.id }, data: { status: 'partial', finishedAt: new Date() } });
        await db.apiToken.update({ where: { id: record.id }, data: { status: 'compromised', statusChangedAt: new Date(Date.now() - 2 * DAY), lastUsedAt: new Date(Date.now() - 60_000) } });
        await runNotificationTick(db, { mailer: smtp.mailer, publicUrl: PUBLIC_URL, unsubscribeKey: configuredUnsubscribeKey() });
        const adminMails = mailsTo(admin.actor.email);
        // Positive control: each new kind of message is there and names the token.
        for (const title of ['A push of “canary cron”', 'A revocation is still open: “canary cron”', 'A compromised token was used: “canary cron”']) {
          expect(adminMails.map((mail) => mail.parsed.subject).some((subject) => subject?.includes(title)), title).toBe(true);
        }

        const haystacks = [
          ...[...mails, ...adminMails].flatMap((mail) => [mail.raw, mail.parsed.text ?? '', String(mail.parsed.html), mail.parsed.subject ?? '']),
          ...stored.flatMap((mail) => [mail.subject, mail.text, mail.html]),
          JSON.stringify(await db.notification.findMany({ where: { userId: { in: [person.id, admin.actor.id] } } })),
        ];
        const forbidden = [...encodingsOf(canary), record.fingerprint, record.fingerprint.toUpperCase()];
        for (const haystack of haystacks) {
          for (const form of forbidden) expect(haystack.includes(form), `found ${form.slice(0, 12)}… in a message`).toBe(false);
        }
        // The raw message is MIME: quoted-printable soft breaks could hide a value; the decoded text is checked above too.
        expect(mails[0]!.raw).toContain('Subject:');
      } finally {
        dashboard.dispose();
      }
    });
  });
});
