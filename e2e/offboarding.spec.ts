// Removing a machine user is offboarding (issue 14): its dialog shows the plan — the variables of
// each token, the tokens to revoke — and by default the removal deletes the variables and revokes
// the tokens; without a live token the deletion on Platform.sh stays open, and the page offers to
// finish it. The token ends dead on Platform.sh, as Platform.sh itself answers.
import type { APIRequestContext } from '@playwright/test';
import { acceptInSandbox, demoProject, expectState, openMachineUserInteractive, pageSection, seedMachineUser } from './support/machine-users';
import { sandboxSimulatorUrl, tokenFromConsoleLink } from './support/sandbox';
import { expect, test, uniqueEmail } from './support/test';

/**
 * No other spec pushes to these two environments of this project, nor counts its machine users
 * (machine-users.spec counts Internal tools').
 */
const PROJECT = demoProject('Customer portal');
const ENVIRONMENTS = ['feature-i18n', 'hotfix-vat'] as const;

/** Whether Platform.sh still accepts the API token (its auth server, from outside Keywarden). */
async function isAlive(request: APIRequestContext, simulatorUrl: string, apiToken: string): Promise<boolean> {
  const response = await request.post(`${simulatorUrl}/oauth2/token`, {
    headers: { Authorization: `Basic ${Buffer.from('platform-api-user:').toString('base64')}` },
    form: { grant_type: 'api_token', api_token: apiToken },
  });
  return response.status() === 200;
}

test('removing a machine user deletes its variables and revokes its token; the deletion on Platform.sh is finished with a live token', async ({ pageAs, newApiClient, request, server }) => {
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: PROJECT, purpose: 'custom', email: uniqueEmail('bots+offboard') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);
  await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
  const token = await tokenFromConsoleLink(admin);
  const lastFour = token.slice(-4);

  const tokens = pageSection(admin, 'Tokens');
  await tokens.getByLabel('API token', { exact: true }).fill(token);
  const environments = tokens.getByRole('group', { name: /Push to these environments/ });
  for (const checkbox of await environments.getByRole('checkbox', { checked: true }).all()) await checkbox.uncheck();
  for (const environment of ENVIRONMENTS) await environments.getByRole('checkbox', { name: environment, exact: true }).check();
  await tokens.getByRole('button', { name: 'Verify and push' }).click();
  await expect(tokens.getByRole('status').filter({ hasText: 'The token is set on all 2 environments' })).toBeVisible({ timeout: 30_000 });

  // The plan, before anything is done.
  await admin.getByRole('button', { name: 'Remove machine user' }).click();
  const dialog = admin.getByRole('dialog', { name: `Remove ${machineUser.email}?` });
  await expect(dialog.getByRole('checkbox', { name: /Delete its token variables and revoke its tokens/ })).toBeChecked();
  await expect(dialog).toContainText(`…${lastFour} (active): delete env:PLATFORMSH_CLI_TOKEN on ${ENVIRONMENTS.join(', ')} (each redeploys), then delete the token on Platform.sh`);
  await expect(dialog).not.toContainText('will have no token');
  // Without a live token this time.
  await dialog.getByLabel(`Type ${machineUser.email} to confirm`).fill(machineUser.email);
  await dialog.getByRole('button', { name: 'Remove machine user' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expectState(admin, 'Removed');
  await expect(admin.getByRole('status').filter({ hasText: `…${lastFour} is revoked. env:PLATFORMSH_CLI_TOKEN deleted on 2 of 2 environments.` })).toContainText('Still to do: Delete the token');
  const simulatorUrl = sandboxSimulatorUrl(server);
  expect(await isAlive(request, simulatorUrl, token)).toBe(true);

  // Removed, with its token still alive on Platform.sh: the page offers to finish (after a reload too).
  await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
  const finish = admin.getByRole('region', { name: 'Finish offboarding' });
  await expect(finish).toContainText('Removed, but a token is still to revoke on Platform.sh.');
  await finish.getByRole('button', { name: 'Finish offboarding' }).click();
  const finishDialog = admin.getByRole('dialog', { name: `Finish offboarding ${machineUser.email}?` });
  await expect(finishDialog).toContainText(`…${lastFour} (revoked): delete the token on Platform.sh`);
  await finishDialog.getByLabel('A live token of this machine user (optional)').fill(token);
  await finishDialog.getByLabel(`Type ${machineUser.email} to confirm`).fill(machineUser.email);
  await finishDialog.getByRole('button', { name: 'Finish offboarding' }).click();
  await expect(finishDialog).toBeHidden({ timeout: 30_000 });
  await expect(admin.getByRole('heading', { name: 'Removed', level: 2 })).toBeVisible();
  await expect(admin.getByRole('status').filter({ hasText: `…${lastFour} is revoked. The token is deleted on Platform.sh.` })).toBeVisible();
  expect(await isAlive(request, simulatorUrl, token)).toBe(false);
  await expect(pageSection(admin, 'Tokens').getByRole('region', { name: 'Tokens table' })).toContainText('revoked');
});
