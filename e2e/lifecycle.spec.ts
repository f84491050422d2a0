// Lifecycle holes and interface polish of issue 14, end to end in sandbox mode: the record form
// flags a variable Keywarden did not push before anything is verified (14.6); the compromise dialog
// warns about production, shows only its outcome once it acted, and a revocation left open can be
// retried from it (14.7); the token and wizard forms bound and explain their inputs (14.8).
//
// Specs share one server and run in parallel (see e2e/tokens.spec.ts's header). Each test has a demo
// project no other spec pushes to: Checkout API's hand-set production variable is only looked at
// here (nothing is pushed to it: projects.spec counts its inherited copies); Search service's
// production gets a token and loses it again (a11y.spec only seeds machine users there, and
// projects.spec leaves every project but Legacy CMS free to hold a token on production).
import type { Locator, Page } from '@playwright/test';
import { acceptInSandbox, demoProject, emailField, nextStep, openMachineUserInteractive, openWizard, pageSection, seedMachineUser, sendInvitationButton, stepHeading } from './support/machine-users';
import { tokenFromConsoleLink } from './support/sandbox';
import { expect, test, uniqueEmail } from './support/test';

/** Its `main` holds an inheritable env:PLATFORMSH_CLI_TOKEN set by hand; staging and four branches inherit it. */
const HAND_SET = demoProject('Checkout API');
const OWN_PROJECT = demoProject('Search service');
const CLI_TOKEN_VARIABLE = 'env:PLATFORMSH_CLI_TOKEN';

function environmentsOf(tokens: Locator): Locator {
  return tokens.getByRole('group', { name: /Push to these environments/ });
}

/** The text an element's aria-describedby points to. */
async function descriptionOf(page: Page, element: Locator): Promise<string> {
  const ids = (await element.getAttribute('aria-describedby')) ?? '';
  expect(ids).not.toBe('');
  const texts = await Promise.all(ids.split(' ').map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

test('the record form flags a variable Keywarden did not push before verifying, names the inherited copies, and keeps the token (issue 14.6)', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: HAND_SET, purpose: 'source_operations', email: uniqueEmail('lifecycle-foreign') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);
  await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
  const tokens = pageSection(admin, 'Tokens');
  const environments = environmentsOf(tokens);
  // Unchecking a flagged environment takes its "Replace" box away: uncheck until nothing is checked.
  const checked = environments.getByRole('checkbox', { checked: true });
  while ((await checked.count()) > 0) await checked.first().uncheck();

  // Flagged on the list, from the inventory, before anything is chosen or verified.
  const main = environments.getByRole('checkbox', { name: 'main', exact: true });
  const flag = await descriptionOf(admin, main);
  expect(flag).toContain(`Holds an ${CLI_TOKEN_VARIABLE} that Keywarden did not push`);
  expect(flag).toContain('Inheritable: replacing it removes the copy that feature-cart, feature-search, fix-login, hotfix-vat, staging inherit now.');
  const staging = environments.getByRole('checkbox', { name: 'staging', exact: true });
  expect(await staging.getAttribute('aria-describedby')).toBeNull();

  // Chosen: the question comes next to it at once.
  const replace = environments.getByRole('checkbox', { name: `Replace the ${CLI_TOKEN_VARIABLE} on main` });
  await expect(replace).toHaveCount(0);
  await main.check();
  await expect(replace).toBeVisible();
  await expect(replace).not.toBeChecked();

  // Not answered: nothing is sent (no verification, no push), and the pasted token stays in its field.
  const token = await tokenFromConsoleLink(admin);
  const field = tokens.getByLabel('API token', { exact: true });
  await field.fill(token);
  await tokens.getByRole('button', { name: 'Verify and push' }).click();
  await expect(tokens.getByRole('alert')).toContainText('main already has an env:PLATFORMSH_CLI_TOKEN that Keywarden did not push: tick “Replace” next to it, or leave it out.');
  await expect(field).toHaveValue(token);
  await expect(tokens).toContainText('No API token is recorded for this machine user yet.');
  await expect(tokens.getByText(/^Last push:/)).toHaveCount(0);

  // Left out, the question goes with it; the other environments never asked.
  await main.uncheck();
  await expect(replace).toHaveCount(0);
  await field.fill('');
});

