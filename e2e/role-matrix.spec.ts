// The role × action matrix (lib/auth/role-matrix.json, SECURITY.md A1) at the HTTP level: for each
// mutation, the admin's real server action call is captured from the UI (and held back), then
// replayed with every role's session. A denied role is refused, nothing changes (as the admin's
// Users page shows), and the refusal is on the Audit page; the admin's own replay is the positive
// control that proves the captured call does work. Read access is checked page by page.
//
// Project-scoped rules ('assigned'): the admin's call targets a record on a project assigned to the
// role's shared account (the onboarder has Storefront and Checkout API), and that role is then
// allowed. The same call aimed at a record on an unassigned project (Legacy CMS) is refused for it,
// with nothing changed and the refusal audited.
import { randomUUID } from 'node:crypto';
import type { APIRequestContext, Page } from '@playwright/test';
import matrix from '@/lib/auth/role-matrix.json' with { type: 'json' };
import { DEMO_PROJECTS, type DemoProject } from '@/lib/demo/organisation';
import type { MachineRoles, Purpose } from '@/lib/machine-users/roles';
import {
  acceptInSandbox,
  demoProject,
  expectState,
  openMachineUser,
  openMachineUserInteractive,
  openWizard,
  pageSection,
  rolesLine,
  seedMachineUser,
  sendInvitationButton,
  walkWizardToReview,
} from './support/machine-users';
import type { AccountRole } from './support/paths';
import { createCampaignInUi, decisionForm, fillCreateForm, fillDecision, itemCard, openCampaign, openCreateForm, uniqueCampaignName } from './support/campaigns';
import { createTokenInConsole } from './support/sandbox';
import { createKeyInUi, keyRow, openApiKeys, submitCreateKey, uniqueKeyName } from './support/api-keys';
import { aFailedJobId, failedJobRow, openJobs } from './support/jobs';
import { signInOrThrow } from './support/auth';
import { inviteByAction, seedUser } from './support/seed';
import { argumentsOf, captureAction, replayAction, type CapturedAction } from './support/server-actions';
import { expect, readAccounts, syntheticAddress, test, uniqueEmail, waitForHydration } from './support/test';
import { expectUserRow, findUserRow } from './support/users-page';
import { dryRunInUi, INCIDENT_ENVIRONMENTS, tokenPushedByFreshOnboarder, openIncident, openIncidents, planIncidentInUi, submitIncidentPlan, uniqueIncidentName, type PushedToken } from './support/incidents';

type Rule = 'allow' | 'deny' | 'assigned';
type Row = Record<AccountRole, Rule> & { mutation: boolean };

const ROLES: AccountRole[] = ['admin', 'onboarder', 'reviewer'];
const ACTIONS = Object.entries(matrix.actions as Record<string, Row>);

const [storefront, checkout] = DEMO_PROJECTS;
if (!storefront || !checkout) throw new Error('The sandbox seeds at least two demo projects');

/** The projects assigned to the shared accounts (accounts.setup.ts): what 'assigned' means for each. */
const ASSIGNED_PROJECTS: Partial<Record<AccountRole, DemoProject[]>> = { onboarder: [storefront, checkout] };
/** A project no shared account has assigned (and that other specs leave alone). */
const UNASSIGNED_PROJECT = demoProject('Legacy CMS');

interface Target {
  email: string;
  userId?: string;
  invitationUrl?: string;
  /** The latest inventory sync run before the action (inventory.sync). */
  syncRunId?: string | null;
  /** Machine-user actions: the machine user (none yet for an invitation) and its project. */
  machineUserId?: string;
  projectId?: string;
  /** token.record: the last four characters of the token the admin pasted. */
  tokenLastFour?: string;
  /** onboarding.confirm_config: the note of this target's confirmation, unique to it. */
  note?: string;
  /** finding.accept_risk: the finding accepted. */
  findingId?: string;
  /** policy.update: the maximum token age saved. */
  policyValue?: string;
  /** Access reviews: the campaign (and, for an item, `email` names its machine user). */
  campaignId?: string;
  campaignName?: string;
  /** jobs.retry: the failed job retried (seeded by the global set-up). */
  jobId?: string;
  /** Incidents: the incident (planned in the seed for incident.execute) and its unique name. */
  incidentId?: string;
  incidentName?: string;
}

async function latestSyncRun(admin: Page): Promise<{ id: string; status: string } | null> {
  const response = await admin.request.get('/api/inventory/sync');
  expect(response.status()).toBe(200);
  return ((await response.json()) as { run: { id: string; status: string } | null }).run;
}

/** Waits until no sync runs, so that a new request would begin one; returns the latest run. */
async function idleSyncRun(admin: Page): Promise<{ id: string; status: string } | null> {
  await expect.poll(async () => (await latestSyncRun(admin))?.status, { timeout: 30_000 }).not.toBe('running');
  return latestSyncRun(admin);
}

interface SeedTools {
  admin: Page;
  inviteAndAccept: (role: 'reviewer' | 'onboarder', projectIds?: string[]) => Promise<Target>;
  inviteOnly: (role: 'reviewer' | 'onboarder') => Promise<Target>;
  /** A machine user invited by the admin (pending) on `project`, owned by the admin unless `ownerId` names someone else. */
  machineUser: (project: DemoProject, purpose: Purpose, roles?: MachineRoles, ownerId?: string) => Promise<Target>;
  /** A signed-in page of a shared account. */
  pageAs: (role: AccountRole) => Promise<Page>;
  /** A signed-in page of a fresh user of the role (not a shared account). */
  freshUserPage: (role: 'reviewer' | 'onboarder') => Promise<Page>;
  /** A new session of a fresh user of the role (`email` and `userId` name the user), signed in through the API. */
  freshUserSession: (role: 'reviewer' | 'onboarder') => Promise<{ target: Target; client: APIRequestContext }>;
  /** A new session of a shared account, besides its saved one (signed in with its password). */
  sharedAccountSession: (role: AccountRole) => Promise<APIRequestContext>;
  /** A token pushed by a fresh onboarder to one environment of `project` (incident drivers). */
  pushedToken: (project: DemoProject, environment: string) => Promise<PushedToken>;
}

/**
 * A campaign over `project` with one machine user in it that neither the admin nor the shared
 * reviewer owns (a fresh onboarder does): both may sign it off.
 */
async function campaignWithItem(tools: SeedTools, project: DemoProject): Promise<Target> {
  const owner = await tools.inviteAndAccept('onboarder');
  const machineUser = await tools.machineUser(project, 'backups', undefined, owner.userId);
  const campaignName = uniqueCampaignName('Matrix');
  const campaignId = await createCampaignInUi(tools.admin, { name: campaignName, project });
  return { ...machineUser, campaignId, campaignName };
}

/** How to make the admin's UI send one action, and how its effect shows (on the Users page, or the machine user's page). */
interface Driver {
  /** `project`: where the target lives, for project-scoped actions. */
  seed: (tools: SeedTools, project: DemoProject) => Promise<Target>;
  /**
   * Project-scoped actions: the one assigned project the target lives on (the default is the
   * first one assigned), so that the drivers' targets do not collide.
   */
  assignedProject?: DemoProject;
  /** Project-scoped actions: the captured call's arguments, aimed at `other` instead. */
  retarget?: (args: unknown[], other: Target) => unknown[];
  /** UI steps ending in the click that sends the action. */
  send: (admin: Page, target: Target) => Promise<void>;
  expectUnchanged: (admin: Page, target: Target) => Promise<void>;
  expectChanged: (admin: Page, target: Target) => Promise<void>;
  /**
   * Actions on the caller's own account: the arguments of an allowed role's replay (the admin's
   * captured call names the admin's own current password; another role needs its own).
   */
  argsFor?: (args: unknown[], role: AccountRole) => unknown[];
}

