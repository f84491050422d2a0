// Accessibility: axe (WCAG 2.0/2.1 A and AA) on every page, on the Users page's dialogs, on the
// onboarding wizard's steps and on a machine user's page and dialogs, in the light and the dark
// theme, with no serious or critical violation allowed; and the sign-in form completed with the keyboard only.
// The valid first-run set-up page is checked by first-run.spec.ts (it exists only once per run).
import type { Page } from '@playwright/test';
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import { DEMO_HAND_SET_TOKEN_PROJECT_ID } from '@/lib/platformsh/simulator';
import { expectNoSeriousA11yViolations } from './support/axe';
import { createCampaignInUi, openCampaign, uniqueCampaignName } from './support/campaigns';
import {
  DASHBOARD_EMAIL,
  demoProject,
  emailField,
  expectState,
  nextStep,
  openMachineUserInteractive,
  openWizard,
  seedMachineUser,
  stepHeading,
} from './support/machine-users';
import type { AccountRole } from './support/paths';
import { inviteByAction, seedUser } from './support/seed';
import { expect, test, uniqueEmail, waitForHydration } from './support/test';
import { findUserRow } from './support/users-page';

const INVALID_TOKEN = 'x'.repeat(43);

const DASHBOARD_PAGES: { path: string; heading: string }[] = [
  { path: '/', heading: 'Overview' },
  { path: '/projects', heading: 'Projects' },
  { path: `/projects/${DEMO_HAND_SET_TOKEN_PROJECT_ID}`, heading: 'Checkout API' },
  { path: `/projects/${DEMO_HAND_SET_TOKEN_PROJECT_ID}/onboarding`, heading: 'Onboarding kit' },
  { path: '/machine-users', heading: 'Machine users' },
  { path: '/machine-users/new', heading: 'Onboard a machine user' },
  { path: '/tokens', heading: 'Tokens' },
  { path: '/review', heading: 'Findings' },
  { path: '/review/policy', heading: 'Policy' },
  { path: '/review/inventory', heading: 'Inventory' },
  { path: '/review/campaigns', heading: 'Access reviews' },
  { path: '/settings', heading: 'Settings' },
  { path: '/settings/api-keys', heading: 'API keys' },
  { path: '/settings/jobs', heading: 'Jobs' },
  { path: '/settings/notifications', heading: 'Notification settings' },
  { path: '/settings/mailbox', heading: 'Mailbox' },
  { path: '/settings/webhooks', heading: 'Webhooks' },
  { path: '/notifications', heading: 'Notifications' },
  { path: '/api/docs', heading: 'API reference' },
  { path: '/audit', heading: 'Audit' },
  { path: '/users', heading: 'Users' },
  { path: '/account', heading: 'Account' },
  { path: '/users/sessions', heading: 'Sessions' },
  { path: '/account/security', heading: 'Account security' },
  { path: '/incidents', heading: 'Incident response' },
];

async function checkPage(page: Page, path: string, heading: string, label: string): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
  await expectNoSeriousA11yViolations(page, label);
}

test.describe('pages without a session', () => {
  test('sign-in page, empty and with an error', async ({ page }) => {
    await checkPage(page, '/sign-in', 'Sign in', '/sign-in');
    await waitForHydration(page);
    await page.getByLabel('E-mail').fill(uniqueEmail('nobody'));
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toBeVisible();
    await expectNoSeriousA11yViolations(page, '/sign-in with an error');
  });

  test('unsubscribe page for a link that cannot be used', async ({ page }) => {
    await checkPage(page, '/unsubscribe/not-a-signed-link', 'This link cannot be used', '/unsubscribe/<invalid>');
  });

  test('set-up link page for a spent or unknown link', async ({ page }) => {
    await checkPage(page, `/setup/${INVALID_TOKEN}`, 'Set-up link not valid', '/setup/<invalid>');
  });

  test('invitation page, valid and not valid', async ({ page, newApiClient }) => {
    const link = await inviteByAction(await newApiClient({ as: 'admin' }), { email: uniqueEmail('a11y-invitee'), role: 'reviewer' });
    await checkPage(page, new URL(link.url).pathname, 'Join Keywarden', '/invite/<valid>');
    // With validation errors shown next to the fields.
    await waitForHydration(page);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Repeat the password').fill('different');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(page.getByText('Use at least 12 characters.')).toBeVisible();
    await expectNoSeriousA11yViolations(page, '/invite/<valid> with field errors');
    await checkPage(page, `/invite/${INVALID_TOKEN}`, 'Invitation not valid', '/invite/<invalid>');
  });
});

