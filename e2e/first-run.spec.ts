// First run, as an operator meets it: the server printed a one-time set-up link on stdout; it
// creates the first admin, signs them in (through the second-factor enrolment the default policy
// requires of admins), and works exactly once.
import fs from 'node:fs';
import path from 'node:path';
import { totpCodeAt } from '@/lib/auth/second-factor-crypto';
import { expectNoSeriousA11yViolations } from './support/axe';
import { paths } from './support/paths';
import { writeJson } from './support/server-state';
import { expect, test, uniquePassword, waitForHydration, type SharedAccounts } from './support/test';

const admin = { email: 'first-admin@e2e.keywarden.test', name: 'First Admin', password: uniquePassword() };

test.describe.configure({ mode: 'serial' });

test('the printed set-up link creates the first admin and signs them in', async ({ page, server, baseURL }) => {
  expect(server.setupUrl).toMatch(new RegExp(`^${baseURL}/setup/[A-Za-z0-9_-]{20,}$`));
  await page.goto(server.setupUrl);
  await expect(page.getByRole('heading', { name: 'Create the first admin' })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Sandbox mode' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'the set-up link page');
  await waitForHydration(page);

  // A validation error keeps the form and creates nobody.
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Name (optional)').fill(admin.name);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByLabel('Repeat the password').fill(`${admin.password}-typo`);
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await expect(page.getByText('The passwords do not match.')).toBeVisible();
  await expect(page).toHaveURL(server.setupUrl);

  await page.getByLabel('Repeat the password').fill(admin.password);
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  // The organisation's policy requires a second factor for admins by default: the new admin sets
  // one up before any page (issue 20).
  await expect(page).toHaveURL(`${baseURL}/sign-in/enrol`);
  await expect(page.getByRole('heading', { name: 'Set up a second factor' })).toBeVisible();
  await page.goto('/machine-users');
  await expect(page).toHaveURL(`${baseURL}/sign-in/enrol?callbackUrl=%2Fmachine-users`);
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const secret = (await page.getByLabel('Secret key for manual entry').innerText()).replace(/\s/g, '');
  await expectNoSeriousA11yViolations(page, 'the enrolment step');
  await page.getByLabel('Code from the app').fill(totpCodeAt(secret, new Date()));
  await page.getByRole('button', { name: 'Confirm' }).click();
  const recoveryCodeItems = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(recoveryCodeItems).toHaveCount(10);
  const recoveryCodes = await recoveryCodeItems.allInnerTexts();
  await page.getByRole('link', { name: 'Continue to Keywarden' }).click();
  await expect(page).toHaveURL(`${baseURL}/machine-users`);
  const header = page.getByRole('banner');
  await expect(header).toContainText(admin.email);
  await expect(header.getByText('admin', { exact: true })).toBeVisible();

  // The e2e organisation then turns the requirement off, as one that has not rolled out second
  // factors yet would: the other specs sign in seeded admins with a password alone. mfa.spec.ts
  // covers second factors themselves. The first admin removes theirs (re-authenticating) so that
  // every spec meets a plain admin account.
  await page.goto('/settings');
  await page.getByRole('link', { name: /^Account security/ }).click();
  await expect(page.getByRole('heading', { name: 'Account security', level: 1 })).toBeVisible();
  await waitForHydration(page, 'main button');
  await page.getByRole('radio', { name: 'No one' }).check();
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByText('Saved: No one.')).toBeVisible();
  await page.getByText('Remove the authenticator app').click();
  const remove = page.getByRole('form', { name: 'Remove Authenticator app' });
  await remove.getByLabel('Current password').fill(admin.password);
  await remove.getByLabel('Code from the app, or a recovery code').fill(recoveryCodes[0]!);
  await remove.getByRole('button', { name: 'Remove authenticator app' }).click();
  // Gone: the page says so and offers to set one up again.
  await expect(page.getByRole('status').filter({ hasText: 'Authenticator app removed.' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Set up an authenticator app' })).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
});

test('the set-up link works only once', async ({ page, server }) => {
  await page.goto(server.setupUrl);
  await expect(page.getByRole('heading', { name: 'Set-up link not valid' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create admin and sign in' })).toHaveCount(0);
});

test('the admin signs in with the new password; the session is saved for the other specs', async ({ page, baseURL }) => {
  await page.goto('/');
  await expect(page).toHaveURL(`${baseURL}/sign-in`);
  await waitForHydration(page);
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.getByRole('banner')).toContainText(admin.email);

  fs.mkdirSync(path.dirname(paths.storageState('admin')), { recursive: true });
  await page.context().storageState({ path: paths.storageState('admin') });
  const accounts: Pick<SharedAccounts, 'admin'> = { admin: { email: admin.email, password: admin.password } };
  writeJson(paths.accounts(), accounts);
});