async function openRowAction(admin: Page, email: string, button: string): Promise<void> {
  const { row } = await findUserRow(admin, email, { interactive: true });
  await row.getByRole('button', { name: `${button} ${email}` }).click();
}

async function invitationPageHeading(admin: Page, url: string): Promise<string> {
  const html = await (await admin.request.get(url)).text();
  return /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1] ?? '';
}

const sortedTitles = (...projects: { id: string; title: string }[]) =>
  [...projects].sort((a, b) => a.id.localeCompare(b.id)).map((project) => project.title);

function projectOf(target: Target): DemoProject {
  const project = DEMO_PROJECTS.find((candidate) => candidate.id === target.projectId);
  if (!project) throw new Error(`The target ${target.email} names no demo project`);
  return project;
}

function firstArgument(args: unknown[]): Record<string, unknown> {
  const [first] = args;
  if (typeof first !== 'object' || first === null) throw new Error(`Unexpected arguments: ${JSON.stringify(args).slice(0, 200)}`);
  return first as Record<string, unknown>;
}

/** A signed-in page of the shared onboarder, kept by notification.manage's seed for its checks. */
let onboarderPage: Page | undefined;

async function ownChoice(page: Page): Promise<string> {
  await page.goto('/settings/notifications');
  return page.getByLabel('A high or critical finding appears', { exact: true }).inputValue();
}

/** The succeeded `action` rows on the Audit page (few: only the matrix and the notification specs make them). */
async function succeededAuditRows(admin: Page, action: string): Promise<number> {
  await admin.goto(`/audit?action=${action}&outcome=succeeded`);
  await expect(admin.getByRole('heading', { name: 'Audit', level: 1 })).toBeVisible();
  return admin.getByRole('row').filter({ hasText: action }).count();
}

