// Bulk rotation (issue 18.3) in the sandbox, through the pages: a token pushed by a fresh onboarder
// to Internal tools' feature-i18n (no other spec pushes there: redeploys.spec uses feature-pwa,
// machine-users.spec only invites on that project) is selected by an incident of kind "rotate";
// the admin runs the dry run, pastes a bootstrap token of the machine user made in the simulator's
// Console, types the name, and the run — within the request — mints a fresh token, pushes it in
// place, deletes the old token and the bootstrap, verifies and reports. The organisation policy is
// not changed.
import type { APIRequestContext, Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/axe';
import { tokenPushedByFreshOnboarder, uniqueIncidentName } from './support/incidents';
import { demoProject, openMachineUserInteractive } from './support/machine-users';
import { sandboxDashboardToken, tokenFromConsoleLink } from './support/sandbox';
import { readServerState } from './support/server-state';
import { expect, test, waitForHydration } from './support/test';

const INTERNAL_TOOLS = demoProject('Internal tools');
const ENVIRONMENT = 'feature-i18n';
const CLI_TOKEN_VARIABLE = 'env:PLATFORMSH_CLI_TOKEN';

/** The simulator read from outside Keywarden: whether an API token is alive, and an environment's own variable. */
async function simulatorOf(page: Page, request: APIRequestContext) {
  const href = await page.getByRole('link', { name: 'Open the simulator’s Console as this machine user' }).getAttribute('href');
  const origin = new URL(href!).origin;
  const exchange = (apiToken: string) => request.post(`${origin}/oauth2/token`, { headers: { Authorization: `Basic ${Buffer.from('platform-api-user:').toString('base64')}` }, form: { grant_type: 'api_token', api_token: apiToken } });
  const dashboard = await exchange(sandboxDashboardToken(readServerState()));
  expect(dashboard.status()).toBe(200);
  const accessToken = ((await dashboard.json()) as { access_token: string }).access_token;
  return {
    isAlive: async (apiToken: string) => (await exchange(apiToken)).status() === 200,
    ownVariable: async (): Promise<{ updated_at: string } | null> => {
      const response = await request.get(`${origin}/projects/${INTERNAL_TOOLS.id}/environments/${ENVIRONMENT}/variables/${encodeURIComponent(CLI_TOKEN_VARIABLE)}`, { headers: { Authorization: `Bearer ${accessToken}` } });
      if (response.status() === 404) return null;
      const variable = (await response.json()) as { inherited: boolean; updated_at: string };
      return variable.inherited ? null : variable;
    },
  };
}

test('plan a bulk rotation, dry run, paste one bootstrap per machine user, confirm: fresh token in place, old token and bootstrap deleted, report', async ({ pageAs, newApiClient, newClient, baseURL, request }) => {
  test.setTimeout(180_000);
  const admin = await pageAs('admin');
  const adminApi = await newApiClient({ as: 'admin' });
  const pushed = await tokenPushedByFreshOnboarder({ admin, adminApi, newApiClient: () => newApiClient(), newClient: () => newClient(), baseURL: baseURL ?? '', project: INTERNAL_TOOLS, environment: ENVIRONMENT });

  // The bootstrap: a fresh token of the machine user, made in its Console.
  await openMachineUserInteractive(admin, pushed.machineUserId, pushed.machineUserEmail);
  const simulator = await simulatorOf(admin, request);
  const bootstrap = await tokenFromConsoleLink(admin);
  const before = await simulator.ownVariable();
  expect(before).not.toBeNull();

  // Plan: "rotate", the tokens pushed by that onboarder.
  const name = uniqueIncidentName('Yearly rotation');
  await admin.goto('/incidents');
  await waitForHydration(admin, 'form[aria-label="Plan an incident"] button');
  const planForm = admin.getByRole('form', { name: 'Plan an incident' });
  await planForm.getByLabel('Incident name').fill(name);
  await planForm.getByRole('radio', { name: /Rotate them/ }).check();
  await planForm.getByLabel('Recorded or pushed by (e-mail)').fill(pushed.pusherEmail);
  await planForm.getByRole('button', { name: 'Plan the incident' }).click();
  await expect(admin.getByRole('heading', { name, level: 1 })).toBeVisible({ timeout: 15_000 });
  await expect(admin.getByRole('region', { name: 'Plan' })).toContainText('Bulk rotation of 1 token across 1 project (1 environment variable)');
  await expect(admin.getByRole('form', { name: 'Execute the bulk rotation' })).toHaveCount(0);

  await waitForHydration(admin, 'form[aria-label="Dry run"] button');
  await admin.getByRole('form', { name: 'Dry run' }).getByRole('button', { name: 'Run the dry run' }).click();
  const execute = admin.getByRole('form', { name: 'Execute the bulk rotation' });
  await expect(execute).toBeVisible({ timeout: 15_000 });
  await expectNoSeriousA11yViolations(admin, 'a bulk rotation’s execution form');

  // One bootstrap field per machine user, a password field; the name typed again.
  await waitForHydration(admin, 'form[aria-label="Execute the bulk rotation"] button');
  const field = execute.getByLabel(new RegExp(`Bootstrap token of ${pushed.machineUserEmail.replace(/[.+]/g, '\\$&')}`));
  await expect(field).toHaveAttribute('type', 'password');
  await field.fill(bootstrap);
  await execute.getByLabel(/Type the incident’s name/).fill(name);
  await execute.getByRole('button', { name: 'Rotate every token of the plan' }).click();
  // The run is within the request: the page answers with the report (and refreshes into it).
  const report = admin.getByRole('region', { name: 'Report' });
  await expect(report).toBeVisible({ timeout: 90_000 });
  await expect(report).toContainText('1 of 1 token rotated, 1 of 1 environment verified to hold a fresh token, 1 old token and 1 bootstrap token deleted');
  await expect(report.getByRole('row').filter({ hasText: pushed.machineUserEmail })).toContainText('rotated');
  await expectNoSeriousA11yViolations(admin, 'a bulk rotation’s report');

  // On Platform.sh: the variable was replaced, the bootstrap is gone; the page keeps no value.
  const after = await simulator.ownVariable();
  expect(after?.updated_at).not.toBe(before?.updated_at);
  expect(await simulator.isAlive(bootstrap)).toBe(false);
  expect(await admin.content()).not.toContain(bootstrap);
});