test.describe('dashboard pages as admin', () => {
  for (const { path, heading } of DASHBOARD_PAGES) {
    test(`${path} (admin)`, async ({ pageAs }) => {
      await checkPage(await pageAs('admin'), path, heading, `${path} as admin`);
    });
  }
});

// The same pages in the dark theme (the system's colour scheme): contrast is checked again.
test.describe('pages in the dark theme', () => {
  test('sign-in page (dark)', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkPage(page, '/sign-in', 'Sign in', '/sign-in (dark)');
  });
  test('a missing page (dark)', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    await admin.emulateMedia({ colorScheme: 'dark' });
    await checkPage(admin, '/no-such-page', 'Page not found', '404 (dark)');
  });
  for (const { path, heading } of DASHBOARD_PAGES) {
    test(`${path} (admin, dark)`, async ({ pageAs }) => {
      const admin = await pageAs('admin');
      await admin.emulateMedia({ colorScheme: 'dark' });
      await checkPage(admin, path, heading, `${path} as admin (dark)`);
    });
  }
  test('the invite dialog (dark)', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    await admin.emulateMedia({ colorScheme: 'dark' });
    await admin.goto('/users');
    await waitForHydration(admin, 'main button');
    await admin.getByRole('button', { name: 'Invite user' }).click();
    await expect(admin.getByRole('dialog', { name: 'Invite a user' })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the invite dialog (dark)');
  });
  test('the wizard’s Roles step and a machine user’s page (dark)', async ({ pageAs, newApiClient }) => {
    const admin = await pageAs('admin');
    await admin.emulateMedia({ colorScheme: 'dark' });
    await openWizard(admin, demoProject('Search service').id);
    await admin.getByRole('radio', { name: /^Backups/ }).check();
    await nextStep(admin, 'E-mail');
    await emailField(admin).fill(uniqueEmail('bots+a11y-dark'));
    await nextStep(admin, 'Roles');
    await expectNoSeriousA11yViolations(admin, 'the wizard’s Roles step (dark)');
    const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: demoProject('Search service'), purpose: 'backups', email: uniqueEmail('bots+a11y-dark-page') });
    await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
    await expectNoSeriousA11yViolations(admin, 'a machine user’s page (dark)');
    await admin.getByRole('button', { name: 'Cancel invitation' }).click();
    await expect(admin.getByRole('dialog', { name: `Cancel the invitation to ${machineUser.email}?` })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the Cancel invitation confirmation (dark)');
  });
});

test.describe('pages as the other roles', () => {
  const cases: { role: AccountRole; path: string; heading: string }[] = [
    { role: 'reviewer', path: '/users', heading: 'Users' },
    { role: 'reviewer', path: '/audit', heading: 'Audit' },
    { role: 'reviewer', path: '/review/campaigns', heading: 'Access reviews' },
    { role: 'onboarder', path: '/review/campaigns', heading: 'Access reviews' },
    { role: 'onboarder', path: '/users', heading: 'Users' },
    { role: 'onboarder', path: '/', heading: 'Overview' },
    { role: 'reviewer', path: '/machine-users', heading: 'Machine users' },
    { role: 'onboarder', path: '/machine-users', heading: 'Machine users' },
    { role: 'onboarder', path: '/machine-users/new', heading: 'Onboard a machine user' },
    { role: 'reviewer', path: '/review', heading: 'Findings' },
    { role: 'reviewer', path: '/review/policy', heading: 'Policy' },
    { role: 'onboarder', path: '/settings/notifications', heading: 'Notification settings' },
    { role: 'reviewer', path: '/settings/mailbox', heading: 'Mailbox' },
    { role: 'reviewer', path: '/incidents', heading: 'Incident response' },
    { role: 'onboarder', path: '/incidents', heading: 'Incident response' },
  ];
  for (const { role, path, heading } of cases) {
    test(`${path} (${role})`, async ({ pageAs }) => {
      await checkPage(await pageAs(role), path, heading, `${path} as ${role}`);
    });
  }
});

