// Drift (issue 15 §3) in sandbox mode: an admin makes a machine user project admin behind
// Keywarden's back with the sandbox control, a sync sees it, /review shows the role-drift finding
// with both sides; a reviewer sees the same finding with no way to act on it; the admin re-applies
// the approved roles, the finding resolves at once and stays resolved after the next sync.
//
// Docs: several specs add machine users there (with override reasons); none counts its findings.
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/axe';
import { acceptInSandbox, demoProject, openMachineUserInteractive, pageSection, seedMachineUser } from './support/machine-users';
import { expect, test, uniqueEmail, waitForHydration } from './support/test';

const docs = demoProject('Docs');
const cards = (page: Page) => page.getByRole('list', { name: 'Findings' }).getByRole('article');

/** "Sync now" on the Projects page, waiting until the run is over (another spec's run may be under way first). */
async function syncNow(admin: Page): Promise<void> {
  await admin.goto('/projects');
  await waitForHydration(admin, 'main button');
  const panel = admin.getByRole('region', { name: /Inventory sync/ });
  const button = panel.getByRole('button', { name: 'Sync now' });
  await expect(button).toBeEnabled({ timeout: 60_000 });
  await button.click();
  await expect(panel.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 60_000 });
}

test('role drift: made in the sandbox, shown with both sides after a sync, re-applied by an admin; a reviewer only sees it', async ({ pageAs, newApiClient }) => {
  test.setTimeout(240_000);
  const admin = await pageAs('admin');
  const email = uniqueEmail('bots+drift-roles');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: docs, purpose: 'backups', email });
  await acceptInSandbox(admin, machineUser.id, email);

  // Someone makes it project admin in the Console.
  const roles = pageSection(admin, 'Invitation and access');
  await roles.getByText('Sandbox: change Platform.sh behind Keywarden’s back').click();
  await roles.getByLabel('Change in the simulator’s Console').selectOption({ label: 'Make it project admin' });
  await roles.getByRole('button', { name: 'Make this change' }).click();
  await expect(roles.getByRole('status').filter({ hasText: 'Its access on Platform.sh is now project admin.' })).toBeVisible();

  // The next sync sees it: the finding has both sides, each with its time.
  const url = `/review?rule=drift.roles&project=${docs.id}`;
  const card = cards(admin).filter({ hasText: email });
  await expect(async () => {
    await syncNow(admin);
    await admin.goto(url);
    await expect(card).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 180_000 });
  const differences = card.getByRole('list', { name: 'Differences between Keywarden and Platform.sh' });
  await expect(differences).toContainText('Keywarden approved: viewer; production: admin');
  await expect(differences).toContainText('Platform.sh has: admin');
  await expect(differences).toContainText(/Recorded .*Seen by the sync of /s);
  await expectNoSeriousA11yViolations(admin, 'a role-drift finding with both sides');

  // A reviewer sees the same, and nothing to press.
  const reviewer = await pageAs('reviewer');
  await reviewer.goto(url);
  const seen = cards(reviewer).filter({ hasText: email });
  await expect(seen).toContainText('Platform.sh has: admin');
  await expect(seen.getByRole('button')).toHaveCount(0);

  // The machine user's page says it too.
  await openMachineUserInteractive(admin, machineUser.id, email);
  await expect(pageSection(admin, 'Roles')).toContainText('Keywarden approved: viewer; production: admin — Platform.sh has: admin');
  await expect(pageSection(admin, 'Roles').getByRole('button', { name: `Re-apply the approved roles of ${email}` })).toBeVisible();
  await expectNoSeriousA11yViolations(admin, 'a machine user’s page with role drift');

  // The admin re-applies from the finding: confirmed first, then gone from the open list.
  await admin.goto(url);
  await waitForHydration(admin, 'main button');
  await card.getByRole('button', { name: `Re-apply the approved roles of ${email}` }).click();
  const dialog = admin.getByRole('dialog', { name: `Re-apply the approved roles of ${email}?` });
  await expect(dialog).toContainText('Keywarden approved: viewer; production: admin — Platform.sh has: admin');
  await expectNoSeriousA11yViolations(admin, 'the re-apply dialog');
  await dialog.getByRole('button', { name: 'Re-apply on Platform.sh' }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toHaveCount(0);

  // The next sync agrees: resolved, and the machine user's page shows no difference.
  await syncNow(admin);
  await admin.goto(`${url}&status=resolved`);
  await expect(card).toContainText('Resolved');
  await openMachineUserInteractive(admin, machineUser.id, email);
  await expect(pageSection(admin, 'Roles')).not.toContainText('Platform.sh has:');
  await expect(pageSection(admin, 'Roles')).toContainText('Project viewer; production: admin');
});
