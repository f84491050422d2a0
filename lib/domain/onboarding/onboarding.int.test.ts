// The onboarding checklist from the database and the simulator, on PGlite and PostgreSQL: a project
// goes from nothing to fully onboarded (invite → accept → record and push → confirm → the sandbox
// cron uses the token), the Overview's SQL agrees with the project page at every step, the
// confirmation follows the role matrix and refuses bad input, a live token read keeps the other
// tokens' last use, and the Overview pages through 2,000 projects.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { inviteMachineUser } from '@/lib/domain/machine-users/invite';
import { trackMachineUsers } from '@/lib/domain/machine-users/tracking';
import { recordAndPushToken, type TokenDeps } from '@/lib/domain/tokens/push';
import type { PlatformshClient } from '@/lib/platformsh';
import { setSandboxEndpoint } from '@/lib/platformsh/sandbox-endpoint';
import { startSimulator, type RunningSimulator } from '@/lib/platformsh/simulator';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { runSync, simulatorClient } from '@/lib/testing/inventory';
import { acceptInvitation, inviteInput, machineEmail } from '@/lib/testing/machine-users';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { listOnboardingBacklog, OVERVIEW_PAGE_SIZE } from './checklist';
import { confirmOnboardingConfig } from './confirm';
import { getOnboardingKit, getProjectChecklists } from './kit';
import { runCronInSandbox } from './sandbox';

