// Accessibility: axe (WCAG 2.0/2.1 A and AA) on every page and on the Users page's dialogs, with
// no serious or critical violation allowed; and the sign-in form completed with the keyboard only.
// The valid first-run set-up page is checked by first-run.spec.ts (it exists only once per run).
import type { Page } from '@playwright/test';
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import { expectNoSeriousA11yViolations } from './support/axe';
import type { AccountRole } from './support/paths';
import { inviteByAction, seedUser } from './support/seed';
import { expect, test, uniqueEmail, waitForHydration } from './support/test';
import { findUserRow } from './support/users-page';

const INVALID_TOKEN = 'x'.repeat(43);

const DASHBOARD_PAGES: { path: string; heading: string }[] = [
  { path: '/', heading: 'Overview' },
  { path: '/projects', heading: 'Projects' },
  { path: '/machine-users', heading: 'Machine users' },
  { path: '/tokens', heading: 'Tokens' },
  { path: '/review', heading: 'Review' },
  { path: '/settings', heading: 'Settings' },
  { path: '/audit', heading: 'Audit' },
  { path: '/users', heading: 'Users' },
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

test.describe('pages as the other roles', () => {
  const cases: { role: AccountRole; path: string; heading: string }[] = [
    { role: 'reviewer', path: '/users', heading: 'Users' },
    { role: 'reviewer', path: '/audit', heading: 'Audit' },
    { role: 'onboarder', path: '/users', heading: 'Users' },
    { role: 'onboarder', path: '/', heading: 'Overview' },
  ];
  for (const { role, path, heading } of cases) {
    test(`${path} (${role})`, async ({ pageAs }) => {
      await checkPage(await pageAs(role), path, heading, `${path} as ${role}`);
    });
  }
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