test.describe('the review area', () => {
  test('the accept-risk dialog, and the Policy page with a preview', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    // Opened, never confirmed: the findings stay as they are for the other specs.
    await admin.goto('/review?rule=token.past_rotate_by');
    await waitForHydration(admin, 'main button');
    await admin.getByRole('button', { name: /^Accept the risk: / }).first().click();
    await expect(admin.getByRole('dialog', { name: /^Accept the risk: / })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the accept-risk dialog');
    await admin.goto('/review/policy?rotationMaxAgeDays=365&unusedDays=30&neverUsedDays=14&pendingInvitationDays=7&acceptRiskMaxDays=90&allowHumanAdminOnProduction=false');
    await expect(admin.getByRole('region', { name: 'Preview: what saving would change' })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the Policy page with a preview');
  });
});

test.describe('access reviews', () => {
  test('a campaign’s page: the reviewer’s decision forms, the admin’s tasks and close form, light and dark', async ({ pageAs, newApiClient }) => {
    const admin = await pageAs('admin');
    const project = demoProject('Search service');
    // At least one item, owned by the admin: the reviewer may sign it off, the admin may not.
    await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project, purpose: 'backups', email: uniqueEmail('bots+a11y-campaign') });
    const name = uniqueCampaignName('A11y review');
    const id = await createCampaignInUi(admin, { name, project });
    const reviewer = await pageAs('reviewer');
    await openCampaign(reviewer, id, 'undecided');
    await expect(reviewer.getByRole('form', { name: /^Decision for / }).first()).toBeVisible();
    await expectNoSeriousA11yViolations(reviewer, 'a campaign’s page as reviewer');
    await openCampaign(admin, id, 'all');
    await expect(admin.getByRole('form', { name: `Close ${name}` })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'a campaign’s page as admin');
    await admin.emulateMedia({ colorScheme: 'dark' });
    await expectNoSeriousA11yViolations(admin, 'a campaign’s page as admin (dark)');
  });
});

test.describe('dialogs on the Users page', () => {
  test('the invite dialog, its project list, and the invitation link it shows', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    await admin.goto('/users');
    await waitForHydration(admin, 'main button');
    await admin.getByRole('button', { name: 'Invite user' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Invite a user' });
    await expect(dialog).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the invite dialog');

    await dialog.getByLabel('Role').selectOption('onboarder');
    await expect(dialog.getByRole('checkbox')).toHaveCount(DEMO_PROJECTS.length);
    // A submission with errors: the field messages must be announced and associated.
    await dialog.getByLabel('E-mail').fill('not-an-address');
    await dialog.getByRole('button', { name: 'Create invitation' }).click();
    await expect(dialog.getByText('Enter a valid e-mail address.')).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the invite dialog (onboarder, with errors)');

    await dialog.getByLabel('E-mail').fill(uniqueEmail('a11y-dialog'));
    await dialog.getByRole('button', { name: 'Create invitation' }).click();
    await expect(dialog.getByLabel('Invitation link')).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the invitation link panel');
  });

  test('the change-role and disable confirmations', async ({ pageAs, newApiClient, baseURL }) => {
    const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '' });
    const admin = await pageAs('admin');
    let { row } = await findUserRow(admin, user.email, { interactive: true });
    await row.getByRole('button', { name: `Change role of ${user.email}` }).click();
    const roleDialog = admin.getByRole('dialog', { name: `Change role of ${user.email}` });
    await roleDialog.getByLabel('New role').selectOption('onboarder');
    await expectNoSeriousA11yViolations(admin, 'the change-role dialog');
    await roleDialog.getByRole('button', { name: 'Cancel' }).click();

    ({ row } = await findUserRow(admin, user.email, { interactive: true }));
    await row.getByRole('button', { name: `Disable ${user.email}` }).click();
    await expect(admin.getByRole('dialog', { name: `Disable ${user.email}?` })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the disable confirmation');
  });
});