const NOTIFICATION_DRIVERS: Record<string, Driver> = {
  // Each user's own preferences: the captured call sets the caller's own choice. The replaying
  // onboarder's choice for high findings is the one to watch (the admin's form sends a value it does not have).
  'notification.manage': {
    seed: async ({ pageAs }) => {
      onboarderPage = await pageAs('onboarder');
      const current = await ownChoice(onboarderPage);
      return { email: '', policyValue: current === 'digest' ? 'none' : 'digest' };
    },
    send: async (admin, target) => {
      await admin.goto('/settings/notifications');
      await waitForHydration(admin, 'main button');
      await admin.getByLabel('A high or critical finding appears', { exact: true }).selectOption(target.policyValue ?? '');
      await admin.getByRole('button', { name: 'Save my preferences' }).click();
    },
    expectUnchanged: async (_admin, target) => {
      expect(await ownChoice(onboarderPage!)).not.toBe(target.policyValue);
    },
    expectChanged: async (_admin, target) => {
      expect(await ownChoice(onboarderPage!)).toBe(target.policyValue);
    },
  },
  'notification.manage_defaults': {
    seed: async () => ({ email: '', policyValue: `${20 + Math.floor(Math.random() * 300)}, 3` }),
    send: async (admin, target) => {
      await admin.goto('/settings/notifications');
      await waitForHydration(admin, 'main button');
      await admin.getByLabel('Reminder days before a rotate-by date').fill(target.policyValue ?? '');
      await admin.getByRole('button', { name: 'Save the defaults' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await admin.goto('/settings/notifications');
      await expect(admin.getByLabel('Reminder days before a rotate-by date')).not.toHaveValue(target.policyValue ?? '');
    },
    expectChanged: async (admin, target) => {
      await admin.goto('/settings/notifications');
      await expect(admin.getByLabel('Reminder days before a rotate-by date')).toHaveValue(target.policyValue ?? '');
    },
  },
  // The sandbox's "Send due reminders now": each press that is let through is on the audit log.
  'notification.send_due': {
    seed: async ({ admin }) => ({ email: '', policyValue: String(await succeededAuditRows(admin, 'notification.send_due')) }),
    send: async (admin) => {
      await admin.goto('/settings/mailbox');
      await waitForHydration(admin, 'main button');
      await admin.getByRole('button', { name: 'Send due reminders now' }).click();
    },
    expectUnchanged: async (admin, target) => {
      expect(await succeededAuditRows(admin, 'notification.send_due')).toBe(Number(target.policyValue));
    },
    expectChanged: async (admin, target) => {
      expect(await succeededAuditRows(admin, 'notification.send_due')).toBe(Number(target.policyValue) + 1);
    },
  },
  // Each user's own second factor: the captured call starts setting up an authenticator app for
  // whoever replays it. The replaying onboarder's security page then shows the QR code to scan.
  'second_factor.manage': {
    seed: async ({ pageAs }) => {
      onboarderPage = await pageAs('onboarder');
      return { email: '' };
    },
    send: async (admin) => {
      await admin.goto('/account/security');
      await waitForHydration(admin, 'main button');
      await admin.getByRole('button', { name: 'Set up an authenticator app' }).click();
    },
    expectUnchanged: async () => {
      await onboarderPage!.goto('/account/security');
      await expect(onboarderPage!.getByRole('heading', { name: 'Account security', level: 1 })).toBeVisible();
      await expect(onboarderPage!.getByRole('img', { name: 'QR code to add Keywarden to an authenticator app' })).toHaveCount(0);
    },
    expectChanged: async () => {
      await onboarderPage!.goto('/account/security');
      await expect(onboarderPage!.getByRole('img', { name: 'QR code to add Keywarden to an authenticator app' })).toHaveCount(1);
    },
  },
  // Who must use a second factor (admins). The captured call saves the value in force ("No one",
  // which the e2e organisation keeps: first-run.spec.ts), so the other specs are never affected;
  // each save that is let through is on the audit log.
  'second_factor.set_policy': {
    seed: async ({ admin }) => ({ email: '', policyValue: String(await succeededAuditRows(admin, 'second_factor.set_policy')) }),
    send: async (admin) => {
      await admin.goto('/account/security');
      await waitForHydration(admin, 'main button');
      await expect(admin.getByRole('radio', { name: 'No one' })).toBeChecked();
      await admin.getByRole('button', { name: 'Save policy' }).click();
    },
    expectUnchanged: async (admin, target) => {
      expect(await succeededAuditRows(admin, 'second_factor.set_policy')).toBe(Number(target.policyValue));
    },
    expectChanged: async (admin, target) => {
      expect(await succeededAuditRows(admin, 'second_factor.set_policy')).toBe(Number(target.policyValue) + 1);
    },
  },
  // Registering an endpoint (admins): a loopback target, allowed; nothing is sent on registration.
  'webhook.manage': {
    seed: async () => ({ email: '', policyValue: `http://127.0.0.1:9/matrix-${Math.random().toString(36).slice(2, 10)}` }),
    send: async (admin, target) => {
      await admin.goto('/settings/webhooks');
      await waitForHydration(admin, 'main button');
      await admin.getByLabel('Endpoint URL').fill(target.policyValue ?? '');
      await admin.getByLabel(/Allow a private or loopback target/).check();
      await admin.getByRole('button', { name: 'Register endpoint' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await admin.goto('/settings/webhooks');
      await expect(admin.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
      await expect(admin.getByRole('article', { name: target.policyValue ?? '' })).toHaveCount(0);
    },
    expectChanged: async (admin, target) => {
      await admin.goto('/settings/webhooks');
      await expect(admin.getByRole('article', { name: target.policyValue ?? '' })).toHaveCount(1);
    },
  },
};

/** Whether an API session is still signed in (a signed-out one is sent to the sign-in page). */
async function isSignedIn(client: APIRequestContext): Promise<boolean> {
  const response = await client.get('/account', { maxRedirects: 0 });
  return response.status() === 200;
}

/** A second session of the shared onboarder, made by the account drivers' seeds: the replay must end it. */
let onboarderSecondSession: APIRequestContext | undefined;
/** A fresh user's session, for user.end_sessions. */
let memberSession: APIRequestContext | undefined;

/**
 * The Account page's actions act on the caller's own account, so each allowed role's replay gets
 * arguments of its own (argsFor). Only the onboarder's (the first replay) must take effect: it ends
 * the onboarder's second session, which the seed signed in. The reviewer's and the admin's replays
 * only have to get past the role check; they are sent arguments that change nothing (other specs
 * may be using those accounts' sessions at the same time).
 */
const ACCOUNT_DRIVERS: Record<string, Driver> = {
  'account.change_password': {
    seed: async ({ sharedAccountSession }) => {
      onboarderSecondSession = await sharedAccountSession('onboarder');
      return { email: '' };
    },
    send: async (admin) => {
      await admin.goto('/account');
      await waitForHydration(admin, 'form[aria-label="Change your password"]');
      const form = admin.getByRole('form', { name: 'Change your password' });
      const { password } = readAccounts().admin;
      await form.getByLabel('Current password').fill(password);
      await form.getByLabel('New password', { exact: true }).fill(password);
      await form.getByLabel('Repeat the new password').fill(password);
      await form.getByRole('button', { name: 'Change password' }).click();
    },
    // The onboarder "changes" its password to the same one: the shared account keeps working.
    argsFor: (args, role) => {
      const { password } = readAccounts().onboarder;
      const fields = role === 'onboarder' ? { currentPassword: password, password, confirmPassword: password } : { currentPassword: '', password: '', confirmPassword: 'mismatch' };
      return [args[0] ?? null, fields];
    },
    expectUnchanged: async () => expect(await isSignedIn(onboarderSecondSession!)).toBe(true),
    expectChanged: async () => expect(await isSignedIn(onboarderSecondSession!)).toBe(false),
  },
  'account.end_sessions': {
    seed: async ({ sharedAccountSession }) => {
      // The admin needs another session for the page to offer "End all other sessions"; the
      // admin's call is held back, so it is never ended.
      await sharedAccountSession('admin');
      onboarderSecondSession = await sharedAccountSession('onboarder');
      return { email: '' };
    },
    send: async (admin) => {
      await admin.goto('/account');
      await admin.getByRole('link', { name: 'End all other sessions' }).click();
      await waitForHydration(admin, 'form[aria-label="End all your other sessions?"]');
      await admin.getByRole('button', { name: 'End other sessions' }).click();
    },
    argsFor: (args, role) => (role === 'onboarder' ? args : [args[0] ?? null, { sessionId: randomUUID() }]),
    expectUnchanged: async () => expect(await isSignedIn(onboarderSecondSession!)).toBe(true),
    expectChanged: async () => expect(await isSignedIn(onboarderSecondSession!)).toBe(false),
  },
  // Another user's sessions (a fresh onboarder's): admins only, on Users → Sessions.
  'user.end_sessions': {
    seed: async ({ freshUserSession }) => {
      const { target, client } = await freshUserSession('onboarder');
      memberSession = client;
      return target;
    },
    send: async (admin, target) => {
      await admin.goto(`/users/sessions?q=${encodeURIComponent(target.email)}`);
      await admin.getByRole('link', { name: `End every session of ${target.email}` }).click();
      await waitForHydration(admin, `form[aria-label="End every session of ${target.email}?"]`);
      await admin.getByRole('button', { name: 'End all their sessions' }).click();
    },
    expectUnchanged: async () => expect(await isSignedIn(memberSession!)).toBe(true),
    expectChanged: async () => expect(await isSignedIn(memberSession!)).toBe(false),
  },
};

/** The incident's row on the Incidents list (0 or 1). */
async function incidentRows(admin: Page, name: string) {
  await openIncidents(admin);
  return admin.getByRole('region', { name: 'Incidents table' }).getByRole('row').filter({ hasText: name }).count();
}

// Incident response (admins): the target is a token only one fresh onboarder pushed, to a Storefront
// environment no other spec uses, so that the incident selects it alone.
const INCIDENT_DRIVERS: Record<string, Driver> = {
  'incident.plan': {
    seed: async (tools, project) => {
      const pushed = await tools.pushedToken(project, INCIDENT_ENVIRONMENTS.plan);
      return { email: pushed.pusherEmail, incidentName: uniqueIncidentName('Matrix plan') };
    },
    send: async (admin, target) => {
      await submitIncidentPlan(admin, target.incidentName ?? '', target.email);
    },
    expectUnchanged: async (admin, target) => {
      expect(await incidentRows(admin, target.incidentName ?? '')).toBe(0);
    },
    expectChanged: async (admin, target) => {
      expect(await incidentRows(admin, target.incidentName ?? '')).toBe(1);
    },
  },
  'incident.execute': {
    seed: async (tools, project) => {
      const pushed = await tools.pushedToken(project, INCIDENT_ENVIRONMENTS.execute);
      const incidentName = uniqueIncidentName('Matrix execute');
      const incidentId = await planIncidentInUi(tools.admin, incidentName, pushed.pusherEmail);
      await dryRunInUi(tools.admin, incidentId, incidentName);
      return { email: pushed.pusherEmail, incidentName, incidentId };
    },
    send: async (admin, target) => {
      await openIncident(admin, target.incidentId ?? '', target.incidentName ?? '');
      await waitForHydration(admin, 'form[aria-label="Execute the incident"] button');
      const form = admin.getByRole('form', { name: 'Execute the incident' });
      await form.getByRole('textbox').fill(target.incidentName ?? '');
      await form.getByRole('button', { name: 'Revoke every token of the plan' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await openIncident(admin, target.incidentId ?? '', target.incidentName ?? '');
      await expect(admin.getByRole('form', { name: 'Execute the incident' })).toBeVisible();
    },
    expectChanged: async (admin, target) => {
      await expect(async () => {
        await openIncident(admin, target.incidentId ?? '', target.incidentName ?? '');
        await expect(admin.getByRole('region', { name: 'Report' })).toBeVisible({ timeout: 1_000 });
      }).toPass({ timeout: 30_000 });
    },
  },
};

/** The sandbox redeploy switch on a machine user's page, and what it says the project's redeploys do now. */
const redeploySwitch = (page: Page) => pageSection(page, 'Tokens').locator('details').filter({ hasText: 'Sandbox: make the project’s redeploys fail' });

// Sandbox mode's switch that makes a project's redeploys fail (issue 20 §2). The switch is the
// project's: the target's project is set to fail in the seed and the captured call lets its redeploys
// succeed again, so the replays leave it as other specs expect it. The call aimed at the unassigned
// project asks the opposite (fail) of what it has, so a wrongly allowed replay would show, and a
// refused one leaves it succeeding. `policyValue`: what the switch says while unchanged.
const SANDBOX_DRIVERS: Record<string, Driver> = {
  'token.sandbox_redeploys': {
    seed: async (tools, project) => {
      const target = await tools.machineUser(project, 'custom');
      await acceptInSandbox(tools.admin, target.machineUserId ?? '', target.email);
      if (project.id === UNASSIGNED_PROJECT.id) return { ...target, policyValue: 'succeed' };
      await openMachineUserInteractive(tools.admin, target.machineUserId ?? '', target.email);
      const panel = redeploySwitch(tools.admin);
      await panel.locator('summary').click();
      await panel.getByRole('button', { name: 'Make redeploys fail' }).click();
      await expect(panel.getByText('will fail')).toBeVisible();
      return { ...target, policyValue: 'fail' };
    },
    send: async (admin, target) => {
      await openMachineUserInteractive(admin, target.machineUserId ?? '', target.email);
      const panel = redeploySwitch(admin);
      await panel.locator('summary').click();
      await panel.getByRole('button', { name: 'Let redeploys succeed' }).click();
    },
    retarget: (args, other) => [{ ...firstArgument(args), machineUserId: other.machineUserId, fail: true }],
    expectUnchanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expect(redeploySwitch(admin)).toContainText(`redeploys of this project ${target.policyValue ?? '?'}.`);
    },
    expectChanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expect(redeploySwitch(admin)).toContainText('redeploys of this project succeed.');
    },
  },
};

const DRIVERS: Record<string, Driver> = {
  ...NOTIFICATION_DRIVERS,
  ...ACCOUNT_DRIVERS,
  ...INCIDENT_DRIVERS,
  ...SANDBOX_DRIVERS,
  // Each role manages its own keys: the captured call creates a key (of the caller's own role) for
  // whoever replays it. `email` holds the key's name.
  'api_key.manage': {
    seed: async () => ({ email: uniqueKeyName('matrix key') }),
    send: async (admin, target) => {
      await openApiKeys(admin);
      await submitCreateKey(admin, target.email);
    },
    expectUnchanged: async (admin, target) => {
      await openApiKeys(admin);
      await expect(keyRow(admin, target.email)).toHaveCount(0);
    },
    expectChanged: async (admin, target) => {
      await openApiKeys(admin);
      await expect(keyRow(admin, target.email).first()).toContainText('active');
    },
  },
  // Another user's key (a fresh reviewer's, so that no replaying account owns it): admins only.
  'api_key.revoke_any': {
    seed: async ({ freshUserPage }) => {
      const name = uniqueKeyName('matrix someone else’s key');
      await createKeyInUi(await freshUserPage('reviewer'), name);
      return { email: name };
    },
    send: async (admin, target) => {
      await openApiKeys(admin);
      await keyRow(admin, target.email).getByRole('button', { name: `Revoke ${target.email}` }).click();
      await admin.getByRole('dialog', { name: `Revoke the key “${target.email}”?` }).getByRole('button', { name: 'Revoke key' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await openApiKeys(admin);
      await expect(keyRow(admin, target.email)).toContainText('active');
    },
    expectChanged: async (admin, target) => {
      await openApiKeys(admin);
      await expect(keyRow(admin, target.email)).toContainText('revoked');
    },
  },
  // A failed background job (the global set-up seeds some): admins only.
  'jobs.retry': {
    seed: async ({ admin }) => ({ email: '', jobId: await aFailedJobId(admin) }),
    send: async (admin, target) => {
      await openJobs(admin);
      await waitForHydration(admin, 'main form button');
      await failedJobRow(admin, target.jobId ?? '').getByRole('button', { name: 'Retry' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await openJobs(admin);
      await expect(failedJobRow(admin, target.jobId ?? '')).toHaveCount(1);
    },
    expectChanged: async (admin, target) => {
      await openJobs(admin);
      await expect(failedJobRow(admin, target.jobId ?? '')).toHaveCount(0);
    },
  },
  'user.invite': {
    seed: async () => ({ email: uniqueEmail('matrix-invite') }),
    send: async (admin, target) => {
      await admin.goto('/users');
      await waitForHydration(admin, 'main button');
      await admin.getByRole('button', { name: 'Invite user' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Invite a user' });
      await dialog.getByLabel('E-mail').fill(target.email);
      await dialog.getByLabel('Role').selectOption('reviewer');
      await dialog.getByRole('button', { name: 'Create invitation' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await admin.goto(`/users?q=${encodeURIComponent(target.email)}`);
      await expect(admin.getByRole('heading', { name: `No users match “${target.email}”` })).toBeVisible();
    },
    expectChanged: (admin, target) => expectUserRow(admin, target.email, { role: 'Reviewer', status: 'invited' }),
  },
  'user.reissue_invitation': {
    seed: ({ inviteOnly }) => inviteOnly('reviewer'),
    send: async (admin, target) => {
      await openRowAction(admin, target.email, 'New invitation link for');
      await admin.getByRole('dialog', { name: `New invitation link for ${target.email}` }).getByRole('button', { name: 'Create new link' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await expectUserRow(admin, target.email, { status: 'invited' });
      expect(await invitationPageHeading(admin, target.invitationUrl ?? '')).toBe('Join Keywarden');
    },
    expectChanged: async (admin, target) => {
      expect(await invitationPageHeading(admin, target.invitationUrl ?? '')).toBe('Invitation not valid');
    },
  },
  'user.change_role': {
    seed: ({ inviteAndAccept }) => inviteAndAccept('reviewer'),
    send: async (admin, target) => {
      await openRowAction(admin, target.email, 'Change role of');
      const dialog = admin.getByRole('dialog', { name: `Change role of ${target.email}` });
      await dialog.getByLabel('New role').selectOption('onboarder');
      await dialog.getByRole('button', { name: 'Change role' }).click();
    },
    expectUnchanged: (admin, target) => expectUserRow(admin, target.email, { role: 'Reviewer', status: 'active' }),
    expectChanged: (admin, target) => expectUserRow(admin, target.email, { role: 'Onboarder', status: 'active' }),
  },
  'user.assign_projects': {
    seed: ({ inviteAndAccept }) => inviteAndAccept('onboarder', [storefront.id]),
    send: async (admin, target) => {
      await openRowAction(admin, target.email, 'Projects of');
      const dialog = admin.getByRole('dialog', { name: `Projects of ${target.email}` });
      await dialog.getByRole('checkbox', { name: checkout.title }).check();
      await dialog.getByRole('button', { name: 'Save projects' }).click();
    },
    expectUnchanged: (admin, target) => expectUserRow(admin, target.email, { projects: sortedTitles(storefront) }),
    expectChanged: (admin, target) => expectUserRow(admin, target.email, { projects: sortedTitles(storefront, checkout) }),
  },
  'user.disable': {
    seed: ({ inviteAndAccept }) => inviteAndAccept('reviewer'),
    send: async (admin, target) => {
      await openRowAction(admin, target.email, 'Disable');
      await admin.getByRole('dialog', { name: `Disable ${target.email}?` }).getByRole('button', { name: 'Disable user' }).click();
    },
    expectUnchanged: (admin, target) => expectUserRow(admin, target.email, { status: 'active' }),
    expectChanged: (admin, target) => expectUserRow(admin, target.email, { status: 'disabled' }),
  },
  'user.enable': {
    seed: async ({ admin, inviteAndAccept }) => {
      const target = await inviteAndAccept('reviewer');
      // Disabled through the UI first (not captured, not held back).
      await openRowAction(admin, target.email, 'Disable');
      const dialog = admin.getByRole('dialog', { name: `Disable ${target.email}?` });
      await dialog.getByRole('button', { name: 'Disable user' }).click();
      await expect(dialog).toBeHidden();
      await expectUserRow(admin, target.email, { status: 'disabled' });
      return target;
    },
    send: async (admin, target) => {
      await openRowAction(admin, target.email, 'Enable');
      await admin.getByRole('dialog', { name: `Enable ${target.email}?` }).getByRole('button', { name: 'Enable user' }).click();
    },
    expectUnchanged: (admin, target) => expectUserRow(admin, target.email, { status: 'disabled' }),
    expectChanged: (admin, target) => expectUserRow(admin, target.email, { status: 'active' }),
  },
  'inventory.sync': {
    seed: async ({ admin }) => ({ email: '', syncRunId: (await idleSyncRun(admin))?.id ?? null }),
    send: async (admin) => {
      await admin.goto('/projects');
      await waitForHydration(admin, 'main button');
      await admin.getByRole('button', { name: 'Sync now' }).click();
    },
    expectUnchanged: async (admin, target) => expect((await latestSyncRun(admin))?.id ?? null).toBe(target.syncRunId),
    expectChanged: async (admin, target) => {
      expect((await idleSyncRun(admin))?.id ?? null).not.toBe(target.syncRunId);
    },
  },
  'machine_user.invite': {
    // Checkout API: the other machine-user drivers use Storefront, and the onboarder's replay would
    // be refused (not forbidden, but as a second machine user for the purpose) if one already served it.
    assignedProject: checkout,
    seed: async (_tools, project) => ({ email: uniqueEmail('bots+matrix-invite'), projectId: project.id }),
    send: async (admin, target) => {
      const project = projectOf(target);
      await openWizard(admin, project.id);
      await walkWizardToReview(admin, { project, purpose: 'custom', email: target.email });
      await sendInvitationButton(admin).click();
    },
    retarget: (args, other) => [{ ...firstArgument(args), projectId: other.projectId, email: other.email }],
    expectUnchanged: async (admin, target) => {
      await admin.goto(`/machine-users?q=${encodeURIComponent(target.email)}&state=all`);
      await expect(admin.getByRole('heading', { name: 'No machine users match these filters' })).toBeVisible();
    },
    expectChanged: async (admin, target) => {
      await admin.goto(`/machine-users?q=${encodeURIComponent(target.email)}&state=all`);
      const rows = admin.getByRole('region', { name: 'Machine users table' }).getByRole('row').filter({ has: admin.getByRole('cell') });
      await expect(rows).toHaveCount(1);
      for (const text of [target.email, projectOf(target).title, 'Custom', 'Invitation pending']) await expect(rows).toContainText(text);
    },
  },
  'machine_user.change_roles': {
    seed: ({ machineUser }, project) => machineUser(project, 'backups'),
    send: async (admin, target) => {
      await openMachineUserInteractive(admin, target.machineUserId ?? '', target.email);
      await admin.getByRole('button', { name: 'Change roles' }).click();
      const dialog = admin.getByRole('dialog', { name: `Change the roles of ${target.email}` });
      await dialog.getByLabel('production').selectOption('viewer');
      await expect(dialog.getByRole('region', { name: 'Preview of the change' })).toContainText('production: admin → viewer');
      await dialog.getByRole('button', { name: 'Apply new roles' }).click();
    },
    retarget: (args, other) => [{ ...firstArgument(args), machineUserId: other.machineUserId }],
    expectUnchanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expect(rolesLine(admin)).toHaveText('Project viewer; production: admin');
    },
    expectChanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expect(rolesLine(admin)).toHaveText('Project viewer; production: viewer');
    },
  },
  'machine_user.manage_invitation': {
    seed: ({ machineUser }, project) => machineUser(project, 'ci_tests'),
    send: async (admin, target) => {
      await openMachineUserInteractive(admin, target.machineUserId ?? '', target.email);
      await admin.getByRole('button', { name: 'Cancel invitation' }).click();
      await admin.getByRole('dialog', { name: `Cancel the invitation to ${target.email}?` }).getByRole('button', { name: 'Cancel invitation' }).click();
    },
    retarget: (args, other) => [{ ...firstArgument(args), machineUserId: other.machineUserId }],
    expectUnchanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expectState(admin, 'Invitation pending');
    },
    expectChanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expectState(admin, 'Invitation cancelled');
    },
  },
  'machine_user.remove': {
    seed: ({ machineUser }, project) => machineUser(project, 'source_operations'),
    send: async (admin, target) => {
      await openMachineUserInteractive(admin, target.machineUserId ?? '', target.email);
      await admin.getByRole('button', { name: 'Remove machine user' }).click();
      const dialog = admin.getByRole('dialog', { name: `Remove ${target.email}?` });
      await dialog.getByLabel(`Type ${target.email} to confirm`).fill(target.email);
      await dialog.getByRole('button', { name: 'Remove machine user' }).click();
    },
    retarget: (args, other) => [{ ...firstArgument(args), machineUserId: other.machineUserId, confirmEmail: other.email }],
    expectUnchanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expectState(admin, 'Invitation pending');
    },
    expectChanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expectState(admin, 'Removed');
    },
  },
  'token.record': {
    seed: async (tools, project) => {
      const target = await tools.machineUser(project, 'source_operations');
      await acceptInSandbox(tools.admin, target.machineUserId ?? '', target.email);
      return target;
    },
    send: async (admin, target) => {
      await openMachineUserInteractive(admin, target.machineUserId ?? '', target.email);
      const tokens = pageSection(admin, 'Tokens');
      // The machine user creates its token in the simulator's Console (shown there once).
      const token = await createTokenInConsole(admin.context(), (await tokens.getByRole('link', { name: 'Open the simulator’s Console as this machine user' }).getAttribute('href')) ?? '');
      target.tokenLastFour = token.slice(-4);
      await tokens.getByLabel('API token', { exact: true }).fill(token);
      await tokens.getByRole('button', { name: 'Verify and push' }).click();
    },
    retarget: (args, other) => [{ ...firstArgument(args), machineUserId: other.machineUserId }],
    expectUnchanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expect(pageSection(admin, 'Tokens')).toContainText('No API token is recorded for this machine user yet.');
    },
    expectChanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expect(pageSection(admin, 'Tokens').getByRole('region', { name: 'Tokens table' })).toContainText(`…${target.tokenLastFour ?? '????'}`);
    },
  },
  'token.choose_minting': {
    // An admin's choice against the sandbox policy (not minting): this push mints its token (issue 18.2).
    // Checkout API, whose environments token.record's driver leaves alone.
    assignedProject: checkout,
    seed: async (tools, project) => {
      const target = await tools.machineUser(project, 'source_operations');
      await acceptInSandbox(tools.admin, target.machineUserId ?? '', target.email);
      return target;
    },
    send: async (admin, target) => {
      await openMachineUserInteractive(admin, target.machineUserId ?? '', target.email);
      const tokens = pageSection(admin, 'Tokens');
      const token = await createTokenInConsole(admin.context(), (await tokens.getByRole('link', { name: 'Open the simulator’s Console as this machine user' }).getAttribute('href')) ?? '');
      await tokens.getByLabel('API token', { exact: true }).fill(token);
      await tokens.getByLabel('Deployment token').selectOption('mint');
      // Variables another spec's machine user pushed there are not this one's (R8): replaced, with consent.
      for (const replace of await tokens.getByRole('checkbox', { name: /^Replace the / }).all()) await replace.check();
      await tokens.getByRole('button', { name: 'Verify and push' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expect(pageSection(admin, 'Tokens')).toContainText('No API token is recorded for this machine user yet.');
    },
    expectChanged: async (admin, target) => {
      await openMachineUser(admin, target.machineUserId ?? '', target.email);
      await expect(pageSection(admin, 'Tokens').getByRole('region', { name: 'Tokens table' })).toContainText('minted');
    },
  },
  'onboarding.confirm_config': {
    // Checkout API: assigned to the onboarder, and no other spec confirms its configuration.
    assignedProject: checkout,
    seed: async (_tools, project) => ({ email: '', projectId: project.id, note: `Checked by the role-matrix replay ${uniqueEmail('note')}` }),
    send: async (admin, target) => {
      await openOnboardingKit(admin, projectOf(target));
      await admin.getByRole('button', { name: 'Confirm the cron and build hook are deployed' }).click();
      const dialog = admin.getByRole('dialog', { name: `Confirm the deployed configuration of ${projectOf(target).title}?` });
      await dialog.getByLabel('What you checked (optional)').fill(target.note ?? '');
      await dialog.getByRole('button', { name: 'Confirm', exact: true }).click();
    },
    retarget: (args, other) => [{ ...firstArgument(args), projectId: other.projectId, note: other.note }],
    expectUnchanged: async (admin, target) => {
      await openOnboardingKit(admin, projectOf(target));
      await expect(admin.getByRole('main')).not.toContainText(target.note ?? '(no note)');
    },
    expectChanged: async (admin, target) => {
      await openOnboardingKit(admin, projectOf(target));
      await expect(admin.getByRole('listitem').filter({ hasText: target.note ?? '(no note)' }).first()).toBeVisible();
    },
  },
  'finding.accept_risk': {
    // One of the sandbox review demo's findings that nothing else in the suite accepts or resolves:
    // the token made in the Console on Legacy CMS (findings.spec accepts another one).
    seed: async ({ admin }) => ({ email: '', findingId: await firstFindingId(admin, 'token.made_outside_keywarden') }),
    send: async (admin, target) => {
      await admin.goto('/review?rule=token.made_outside_keywarden');
      await waitForHydration(admin, 'main button');
      const card = findingCard(admin, target.findingId ?? '');
      await card.getByRole('button', { name: /^Accept the risk: / }).click();
      const dialog = admin.getByRole('dialog', { name: /^Accept the risk: / });
      await dialog.getByLabel('Why the risk is accepted').fill('The role-matrix replay accepts it.');
      await dialog.getByRole('button', { name: 'Accept the risk' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await admin.goto('/review?status=accepted&rule=token.made_outside_keywarden');
      await expect(admin.getByRole('heading', { level: 1, name: 'Findings' })).toBeVisible();
      await expect(findingCard(admin, target.findingId ?? '')).toHaveCount(0);
    },
    expectChanged: async (admin, target) => {
      await admin.goto('/review?status=accepted&rule=token.made_outside_keywarden');
      await expect(findingCard(admin, target.findingId ?? '')).toContainText('The role-matrix replay accepts it.');
    },
  },
  'policy.update': {
    // A value of its own for the maximum token age: only token.too_old reads it, which no spec counts.
    seed: async () => ({ email: '', policyValue: String(400 + Math.floor(Math.random() * 3000)) }),
    send: async (admin, target) => {
      await admin.goto('/review/policy');
      await admin.getByLabel('Maximum token age (days)').fill(target.policyValue ?? '');
      await admin.getByRole('button', { name: 'Preview changes' }).click();
      await expect(admin.getByRole('region', { name: 'Preview: what saving would change' })).toBeVisible();
      await waitForHydration(admin, 'main button');
      await admin.getByRole('button', { name: 'Save the policy' }).click();
      await admin.getByRole('dialog', { name: 'Save the new policy?' }).getByRole('button', { name: 'Save the policy' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await admin.goto('/review/policy');
      await expect(admin.getByLabel('Maximum token age (days)')).not.toHaveValue(target.policyValue ?? '');
    },
    expectChanged: async (admin, target) => {
      await admin.goto('/review/policy');
      await expect(admin.getByLabel('Maximum token age (days)')).toHaveValue(target.policyValue ?? '');
      },
    },
  'campaign.create': {
    seed: async () => ({ email: '', campaignName: uniqueCampaignName('Matrix create') }),
    send: async (admin, target) => {
      await openCreateForm(admin);
      await fillCreateForm(admin, { name: target.campaignName ?? '', project: storefront });
      await admin.getByRole('button', { name: 'Start the review' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await admin.goto('/review/campaigns?state=open');
      await expect(admin.getByRole('heading', { name: 'Access reviews', level: 1 })).toBeVisible();
      await expect(admin.getByRole('link', { name: target.campaignName ?? '', exact: true })).toHaveCount(0);
    },
    expectChanged: async (admin, target) => {
      await admin.goto('/review/campaigns?state=open');
      await expect(admin.getByRole('link', { name: target.campaignName ?? '', exact: true })).toHaveCount(1);
    },
  },
  'campaign.sign_off': {
    seed: (tools, project) => campaignWithItem(tools, project),
    send: async (admin, target) => {
      await openCampaign(admin, target.campaignId ?? '');
      await waitForHydration(admin, `form[aria-label="Decision for ${target.email}"]`);
      await (await fillDecision(admin, target.email, 'Change', 'Matrix: viewer is enough.')).click();
    },
    expectUnchanged: async (admin, target) => {
      await openCampaign(admin, target.campaignId ?? '');
      await expect(itemCard(admin, target.email)).toContainText('undecided');
      await expect(decisionForm(admin, target.email)).toBeVisible();
    },
    expectChanged: async (admin, target) => {
      await openCampaign(admin, target.campaignId ?? '');
      await expect(itemCard(admin, target.email)).toContainText('Matrix: viewer is enough.');
    },
  },
  'campaign.close': {
    seed: async ({ admin }, project) => {
      const campaignName = uniqueCampaignName('Matrix close');
      return { email: '', campaignName, campaignId: await createCampaignInUi(admin, { name: campaignName, project }) };
    },
    send: async (admin, target) => {
      await openCampaign(admin, target.campaignId ?? '');
      await waitForHydration(admin, `form[aria-label="Close ${target.campaignName}"]`);
      const form = admin.getByRole('form', { name: `Close ${target.campaignName}` });
      await form.getByRole('checkbox').check();
      await form.getByRole('button', { name: 'Close the campaign' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await openCampaign(admin, target.campaignId ?? '');
      await expect(admin.getByRole('form', { name: `Close ${target.campaignName}` })).toBeVisible();
    },
    expectChanged: async (admin, target) => {
      await openCampaign(admin, target.campaignId ?? '');
      await expect(admin.getByText('This campaign is closed')).toBeVisible();
    },
  },
  'campaign.complete_task': {
    seed: async (tools, project) => {
      const target = await campaignWithItem(tools, project);
      // The shared reviewer's decision to remove it: a task for admins.
      const reviewer = await tools.pageAs('reviewer');
      await openCampaign(reviewer, target.campaignId ?? '');
      await waitForHydration(reviewer, `form[aria-label="Decision for ${target.email}"]`);
      await (await fillDecision(reviewer, target.email, 'Remove', 'Matrix: unused.')).click();
      await expect(reviewer.getByRole('status').filter({ hasText: `Decision saved for ${target.email}: remove` })).toBeVisible();
      return target;
    },
    send: async (admin, target) => {
      await openCampaign(admin, target.campaignId ?? '');
      await waitForHydration(admin, 'main form button[aria-label^="Mark the task"]');
      await admin.getByRole('button', { name: `Mark the task for ${target.email} done` }).click();
    },
    expectUnchanged: async (admin, target) => {
      await openCampaign(admin, target.campaignId ?? '');
      await expect(admin.getByRole('button', { name: `Mark the task for ${target.email} done` })).toBeVisible();
    },
    expectChanged: async (admin, target) => {
      await openCampaign(admin, target.campaignId ?? '');
      await expect(admin.getByRole('region', { name: 'Tasks table' }).getByRole('row').filter({ hasText: target.email })).toContainText('Done');
    },
  },
};

/** A finding's card on the Findings view, by the finding's id. */
function findingCard(page: Page, findingId: string) {
  return page.locator(`article[aria-labelledby="finding-${findingId}"]`);
}

/** The id of the first open finding of `ruleId` on the Findings view. */
async function firstFindingId(page: Page, ruleId: string): Promise<string> {
  await page.goto(`/review?rule=${ruleId}`);
  const heading = page.locator('article h3[id^="finding-"]').first();
  await expect(heading).toBeVisible();
  return ((await heading.getAttribute('id')) ?? '').replace(/^finding-/, '');
}

async function openOnboardingKit(admin: Page, project: DemoProject): Promise<void> {
  await admin.goto(`/projects/${project.id}/onboarding`);
  await expect(admin.getByRole('heading', { name: 'Onboarding kit', level: 1 })).toBeVisible();
  await waitForHydration(admin, 'main button');
}

/** The refusal of `action` by `role`'s shared account, from `address`, is on the Audit page. */
async function expectRefusalAudited(admin: Page, action: string, role: AccountRole, address: string): Promise<void> {
  const email = readAccounts()[role].email;
  await admin.goto(`/audit?action=${action}&outcome=refused&actor=${encodeURIComponent(email)}`);
  const entry = admin.getByRole('region', { name: 'Audit events table' }).getByRole('row').filter({ hasText: address });
  await expect(entry, `audit entry of ${role}'s refused ${action}`).toHaveCount(1);
  for (const text of [email, role, action, 'refused']) await expect(entry).toContainText(text);
}

/** The refusal of `action` sent without a session from `address` is on the Audit page. */
async function expectStrangerRefusalAudited(admin: Page, action: string, address: string): Promise<void> {
  await admin.goto(`/audit?action=${action}&outcome=refused`);
  const entry = admin.getByRole('region', { name: 'Audit events table' }).getByRole('row').filter({ hasText: address });
  await expect(entry, `audit entry of the refused ${action} without a session`).toHaveCount(1);
  for (const text of [action, 'refused', 'not signed in', 'unauthenticated']) await expect(entry).toContainText(text);
}

test.describe('every mutation in the role matrix, replayed with each role’s session', () => {
  for (const [action, row] of ACTIONS.filter(([, entry]) => entry.mutation)) {
    test(action, async ({ pageAs, newApiClient, newClient, baseURL }) => {
      const driver = DRIVERS[action];
      if (!driver) throw new Error(`role-matrix.json lists ${action}, but this spec has no driver for it: add one`);
      const denied = ROLES.filter((role) => row[role] === 'deny');
      const allowed = ROLES.filter((role) => row[role] === 'allow');
      const scoped = ROLES.filter((role) => row[role] === 'assigned');
      const unknown = ROLES.filter((role) => !['allow', 'deny', 'assigned'].includes(row[role]));
      if (unknown.length > 0) throw new Error(`${action}: unknown rules for ${unknown.join(', ')}`);
      expect(allowed, 'the captured call is the admin’s, so the admin must be allowed').toContain('admin');

      // A project-scoped rule needs a project every scoped role has assigned, and a driver that can
      // aim the captured call at a record on another project.
      let project = driver.assignedProject ?? storefront;
      if (scoped.length > 0) {
        if (!driver.retarget) throw new Error(`${action}: project-scoped rules (${scoped.join(', ')}) need a driver with retarget`);
        for (const role of scoped) {
          const assigned = ASSIGNED_PROJECTS[role] ?? [];
          if (!driver.assignedProject) project = assigned[0] ?? project;
          if (!assigned.some((candidate) => candidate.id === project.id)) throw new Error(`${action}: ${role} has no assigned project ${project.title}`);
          if (assigned.some((candidate) => candidate.id === UNASSIGNED_PROJECT.id)) throw new Error(`${role} has ${UNASSIGNED_PROJECT.title} assigned`);
        }
      }

      const admin = await pageAs('admin');
      const adminApi = await newApiClient({ as: 'admin' });
      const tools: SeedTools = {
        admin,
        inviteAndAccept: async (role, projectIds) => {
          const user = await seedUser(adminApi, await newApiClient(), { role, projectIds, baseUrl: baseURL ?? '', label: `matrix-${role}` });
          return { email: user.email, userId: user.userId };
        },
        inviteOnly: async (role) => {
          const email = uniqueEmail(`matrix-${role}`);
          const link = await inviteByAction(adminApi, { email, role });
          return { email, userId: link.userId, invitationUrl: link.url };
        },
        machineUser: async (on, purpose, roles, ownerId) => {
          const seeded = await seedMachineUser(admin, adminApi, { project: on, purpose, roles, ownerId, email: uniqueEmail(`bots+matrix-${purpose}`) });
          return { email: seeded.email, machineUserId: seeded.id, projectId: seeded.projectId };
        },
        pageAs,
        freshUserSession: async (role) => {
          const client = await newApiClient();
          const user = await seedUser(adminApi, client, { role, baseUrl: baseURL ?? '', label: `matrix-${role}`, signIn: true });
          return { target: { email: user.email, userId: user.userId }, client };
        },
        sharedAccountSession: async (role) => {
          const client = await newApiClient();
          await signInOrThrow(client, baseURL ?? '', readAccounts()[role]);
          return client;
        },
        freshUserPage: async (role) => {
          const user = await seedUser(adminApi, await newApiClient(), { role, baseUrl: baseURL ?? '', label: `matrix-${role}` });
          const context = await newClient();
          await signInOrThrow(context.request, baseURL ?? '', user);
          return context.newPage();
        },
        pushedToken: (on, environment) => tokenPushedByFreshOnboarder({ admin, adminApi, newApiClient: () => newApiClient(), newClient: () => newClient(), baseURL: baseURL ?? '', project: on, environment }),
      };
      const target = await driver.seed(tools, project);
      // The same kind of record on a project that no scoped role has assigned.
      const other = scoped.length > 0 ? await driver.seed(tools, UNASSIGNED_PROJECT) : undefined;
      await driver.expectUnchanged(admin, target);

      // The admin's call, held back: it never reaches the server.
      const call: CapturedAction = await captureAction(admin, () => driver.send(admin, target), { block: true });
      expect(call.headers['next-action']).toMatch(/^[0-9a-f]{40,}$/);
      await driver.expectUnchanged(admin, target);

      for (const role of denied) {
        const address = syntheticAddress();
        const client = await newApiClient({ as: role, clientAddress: address });
        const { result } = await replayAction(client, call);
        expect(result, `${action} replayed as ${role}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        await driver.expectUnchanged(admin, target);
        await expectRefusalAudited(admin, action, role, address);
      }

      // No session at all: refused, nothing changed, and the refusal is on the audit log too.
      const strangerAddress = syntheticAddress();
      const { result: strangers } = await replayAction(await newApiClient({ clientAddress: strangerAddress }), call);
      expect(strangers, `${action} replayed without a session`).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      await driver.expectUnchanged(admin, target);
      await expectStrangerRefusalAudited(admin, action, strangerAddress);

      // Project-scoped roles: the call aimed at the unassigned project's record is refused.
      if (other && driver.retarget) {
        await driver.expectUnchanged(admin, other);
        const args = driver.retarget(argumentsOf(call), other);
        for (const role of scoped) {
          const address = syntheticAddress();
          const client = await newApiClient({ as: role, clientAddress: address });
          const { result } = await replayAction(client, call, { args });
          expect(result, `${action} replayed as ${role} on ${UNASSIGNED_PROJECT.title}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
          await driver.expectUnchanged(admin, other);
          await driver.expectUnchanged(admin, target);
          await expectRefusalAudited(admin, action, role, address);
        }
      }

      // Positive control: the same call, from a session that may make it (a scoped role on its
      // assigned project), takes effect.
      const [first, ...others] = [...allowed.filter((role) => role !== 'admin'), ...scoped, 'admin' as const];
      const firstClient = first === 'admin' ? adminApi : await newApiClient({ as: first });
      const argsOf = (role: AccountRole) => (driver.argsFor ? { args: driver.argsFor(argumentsOf(call), role) } : {});
      const { result } = await replayAction(firstClient, call, argsOf(first));
      expect(result, `${action} replayed as ${first}`).toMatchObject({ ok: true });
      await driver.expectChanged(admin, target);
      for (const role of others) {
        const { result: again } = await replayAction(await newApiClient({ as: role }), call, argsOf(role));
        expect(again, `${action} replayed as ${role}`).not.toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      // The record on the unassigned project was never touched.
      if (other) await driver.expectUnchanged(admin, other);
    });
  }
});

const READ_PAGES: Record<string, { path: string; heading: string; denied?: string; section?: string; menu?: string; inMenu?: false }> = {
  'dashboard.read': { path: '/', heading: 'Overview' },
  'audit.read': { path: '/audit', heading: 'Audit', denied: 'The audit log is visible to admins and reviewers.' },
  // Forms of the Audit page rather than pages of their own.
  'audit.export': { path: '/audit', heading: 'Audit', section: 'Export the audit log' },
  'audit.verify': { path: '/audit', heading: 'Audit', section: 'Verify the chain' },
  'user.list': { path: '/users', heading: 'Users', denied: 'Dashboard users are visible to admins and reviewers.' },
  // 'assigned' (onboarders): the page opens and lists only their projects (projects.spec.ts).
  'project.read': { path: '/projects', heading: 'Projects' },
  // 'assigned' (onboarders): the list shows only their projects' machine users (machine-users.spec.ts).
  'machine_user.read': { path: '/machine-users', heading: 'Machine users' },
  // 'assigned' (onboarders): the list shows only their projects' tokens.
  'token.read': { path: '/tokens', heading: 'Tokens' },
  // Part of the Tokens page rather than a page of its own: the form is there or not.
  'token.lookup': { path: '/tokens', heading: 'Tokens', section: 'Leaked-token lookup' },
  // The review area's views, under the menu's Review ('assigned' for onboarders: their projects' findings).
  'finding.read': { path: '/review', heading: 'Findings', menu: 'Review' },
  'policy.read': { path: '/review/policy', heading: 'Policy', menu: 'Review' },
  // Part of the Inventory page: its export form is there or not ('assigned': an onboarder's projects).
  'inventory.export': { path: '/review/inventory', heading: 'Inventory', section: 'Export inventory' },
  // A tab of the Review area (not a menu entry of its own).
  'campaign.read': { path: '/review/campaigns', heading: 'Access reviews', denied: 'Access reviews are visible to admins and reviewers.', inMenu: false },
  // Part of the Access reviews page: the form is there or not (each campaign's page has its own).
  'evidence.export': { path: '/review/campaigns', heading: 'Access reviews', section: 'Evidence pack' },
  // Every role manages its own keys (Settings → API keys, not in the menu).
  'api_key.read': { path: '/settings/api-keys', heading: 'API keys', inMenu: false },
  // Settings → Jobs (not in the menu): admins and reviewers.
  'jobs.read': { path: '/settings/jobs', heading: 'Jobs', inMenu: false, denied: 'The background jobs are visible to admins and reviewers.' },
  // Admins only (Settings → Mailbox, not in the menu).
  'mailbox.read': { path: '/settings/mailbox', heading: 'Mailbox', denied: 'The sandbox mailbox is visible to admins.', inMenu: false },
  // Each user's own Account page (the name in the header leads there).
  'account.read': { path: '/account', heading: 'Account', inMenu: false },
  // Users → Sessions: admins only.
  'user.read_sessions': { path: '/users/sessions', heading: 'Sessions', denied: 'Other users’ sessions are visible to admins.', inMenu: false },
  // Incident response: admins plan and execute, reviewers read the reports (menu: Incidents).
  'incident.read': { path: '/incidents', heading: 'Incident response', menu: 'Incidents', denied: 'Incidents are planned and executed by admins' },
};

test.describe('read access follows the role matrix', () => {
  for (const role of ROLES) {
    test(`${role}: pages and menu`, async ({ pageAs }) => {
      const page = await pageAs(role);
      await page.goto('/');
      const menu = page.getByRole('navigation', { name: 'Main' });
      for (const [action, row] of ACTIONS.filter(([, entry]) => !entry.mutation)) {
        const target = READ_PAGES[action];
        if (!target) throw new Error(`role-matrix.json lists ${action}, but this spec does not know its page: add it`);
        const isAllowed = row[role] !== 'deny';
        if (target.section) {
          await page.goto(target.path);
          await expect(page.getByRole('heading', { name: target.heading, level: 1 })).toBeVisible();
          await expect(page.getByRole('form', { name: target.section }), `${role} on ${target.path}: ${target.section}`).toHaveCount(isAllowed ? 1 : 0);
          continue;
        }
        // Settings links only to the settings pages the role may open.
        if (target.path.startsWith('/settings/')) {
          await page.goto('/settings');
          const settingsLinks = page.getByRole('navigation', { name: 'Settings pages' });
          await expect(settingsLinks.locator(`a[href="${target.path}"]`), `${role} on /settings: link to ${target.path}`).toHaveCount(isAllowed ? 1 : 0);
        }
        if (target.path !== '/' && target.inMenu !== false) {
          const menuLabel = target.menu ?? target.heading;
          await expect(menu.getByRole('link', { name: menuLabel, exact: true }), `${role} menu: ${menuLabel}`).toHaveCount(isAllowed ? 1 : 0);
        }
        // A page the role may not see answers 403 (the explanation is the body), one it may see 200.
        const response = await page.goto(target.path);
        expect(response?.status(), `${role} on ${target.path}: status`).toBe(isAllowed ? 200 : 403);
        await expect(page.getByRole('heading', { name: target.heading, level: 1 })).toBeVisible();
        const denial = page.getByText('You do not have access to this page');
        if (isAllowed) {
          await expect(denial, `${role} on ${target.path}`).toHaveCount(0);
        } else {
          await expect(denial, `${role} on ${target.path}`).toBeVisible();
          if (target.denied) await expect(page.getByRole('main')).toContainText(target.denied);
          // No data leaks past the message.
          await expect(page.getByRole('table')).toHaveCount(0);
        }
      }
    });
  }

  test('a reviewer sees the users read-only, with no invite, change or disable controls', async ({ pageAs }) => {
    const page = await pageAs('reviewer');
    await page.goto('/users');
    await expect(page.getByText('Reviewers can see users but not change them.')).toBeVisible();
    const table = page.getByRole('region', { name: 'Users table' });
    await expect(table.getByRole('cell', { name: readAccounts().admin.email })).toBeVisible();
    await expect(table.getByRole('columnheader', { name: 'Actions' })).toHaveCount(0);
    await expect(page.getByRole('main').getByRole('button', { name: /Invite|Disable|Enable|Change role|Projects|invitation link/ })).toHaveCount(0);
  });

  test('an onboarder’s refused visit to the Users page is on the audit record', async ({ pageAs, clientAddress }) => {
    // pageAs opens its own context; use the test's address to find this very visit.
    const onboarder = await pageAs('onboarder');
    await onboarder.context().setExtraHTTPHeaders({ 'X-Forwarded-For': clientAddress });
    await onboarder.goto('/users');
    await expect(onboarder.getByText('You do not have access to this page')).toBeVisible();
    const admin = await pageAs('admin');
    const email = readAccounts().onboarder.email;
    await admin.goto(`/audit?action=user.list&outcome=refused&actor=${encodeURIComponent(email)}`);
    const entry = admin.getByRole('region', { name: 'Audit events table' }).getByRole('row').filter({ hasText: clientAddress });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText('onboarder');
  });
});
