// Incident response in the sandbox (issue 18.3): a token that exactly one incident selects — pushed
// by a fresh onboarder (the "pushed by" filter then picks it alone) to one Storefront environment
// that no other spec uses — and the steps of an incident's page.
import type { APIRequestContext, BrowserContext, Page } from '@playwright/test';
import type { DemoProject } from '@/lib/demo/organisation';
import { signInOrThrow } from './auth';
import { acceptInSandbox, openMachineUserInteractive, pageSection, seedMachineUser } from './machine-users';
import { createTokenInConsole } from './sandbox';
import { seedUser } from './seed';
import { expect, uniqueEmail, waitForHydration } from './test';

/**
 * Storefront's active development environments that no other spec pushes to: one per user of this
 * helper (e2e/incidents.spec.ts, and role-matrix.spec.ts's incident.plan and incident.execute).
 */
export const INCIDENT_ENVIRONMENTS = { pageFlow: 'feature-pwa', plan: 'fix-timeouts', execute: 'chore-deps' } as const;

export interface PushedToken {
  /** The fresh onboarder who pushed it (the incident's "pushed by" filter). */
  pusherEmail: string;
  machineUserId: string;
  machineUserEmail: string;
  lastFour: string;
}

export async function tokenPushedByFreshOnboarder(options: {
  admin: Page;
  adminApi: APIRequestContext;
  newApiClient: () => Promise<APIRequestContext>;
  newClient: () => Promise<BrowserContext>;
  baseURL: string;
  project: DemoProject;
  environment: string;
}): Promise<PushedToken> {
  const { admin, adminApi, project } = options;
  const pusher = await seedUser(adminApi, await options.newApiClient(), { role: 'onboarder', projectIds: [project.id], baseUrl: options.baseURL, label: 'incident-pusher' });
  const machineUser = await seedMachineUser(admin, adminApi, { project, purpose: 'source_operations', email: uniqueEmail('bots+incident') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);

  const context = await options.newClient();
  await signInOrThrow(context.request, options.baseURL, pusher);
  const page = await context.newPage();
  await openMachineUserInteractive(page, machineUser.id, machineUser.email);
  const tokens = pageSection(page, 'Tokens');
  const token = await createTokenInConsole(context, (await tokens.getByRole('link', { name: 'Open the simulator’s Console as this machine user' }).getAttribute('href')) ?? '');
  await tokens.getByLabel('API token', { exact: true }).fill(token);
  const environments = tokens.getByRole('group', { name: /Push to these environments/ });
  // The preset's environments come ticked: only this one is pushed to.
  const ticked = environments.getByRole('checkbox', { checked: true });
  while ((await ticked.count()) > 0) await ticked.first().uncheck();
  await environments.getByRole('checkbox', { name: options.environment }).check();
  // Another machine user's variable may be there (role-matrix.spec's token.record pushes to every
  // Storefront development environment): it is replaced with consent (R8), ticked when the form
  // shows it, or after Platform.sh's answer names it.
  const consent = tokens.getByRole('checkbox', { name: `Replace the env:PLATFORMSH_CLI_TOKEN on ${options.environment}` });
  const done = tokens.getByRole('status').filter({ hasText: 'The token is set on the environment' });
  const refused = tokens.getByRole('alert').filter({ hasText: 'that Keywarden did not push' });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (await consent.isVisible()) await consent.check();
    await tokens.getByRole('button', { name: 'Verify and push' }).click();
    await expect(done.or(refused)).toBeVisible({ timeout: 30_000 });
    if (await done.isVisible()) break;
  }
  await expect(done).toBeVisible({ timeout: 30_000 });
  await context.close();
  return { pusherEmail: pusher.email, machineUserId: machineUser.id, machineUserEmail: machineUser.email, lastFour: token.slice(-4) };
}

export function uniqueIncidentName(label: string): string {
  return `${label} ${Math.random().toString(36).slice(2, 8)}`;
}

/** The incidents list, with the planning form ready (hydrated). */
export async function openIncidents(page: Page): Promise<void> {
  await page.goto('/incidents');
  await expect(page.getByRole('heading', { name: 'Incident response', level: 1 })).toBeVisible();
}

/** Fills the planning form with a name and the "pushed by" filter, and submits it. */
export async function submitIncidentPlan(admin: Page, name: string, pushedBy: string): Promise<void> {
  await openIncidents(admin);
  await waitForHydration(admin, 'form[aria-label="Plan an incident"] button');
  const form = admin.getByRole('form', { name: 'Plan an incident' });
  await form.getByLabel('Incident name').fill(name);
  await form.getByLabel('Recorded or pushed by (e-mail)').fill(pushedBy);
  await form.getByRole('button', { name: 'Plan the incident' }).click();
}

/** Plans an incident in the UI and returns its id, once its page is open. */
export async function planIncidentInUi(admin: Page, name: string, pushedBy: string): Promise<string> {
  await submitIncidentPlan(admin, name, pushedBy);
  await expect(admin.getByRole('heading', { name, level: 1 })).toBeVisible({ timeout: 15_000 });
  const id = /\/incidents\/([0-9a-f-]{36})/.exec(admin.url())?.[1];
  if (!id) throw new Error(`No incident page after planning ${name}: ${admin.url()}`);
  return id;
}

export async function openIncident(page: Page, incidentId: string, name: string): Promise<void> {
  await page.goto(`/incidents/${incidentId}`);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

/** Runs the dry run from the incident's page. */
export async function dryRunInUi(admin: Page, incidentId: string, name: string): Promise<void> {
  await openIncident(admin, incidentId, name);
  await waitForHydration(admin, 'form[aria-label="Dry run"] button');
  await admin.getByRole('form', { name: 'Dry run' }).getByRole('button', { name: 'Run the dry run' }).click();
  await expect(admin.getByRole('form', { name: 'Execute the incident' })).toBeVisible({ timeout: 15_000 });
}