test.describe('machine users', () => {
  // Search service: a demo project no other spec changes.
  const searchService = demoProject('Search service');

  test('the onboarding wizard’s steps: Purpose, E-mail with an error, Roles, Review', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    await openWizard(admin, searchService.id);
    await expect(stepHeading(admin, 'Purpose')).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the wizard’s Purpose step');
    await admin.getByRole('radio', { name: /^Backups/ }).check();
    await nextStep(admin, 'E-mail');
    await emailField(admin).fill(DASHBOARD_EMAIL);
    await admin.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(admin.getByRole('region', { name: /^Step 3 of 6/ }).getByRole('alert')).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the wizard’s E-mail step with an error');
    await emailField(admin).fill(uniqueEmail('bots+a11y'));
    await nextStep(admin, 'Roles');
    await expect(admin.getByRole('status').filter({ hasText: 'above viewer' })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the wizard’s Roles step');
    // A project admin: the environment roles are implied (disabled), with the admin warning.
    await admin.getByRole('radio', { name: /^Admin/ }).check();
    await expect(admin.getByLabel('production')).toBeDisabled();
    await expectNoSeriousA11yViolations(admin, 'the wizard’s Roles step (project admin)');
    await admin.getByRole('radio', { name: /^Viewer/ }).check();
    await nextStep(admin, 'Owners');
    await expectNoSeriousA11yViolations(admin, 'the wizard’s Owners step');
    await nextStep(admin, 'Review');
    await expect(admin.getByRole('button', { name: 'Send invitation' })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the wizard’s Review step');
  });

  test('a machine user’s page, its Change roles and Remove dialogs, and the removed state', async ({ pageAs, newApiClient }) => {
    const admin = await pageAs('admin');
    const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: searchService, purpose: 'backups', email: uniqueEmail('bots+a11y-page') });
    await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
    await expectState(admin, 'Invitation pending');
    await expectNoSeriousA11yViolations(admin, 'a machine user’s page (invitation pending)');

    await admin.getByRole('button', { name: 'Change roles' }).click();
    const rolesDialog = admin.getByRole('dialog', { name: `Change the roles of ${machineUser.email}` });
    await rolesDialog.getByLabel('staging').selectOption('viewer');
    await expect(rolesDialog.getByRole('region', { name: 'Preview of the change' }).getByRole('listitem')).toHaveText(['staging: none → viewer']);
    await expectNoSeriousA11yViolations(admin, 'the Change roles dialog with a preview');
    await rolesDialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(rolesDialog).toBeHidden();

    await admin.getByRole('button', { name: 'Cancel invitation' }).click();
    await expect(admin.getByRole('dialog', { name: `Cancel the invitation to ${machineUser.email}?` })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, 'the Cancel invitation confirmation');
    await admin.keyboard.press('Escape');

    await admin.getByRole('button', { name: 'Remove machine user' }).click();
    const removeDialog = admin.getByRole('dialog', { name: `Remove ${machineUser.email}?` });
    await expect(removeDialog.getByRole('button', { name: 'Remove machine user' })).toBeDisabled();
    await expectNoSeriousA11yViolations(admin, 'the Remove dialog');
    await removeDialog.getByLabel(`Type ${machineUser.email} to confirm`).fill(machineUser.email);
    await removeDialog.getByRole('button', { name: 'Remove machine user' }).click();
    await expect(removeDialog).toBeHidden();
    await expectState(admin, 'Removed');
    await expectNoSeriousA11yViolations(admin, 'a machine user’s page (removed)');
  });
});

test.describe('keyboard only', () => {
  test('the sign-in form can be completed with Tab and Enter', async ({ page, newApiClient, baseURL }) => {
    const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '' });
    await page.goto('/sign-in');
    await waitForHydration(page);
    const email = page.getByLabel('E-mail');
    // The field has focus on arrival; otherwise it must be reachable with Tab.
    for (let presses = 0; presses < 10 && !(await email.evaluate((element) => element === document.activeElement)); presses += 1) {
      await page.keyboard.press('Tab');
    }
    await expect(email).toBeFocused();
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Password')).toBeFocused();
    await page.keyboard.type(user.password);
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(`${baseURL}/`);
    await expect(page.getByRole('banner')).toContainText(user.email);
  });

  test('the invite dialog opens with Enter, closes with Escape, and gives focus back', async ({ pageAs }) => {
    const admin = await pageAs('admin');
    await admin.goto('/users');
    await waitForHydration(admin, 'main button');
    const invite = admin.getByRole('button', { name: 'Invite user' });
    await invite.focus();
    await admin.keyboard.press('Enter');
    const dialog = admin.getByRole('dialog', { name: 'Invite a user' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('E-mail')).toBeFocused();
    await admin.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(invite).toBeFocused();
  });
});
