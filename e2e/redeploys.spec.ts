// Following the redeploy a push starts (issue 20 §2), in sandbox mode: with the simulator's "make
// redeploys fail" switch on, a push succeeds, its environment's redeploy fails on the simulated
// Platform.sh, and Keywarden's background job follows it until the step says so — with the Console's
// activity log — on the machine user's page and as a high finding. The push goes to Internal
// tools' feature-pwa: no other spec pushes to that project (machine-users.spec only invites there;
// the REST API scripts, after the others, pick environments still free); the switch is turned off
// again at the end, so that later pushes there redeploy normally. Then the token is marked compromised:
// deleting its variable redeploys too, and that redeploy's failure shows on the revocation's step.
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/axe';
import { acceptInSandbox, demoProject, openMachineUserInteractive, pageSection, seedMachineUser } from './support/machine-users';
import { tokenFromConsoleLink } from './support/sandbox';
import { expect, test, uniqueEmail } from './support/test';

const INTERNAL_TOOLS = demoProject('Internal tools');
const ENVIRONMENT = 'feature-pwa';

const redeploySwitch = (page: Page) => pageSection(page, 'Tokens').locator('details').filter({ hasText: 'Sandbox: make the project’s redeploys fail' });

async function setRedeploysFail(page: Page, fail: boolean): Promise<void> {
  const panel = redeploySwitch(page);
  if (!(await panel.evaluate((details: HTMLDetailsElement) => details.open))) await panel.locator('summary').click();
  await panel.getByRole('button', { name: fail ? 'Make redeploys fail' : 'Let redeploys succeed' }).click();
  await expect(panel.getByText(fail ? 'will fail' : 'will succeed again')).toBeVisible();
}

test('a push whose redeploy fails in the simulator shows the failure on its step, with the activity log', async ({ pageAs, newApiClient }) => {
  test.setTimeout(120_000);
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: INTERNAL_TOOLS, purpose: 'custom', email: uniqueEmail('redeploy') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);
  await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
  const tokens = pageSection(admin, 'Tokens');

  await setRedeploysFail(admin, true);
  try {
    const token = await tokenFromConsoleLink(admin);
    await tokens.getByLabel('API token', { exact: true }).fill(token);
    const environments = tokens.getByRole('group', { name: /Push to these environments/ });
    for (const box of await environments.getByRole('checkbox', { checked: true }).all()) await box.uncheck();
    await environments.getByRole('checkbox', { name: ENVIRONMENT, exact: true }).check();
    await tokens.getByRole('button', { name: 'Verify and push' }).click();
    await expect(tokens.getByRole('status').filter({ hasText: 'The token is set on the environment' })).toBeVisible({ timeout: 30_000 });
    await expect(tokens.getByRole('status').filter({ hasText: 'Its redeploy runs on Platform.sh; Keywarden follows it in the background' })).toBeVisible();

    // The push's step: the redeploy is followed in the background until the simulator fails it.
    const step = tokens.getByRole('region', { name: 'Push steps table' }).first().getByRole('row').filter({ hasText: ENVIRONMENT });
    await expect(step).toContainText('redeploy failed', { timeout: 60_000 });
    const log = step.getByRole('link', { name: /open the activity log on (Platform\.sh|Upsun)/ });
    await expect(log).toHaveAttribute('href', new RegExp(`^https://console\\.(platform\\.sh|upsun\\.com)/projects/${INTERNAL_TOOLS.id}/${ENVIRONMENT}/log/[^/]+$`));

    // The machine user's page, rendered again, says so on its last push.
    await admin.reload();
    await expect(tokens.getByRole('status').filter({ hasText: 'Redeploys: 1 failed.' })).toBeVisible();
    const lastPush = tokens.getByRole('region', { name: 'Push steps table' }).getByRole('row').filter({ hasText: ENVIRONMENT });
    await expect(lastPush).toContainText('redeploy failed');
    // The failed step and the open sandbox switch, in both themes.
    await redeploySwitch(admin).locator('summary').click();
    await expectNoSeriousA11yViolations(admin, 'a machine user’s page with a failed redeploy');
    await admin.emulateMedia({ colorScheme: 'dark' });
    await expectNoSeriousA11yViolations(admin, 'a machine user’s page with a failed redeploy (dark)');
    await admin.emulateMedia({ colorScheme: 'light' });

    // A failed redeploy is a high finding.
    await admin.goto('/review?rule=redeploy.failed');
    const finding = admin.getByRole('list', { name: 'Findings' }).getByRole('article').filter({ hasText: ENVIRONMENT }).filter({ hasText: INTERNAL_TOOLS.title });
    await expect(finding.first()).toContainText('Redeploy failed after a push');
    await expect(finding.first()).toContainText(/high/i);

    // Marking the token compromised deletes its variable, which redeploys too: followed the same way,
    // the failure shows on the revocation's step.
    await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
    const lastFour = token.slice(-4);
    await tokens.getByRole('region', { name: `Token …${lastFour}` }).getByRole('button', { name: `Mark …${lastFour} compromised` }).click();
    const dialog = admin.getByRole('dialog', { name: `Revoke …${lastFour} as compromised?` });
    await dialog.getByRole('button', { name: 'Revoke as compromised' }).click();
    await expect(dialog.getByRole('status')).toContainText('Keywarden follows them in the background', { timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await admin.reload();
    await expect(tokens.getByRole('status').filter({ hasText: `Last revocation: …${lastFour} deleted from 1 environment` })).toBeVisible();
    const deletion = tokens.getByRole('region', { name: 'Push steps table' }).getByRole('row').filter({ hasText: ENVIRONMENT });
    await expect(deletion).toContainText('Deleted');
    await expect(deletion).toContainText('redeploy failed', { timeout: 60_000 });
    await expect(deletion.getByRole('link', { name: /open the activity log on (Platform\.sh|Upsun)/ })).toBeVisible();
  } finally {
    await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
    await setRedeploysFail(admin, false);
  }
});
