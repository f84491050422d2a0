// First run, as an operator meets it: the server printed a one-time set-up link on stdout; it
// creates the first admin, signs them in, and works exactly once.
import fs from 'node:fs';
import path from 'node:path';
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
  await expect(page).toHaveURL(`${baseURL}/`);
  const header = page.getByRole('banner');
  await expect(header).toContainText(admin.email);
  await expect(header.getByText('admin', { exact: true })).toBeVisible();
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