const KEY = 'fingerprint-key-for-tests-0123456789abcdefghijkl';
const DOCS = 'r5n3yd8fsa7ji';
const SEARCH = 'f3q8lm6zr2wyc';
const TOOLS = 'w8c4qe2uxh9pd';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(TEST_DATABASE_KINDS)('the onboarding checklist on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let sim: RunningSimulator;
  let dashboard: PlatformshClient;
  let deps: TokenDeps;
  let admin: RequestContext;
  const clients: PlatformshClient[] = [];

  beforeAll(async () => {
    db = database.db;
    sim = await startSimulator({ seed: 'demo', activityDurationMs: 50 });
    setSandboxEndpoint({ apiUrl: new URL(sim.url), authUrl: new URL(sim.authUrl), apiToken: sim.demo!.dashboardToken });
    dashboard = simulatorClient(sim);
    expect((await runSync(db, dashboard, { full: true })).outcome.status).toBe('succeeded');
    deps = {
      dashboard,
      clientForToken: (apiToken) => {
        const made = simulatorClient(sim, { apiToken });
        clients.push(made);
        return made;
      },
      fingerprintKey: KEY,
    };
    admin = contextFor(await createUser(db, { role: 'admin' }));
  });

  afterAll(async () => {
    for (const made of clients) made.dispose();
    dashboard?.dispose();
    await sim?.stop();
  });

  /** The project page's checklist and the Overview's row for the project agree on the next step. */
  async function expectOverviewAgrees(projectId: string): Promise<void> {
    const page = await getProjectChecklists(admin, projectId);
    if (!page.ok) throw new Error(page.error.message);
    const backlog = await listOnboardingBacklog(admin, 1);
    const row = backlog?.entries.find((entry) => entry.projectId === projectId);
    if (page.data.project.isComplete) {
      expect(row, `${projectId} is complete, so not on the Overview`).toBeUndefined();
    } else {
      expect(row, `${projectId} on the Overview`).toBeDefined();
      expect(row).toMatchObject({ progress: page.data.project.progress, nextStep: page.data.project.nextStep, machineUserEmail: page.data.project.machineUser?.email ?? null });
    }
  }

  async function checklistOf(projectId: string) {
    const result = await getProjectChecklists(admin, projectId);
    if (!result.ok) throw new Error(result.error.message);
    return result.data.project;
  }

  const done = (checklist: Awaited<ReturnType<typeof checklistOf>>) => checklist.steps.filter((step) => step.isDone).map((step) => step.key);

  it('goes from nothing to fully onboarded, with evidence at every step', async () => {
    const onboarder = contextFor(await createUser(db, { role: 'onboarder', projectIds: [DOCS] }), [DOCS]);
    expect(await checklistOf(DOCS)).toMatchObject({ progress: 0, machineUser: null, nextStep: 'invited' });
    await expectOverviewAgrees(DOCS);

    // Invited.
    const email = machineEmail('docs-certs');
    const invited = await inviteMachineUser(admin, inviteInput({ projectId: DOCS, ownerId: admin.actor.id, purpose: 'certificate_renewal', email }), dashboard);
    if (!invited.ok) throw new Error(invited.error.message);
    const machineUserId = invited.data.machineUserId;
    let checklist = await checklistOf(DOCS);
    expect(checklist).toMatchObject({ progress: 1, machineUser: { id: machineUserId, email }, nextStep: 'accepted' });
    expect(checklist.steps[0]?.evidence).toMatch(new RegExp(`^Invited ${email.replace(/[+.]/g, '\\$&')} on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC\\.$`));
    await expectOverviewAgrees(DOCS);

    // Accepted: the date is kept.
    const row = await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } });
    const accepted = await acceptInvitation(sim, row.invitationId!);
    await trackMachineUsers(db, dashboard, DOCS);
    expect((await db.machineUser.findUniqueOrThrow({ where: { id: machineUserId } })).acceptedAt).toBeInstanceOf(Date);
    checklist = await checklistOf(DOCS);
    expect(done(checklist)).toEqual(['invited', 'accepted']);
    expect(checklist.steps[1]?.at).not.toBeNull();
    await expectOverviewAgrees(DOCS);

    // Recorded and pushed to production: the verification used the token, before the push.
    const token = sim.store.issueApiToken(accepted.user_id, 'renewcert').token;
    const pushed = await recordAndPushToken(admin, { machineUserId, runId: randomUUID(), token, name: 'renewcert cron', environmentIds: ['main'], visibleBuild: false }, deps);
    expect(pushed).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    checklist = await checklistOf(DOCS);
    expect(done(checklist)).toEqual(['invited', 'accepted', 'token_recorded', 'token_on_production']);
    expect(checklist.steps[3]?.evidence).toMatch(/^Pushed to main on /);
    expect(checklist.steps[5]?.evidence).toMatch(/^Not used since the push when last seen/);
    await expectOverviewAgrees(DOCS);

    // Confirmed by the assigned onboarder, with a note.
    const confirmed = await confirmOnboardingConfig(onboarder, { projectId: DOCS, note: 'cron renewcert in .platform.app.yaml, deployed' });
    expect(confirmed.ok).toBe(true);
    checklist = await checklistOf(DOCS);
    expect(checklist.nextStep).toBe('token_first_used');
    expect(checklist.steps[4]?.evidence).toBe(`Confirmed by ${onboarder.actor.email} on ${checklist.steps[4]!.at!.replace('T', ' ').slice(0, 16)} UTC: “cron renewcert in .platform.app.yaml, deployed”.`);
    await expectOverviewAgrees(DOCS);

    // The sandbox cron runs with the production token: its last use moves past the push.
    await pause(5);
    const seq = await lastAuditSeq(db);
    const ran = await runCronInSandbox(onboarder, { projectId: DOCS });
    expect(ran).toMatchObject({ ok: true, data: { environmentId: 'main', isRecorded: true } });
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome])).toEqual([['onboarding.sandbox_cron_run', 'succeeded']]);
    checklist = await checklistOf(DOCS);
    expect(checklist).toMatchObject({ isComplete: true, progress: 6, nextStep: null });
    expect(checklist.steps[5]?.evidence).toMatch(/^Used on .*, after the push on .* \(seen .*\)\.$/);
    await expectOverviewAgrees(DOCS);

    // The kit knows what Keywarden did, for the CLI equivalents.
    const kit = await getOnboardingKit(admin, DOCS);
    if (!kit.ok) throw new Error(kit.error.message);
    expect(kit.data.project).toEqual({ id: DOCS, title: 'Docs', region: 'us-4.platform.sh', productionBranch: 'main', isProductionBranchKnown: true });
    expect(kit.data.machineUsers).toEqual([expect.objectContaining({ id: machineUserId, email, permissions: ['viewer', 'production:contributor'], pushed: { environmentIds: ['main'], visibleBuild: false } })]);
    expect(kit.data.confirmations).toHaveLength(1);
    expect(kit.data).toMatchObject({ canConfirm: true, canOnboard: true, isSandbox: true });

    // A second token, recorded for staging only, takes nothing away: every step is judged over all
    // the active tokens, not the newest one (issue 14.3).
    const second = sim.store.issueApiToken(accepted.user_id, 'second').token;
    expect(await recordAndPushToken(admin, { machineUserId, runId: randomUUID(), token: second, name: 'staging cron', environmentIds: ['staging'], visibleBuild: false }, deps)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    checklist = await checklistOf(DOCS);
    expect(checklist).toMatchObject({ isComplete: true, progress: 6 });
    expect(checklist.steps[2]?.evidence).toMatch(/^2 active tokens of .*; the newest, …\S{4}, recorded on /);
    expect(checklist.steps[3]?.evidence).toMatch(/^Token …\S{4} pushed to main on /);
    await expectOverviewAgrees(DOCS);
  });

  it('keeps the last use of every listed token when a live token of the machine user is read', async () => {
    const invited = await inviteMachineUser(admin, inviteInput({ projectId: SEARCH, ownerId: admin.actor.id, purpose: 'backups' }), dashboard);
    if (!invited.ok) throw new Error(invited.error.message);
    const row = await db.machineUser.findUniqueOrThrow({ where: { id: invited.data.machineUserId } });
    const accepted = await acceptInvitation(sim, row.invitationId!);
    await trackMachineUsers(db, dashboard, SEARCH);
    const first = sim.store.issueApiToken(accepted.user_id, 'first').token;
    expect((await recordAndPushToken(admin, { machineUserId: row.id, runId: randomUUID(), token: first, name: 'first', environmentIds: ['staging'], visibleBuild: false }, deps)).ok).toBe(true);
    // The first token is used elsewhere (the cron), later than Keywarden saw.
    const usedAt = '2030-01-02T03:04:05.000Z';
    sim.store.findApiTokenByValue(first)!.lastUsedAt = usedAt;
    const second = sim.store.issueApiToken(accepted.user_id, 'second').token;
    expect((await recordAndPushToken(admin, { machineUserId: row.id, runId: randomUUID(), token: second, name: 'second', environmentIds: ['feature-search'], visibleBuild: false }, deps)).ok).toBe(true);
    const firstRecord = await db.apiToken.findFirstOrThrow({ where: { machineUserId: row.id, name: 'first' } });
    expect(firstRecord.lastUsedAt?.toISOString()).toBe(usedAt);
    expect(firstRecord.lastUsedSeenAt).toBeInstanceOf(Date);
  });

  describe('confirming the deployed configuration', () => {
    let seq: bigint;
    beforeEach(async () => {
      seq = await lastAuditSeq(db);
    });

    it('is refused to a reviewer and to an onboarder on another project, changing nothing, audited', async () => {
      const reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
      const elsewhere = contextFor(await createUser(db, { role: 'onboarder', projectIds: [SEARCH] }), [SEARCH]);
      for (const context of [reviewer, elsewhere]) {
        expect(await confirmOnboardingConfig(context, { projectId: TOOLS, note: 'checked' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        expect(await runCronInSandbox(context, { projectId: TOOLS })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      expect(await db.onboardingConfirmation.count({ where: { projectId: TOOLS } })).toBe(0);
      const events = await auditEventsSince(db, seq);
      expect(events.map((event) => [event.action, event.outcome])).toEqual([
        ['onboarding.confirm_config', 'refused'],
        ['onboarding.sandbox_cron_run', 'refused'],
        ['onboarding.confirm_config', 'refused'],
        ['onboarding.sandbox_cron_run', 'refused'],
      ]);
    });

    it('answers bad input with field errors, never a crash', async () => {
      const tokenLike = 'a'.repeat(48);
      expect(await confirmOnboardingConfig(admin, { projectId: TOOLS, note: `the token is ${tokenLike}` })).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { note: [expect.stringContaining('looks like a token')] } } });
      expect(await confirmOnboardingConfig(admin, { projectId: TOOLS, note: 'x'.repeat(501) })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(await confirmOnboardingConfig(admin, { projectId: TOOLS, extra: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(await confirmOnboardingConfig(admin, { projectId: 'nosuchproject' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await runCronInSandbox(admin, { projectId: TOOLS, environmentId: 'no-such-env' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      // Internal tools has no token on production: the cron cannot run, and says why.
      expect(await runCronInSandbox(admin, { projectId: TOOLS })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('no $PLATFORMSH_CLI_TOKEN') } });
      expect(await db.onboardingConfirmation.count({ where: { projectId: TOOLS } })).toBe(0);
      // The refused token-like note is not in the audit row.
      for (const event of await auditEventsSince(db, seq)) expect(`${event.reason} ${JSON.stringify(event.details)}`).not.toContain(tokenLike);
    });

    it('records an admin’s confirmation without a note, and keeps the history', async () => {
      expect((await confirmOnboardingConfig(admin, { projectId: TOOLS })).ok).toBe(true);
      expect((await confirmOnboardingConfig(admin, { projectId: TOOLS, note: '  second look  ' })).ok).toBe(true);
      const rows = await db.onboardingConfirmation.findMany({ where: { projectId: TOOLS }, orderBy: { confirmedAt: 'asc' } });
      expect(rows.map((row) => [row.note, row.confirmedById])).toEqual([
        [null, admin.actor.id],
        ['second look', admin.actor.id],
      ]);
      const checklist = await checklistOf(TOOLS);
      expect(done(checklist)).toEqual(['config_confirmed']);
      expect(checklist.steps[4]?.evidence).toContain('“second look”');
      await expectOverviewAgrees(TOOLS);
    });
  });

  it('refuses the cron run without a sandbox', async () => {
    const holder = globalThis as typeof globalThis & { keywardenSandboxEndpoint?: unknown };
    const saved = holder.keywardenSandboxEndpoint;
    holder.keywardenSandboxEndpoint = undefined;
    try {
      expect(await runCronInSandbox(admin, { projectId: DOCS })).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('Only sandbox mode') } });
    } finally {
      holder.keywardenSandboxEndpoint = saved;
    }
  });

  it('shows an onboarder only assigned projects, and pages through 2,000 projects in SQL', async () => {
    const onboarder = contextFor(await createUser(db, { role: 'onboarder', projectIds: [DOCS, TOOLS] }), [DOCS, TOOLS]);
    const mine = await listOnboardingBacklog(onboarder, 1);
    // Docs is complete (first test); Internal tools is not.
    expect(mine).toMatchObject({ total: 1, projectCount: 2, entries: [{ projectId: TOOLS }] });
    expect(await listOnboardingBacklog(contextFor(await createUser(db, { role: 'onboarder' }), []), 1)).toMatchObject({ total: 0, entries: [] });
    // Nothing left to onboard, and a page past the end: no entries, the counts all the same.
    const docsOnly = contextFor(await createUser(db, { role: 'onboarder', projectIds: [DOCS] }), [DOCS]);
    expect(await listOnboardingBacklog(docsOnly, 1)).toEqual({ entries: [], total: 0, projectCount: 1, page: 1, pageSize: OVERVIEW_PAGE_SIZE });
    expect(await listOnboardingBacklog(onboarder, 2)).toMatchObject({ entries: [], total: 1, projectCount: 2 });

    const before = await listOnboardingBacklog(admin, 1);
    await db.project.createMany({ data: Array.from({ length: 2000 }, (_, index) => ({ id: `bulk${String(index).padStart(4, '0')}`, title: `Bulk ${String(index).padStart(4, '0')}` })) });
    const first = await listOnboardingBacklog(admin, 1);
    expect(first?.total).toBe((before?.total ?? 0) + 2000);
    expect(first?.entries).toHaveLength(OVERVIEW_PAGE_SIZE);
    // The furthest along first: the projects with a machine user come before the 2,000 empty ones.
    expect(first?.entries[0]?.progress).toBeGreaterThan(0);
    const last = await listOnboardingBacklog(admin, Math.ceil(first!.total / OVERVIEW_PAGE_SIZE));
    expect(last?.entries.at(-1)).toMatchObject({ progress: 0, nextStep: 'invited', machineUserEmail: null });
    await db.project.deleteMany({ where: { id: { startsWith: 'bulk' } } });
  });
});
