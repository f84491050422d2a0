// The shared reviewer and onboarder accounts, made the way real ones are: the admin invites, the
// invitee opens the link and chooses a password. The reviewer goes through the UI on both sides
// (and the two server action calls are captured for fast seeding elsewhere); the onboarder is made
// by replaying those calls. Specs that change users seed their own; these two are never modified.
import fs from 'node:fs';
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import { signInOrThrow } from './support/auth';
import { paths } from './support/paths';
import { acceptByAction, inviteByAction, type CapturedActions } from './support/seed';
import { captureAction } from './support/server-actions';
import { readJson, writeJson } from './support/server-state';
import { expect, readAccounts, test, uniquePassword, waitForHydration, type SharedAccounts } from './support/test';

test.describe.configure({ mode: 'serial' });

const reviewer = { email: 'reviewer@e2e.keywarden.test', password: uniquePassword() };
const onboarder = { email: 'onboarder@e2e.keywarden.test', password: uniquePassword() };

test('reviewer: invited on the Users page, accepted on the invitation page', async ({ pageAs, newClient, baseURL }) => {
  const admin = await pageAs('admin');
  await admin.goto('/users');
  await waitForHydration(admin, 'main button');
  await admin.getByRole('button', { name: 'Invite user' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Invite a user' });
  await dialog.getByLabel('E-mail').fill(reviewer.email);
  await dialog.getByLabel('Role').selectOption('reviewer');
  const inviteUser = await captureAction(admin, () => dialog.getByRole('button', { name: 'Create invitation' }).click(), { block: false });
  const link = dialog.getByLabel('Invitation link');
  await expect(link).toHaveValue(new RegExp(`^${baseURL}/invite/[A-Za-z0-9_-]{20,}$`));
  const invitationUrl = await link.inputValue();

  const invitee = await (await newClient()).newPage();
  await invitee.goto(invitationUrl);
  await expect(invitee.getByRole('heading', { name: 'Join Keywarden' })).toBeVisible();
  await expect(invitee.getByText(reviewer.email)).toBeVisible();
  await waitForHydration(invitee);
  await invitee.getByLabel('Password', { exact: true }).fill(reviewer.password);
  await invitee.getByLabel('Repeat the password').fill(reviewer.password);
  const acceptInvitation = await captureAction(
    invitee,
    () => invitee.getByRole('button', { name: 'Set password and sign in' }).click(),
    { block: false },
  );
  await expect(invitee).toHaveURL(`${baseURL}/`);
  await expect(invitee.getByRole('banner')).toContainText(reviewer.email);
  await expect(invitee.getByRole('banner').getByText('reviewer', { exact: true })).toBeVisible();

  await invitee.context().storageState({ path: paths.storageState('reviewer') });
  const actions: CapturedActions = { inviteUser, acceptInvitation };
  writeJson(paths.actions(), actions);
  writeJson(paths.accounts(), { ...readAccounts(), reviewer } satisfies Partial<SharedAccounts>);
});

test('onboarder: invited and accepted by replaying the captured actions', async ({ newApiClient, newClient, baseURL }) => {
  expect(fs.existsSync(paths.actions())).toBe(true);
  const admin = await newApiClient({ as: 'admin' });
  const projectIds = DEMO_PROJECTS.slice(0, 2).map((project) => project.id);
  const link = await inviteByAction(admin, { email: onboarder.email, role: 'onboarder', projectIds });
  await acceptByAction(await newApiClient(), link.url, onboarder.password);

  const context = await newClient();
  await signInOrThrow(context.request, baseURL ?? '', onboarder);
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('banner')).toContainText(onboarder.email);
  await expect(page.getByRole('banner').getByText('onboarder', { exact: true })).toBeVisible();
  await context.storageState({ path: paths.storageState('onboarder') });
  writeJson(paths.accounts(), { ...readJson<SharedAccounts>(paths.accounts(), 'accounts'), onboarder });
});
