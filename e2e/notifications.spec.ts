// Notifications end to end in sandbox mode (issue 17): with no SMTP server configured, e-mail goes
// to the sandbox mailbox. An admin sends what is due now (the demo's critical finding, at least):
// the mailbox holds the e-mail with its links, the bell counts what is unread, the Notifications
// page lists it and marks it read. Preferences are a real form: saved with JavaScript off.
import { paths } from './support/paths';
import { expect, readAccounts, syntheticAddress, test, waitForHydration } from './support/test';

test('an admin sends what is due: the sandbox mailbox holds the e-mails, the bell counts them, and they are marked read', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  const email = readAccounts().admin.email;
  await admin.goto('/settings/mailbox');
  await waitForHydration(admin, 'main button');
  await admin.getByRole('button', { name: 'Send due reminders now' }).click();
  await expect(admin.getByRole('status').filter({ hasText: /new notifications?; \d+ e-mails? sent/ })).toBeVisible();

  await admin.reload();
  const messages = admin.getByRole('list', { name: 'Messages list' }).getByRole('article').filter({ hasText: `To ${email}` });
  const critical = messages.filter({ hasText: 'Critical finding' }).first();
  await expect(critical).toBeVisible();
  // A link to the findings and one to change or stop this kind of e-mail; never a token value (the
  // canary integration test scans every encoding).
  await expect(critical).toContainText('/review?rule=');
  await expect(critical).toContainText('/settings/notifications#event-finding_high');

  const bell = admin.getByRole('banner').getByRole('link', { name: /^Notifications, \d+ unread$/ });
  await expect(bell).toBeVisible();
  await bell.click();
  await expect(admin.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
  await expect(admin.getByRole('list', { name: 'Notifications list' }).getByRole('listitem').filter({ hasText: 'Critical finding' }).first()).toBeVisible();
  await waitForHydration(admin, 'main button');
  await admin.getByRole('button', { name: 'Mark all read' }).click();
  await expect(admin.getByRole('banner').getByRole('link', { name: 'Notifications, none unread' })).toBeVisible();
});

test('preferences are saved with JavaScript off, and the page says where e-mail goes', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: paths.storageState('reviewer'), extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() } });
  const page = await context.newPage();
  await page.goto('/settings/notifications');
  await expect(page.getByRole('heading', { name: 'Notification settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Sandbox mode: e-mails are kept in the sandbox mailbox');
  // Reviewers choose for themselves but do not see the organisation's defaults form.
  await expect(page.getByRole('form', { name: 'Organisation notification defaults' })).toHaveCount(0);
  const field = page.getByLabel('A token is past its rotate-by date (then weekly)');
  const next = (await field.inputValue()) === 'digest' ? 'email' : 'digest';
  await field.selectOption(next);
  await page.getByRole('button', { name: 'Save my preferences' }).click();
  await expect(page.getByText('Your preferences are saved.')).toBeVisible();
  await page.goto('/settings/notifications');
  await expect(page.getByLabel('A token is past its rotate-by date (then weekly)')).toHaveValue(next);
  await context.close();
});