test('the compromise dialog warns that production loses its token, then shows only the outcome, and an open revocation is retried from it (issue 14.7)', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: OWN_PROJECT, purpose: 'backups', email: uniqueEmail('lifecycle-compromise') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);
  await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
  const tokens = pageSection(admin, 'Tokens');
  const token = await tokenFromConsoleLink(admin);
  const lastFour = token.slice(-4);
  // Backups: production (main) is pre-selected; staging too.
  await tokens.getByLabel('API token', { exact: true }).fill(token);
  await expect(environmentsOf(tokens).getByRole('checkbox', { name: 'main', exact: true })).toBeChecked();
  await environmentsOf(tokens).getByRole('checkbox', { name: 'staging', exact: true }).check();
  await tokens.getByRole('button', { name: 'Verify and push' }).click();
  await expect(tokens.getByRole('status').filter({ hasText: 'The token is set on all 2 environments' })).toBeVisible({ timeout: 30_000 });

  const controls = tokens.getByRole('region', { name: `Token …${lastFour}` });
  await controls.getByRole('button', { name: `Mark …${lastFour} compromised` }).click();
  const dialog = admin.getByRole('dialog', { name: `Revoke …${lastFour} as compromised?` });
  // Warned before it happens.
  await expect(dialog.getByRole('note')).toHaveText(`Production will have no token: main loses its ${CLI_TOKEN_VARIABLE}, and its cron fails until a new token is pushed there.`);
  // Unticking the deletion takes the warning away.
  await dialog.getByRole('checkbox', { name: /^Delete env:PLATFORMSH_CLI_TOKEN on main, staging/ }).uncheck();
  await expect(dialog.getByRole('note')).toHaveCount(0);
  await dialog.getByRole('checkbox', { name: /^Delete env:PLATFORMSH_CLI_TOKEN on main, staging/ }).check();

  // Acted without a live token: the outcome alone, not the plan that no longer applies; the deletion on Platform.sh can be retried here.
  await dialog.getByRole('button', { name: 'Revoke as compromised' }).click();
  const outcome = dialog.getByRole('status');
  await expect(outcome).toContainText(`…${lastFour} is marked compromised. ${CLI_TOKEN_VARIABLE} deleted on 2 of 2 environments.`, { timeout: 30_000 });
  await expect(dialog).not.toContainText('The plan');
  await expect(dialog).not.toContainText('on no environment');
  await expect(dialog.getByRole('checkbox')).toHaveCount(0);
  await expect(dialog.getByRole('note')).toHaveCount(0);
  const retry = dialog.getByRole('button', { name: 'Try again' });
  await expect(retry).toBeVisible();
  await dialog.getByLabel('A live token of this machine user (optional)').fill(token);
  await retry.click();
  // Nothing left to do: the control and its dialog go, the outcome stays beside the token.
  await expect(controls.getByRole('button', { name: `Finish revoking …${lastFour}` })).toHaveCount(0, { timeout: 30_000 });
  await expect(dialog).toHaveCount(0);
  await expect(controls.getByRole('status')).toHaveText(`…${lastFour} is marked compromised. The token is deleted on Platform.sh.`);
  // The dialog went with its button: the focus is on the outcome, not back at the top of the page.
  await expect(controls.getByLabel(`Outcome for …${lastFour}`)).toBeFocused();
});

test('the record form bounds its inputs, offers no rotate-by date before tomorrow, and says why its button is disabled (issue 14.8)', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: OWN_PROJECT, purpose: 'ci_tests', email: uniqueEmail('lifecycle-inputs') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);
  await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
  const tokens = pageSection(admin, 'Tokens');

  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await expect(tokens.getByLabel('Rotate by')).toHaveAttribute('min', tomorrow);
  await expect(tokens.getByLabel('Name', { exact: true })).toHaveAttribute('maxlength', '100');
  await expect(tokens.getByLabel('API token', { exact: true })).toHaveAttribute('maxlength', '512');
  // An admin chooses how the deployment token is made; the hint says what each choice does, not only minting.
  await expect(tokens.getByLabel('Deployment token')).toHaveAccessibleDescription(/^Mint a fresh token: Keywarden uses the pasted token once.*Push the pasted token: the token you paste is the one that runs there\.$/);

  // CI tests: nothing pre-selected, so the button is disabled, and says why.
  const push = tokens.getByRole('button', { name: 'Verify and push' });
  await expect(push).toBeDisabled();
  expect(await descriptionOf(admin, push)).toBe('Choose at least one environment.');
  await environmentsOf(tokens).getByRole('checkbox', { name: 'staging', exact: true }).check();
  await expect(push).toBeEnabled();
  expect(await push.getAttribute('aria-describedby')).toBeNull();
});

test('a wizard error found at Review sends the person to the step that holds it, the field focused and highlighted (issue 14.8)', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  // An address the E-mail step accepted, which another admin gives a machine user of this project
  // before this one sends: only the server can find that. The person is sent back to the E-mail
  // step, with the field highlighted and focused.
  const address = uniqueEmail('bots+lifecycle-taken');
  await openWizard(admin, OWN_PROJECT.id);
  await admin.getByRole('radio', { name: /^Certificate renewal/ }).check();
  await nextStep(admin, 'E-mail');
  await emailField(admin).fill(address);
  await nextStep(admin, 'Roles');
  await nextStep(admin, 'Owners');
  await nextStep(admin, 'Review');
  await seedMachineUser(await pageAs('admin'), await newApiClient({ as: 'admin' }), { project: OWN_PROJECT, purpose: 'backups', email: address });
  await sendInvitationButton(admin).click();
  await expect(stepHeading(admin, 'E-mail')).toBeVisible();
  await expect(emailField(admin)).toBeFocused();
  await expect(emailField(admin)).toHaveAttribute('aria-invalid', 'true');
  await expect(admin.getByText('Already used on this project.')).toBeVisible();
  await expect(emailField(admin)).toHaveAttribute('maxlength', '254');
});
