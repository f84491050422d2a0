// Managing dashboard users from the admin's Users page (SECURITY.md A2): invitations shown once,
// role and project changes, disabling and enabling — and the affected person's very next request
// runs with the new rights or is signed out. Every user here is seeded by the test that uses it.
// Tests in this file run one after another (fullyParallel is off): the last-admin test relies on
// no other test holding a second active admin at the same time, and no other spec creates one.
import type { Page } from '@playwright/test';
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import { signInOrThrow } from './support/auth';
import { inviteByAction, seedUser } from './support/seed';
import { expect, readAccounts, test, uniqueEmail, uniquePassword, waitForHydration } from './support/test';
import { expectUserRow, findUserRow, firstAdminId } from './support/users-page';

const [storefront, checkout, marketing] = DEMO_PROJECTS;
if (!storefront || !checkout || !marketing) throw new Error('The sandbox seeds at least three demo projects');

/** Project titles in the order the Users page lists them (by project id). */
function titlesOf(...projects: (typeof DEMO_PROJECTS)[number][]): string[] {
  return [...projects].sort((a, b) => a.id.localeCompare(b.id)).map((project) => project.title);
}

async function expectSignedOutOnNextRequest(page: Page, baseURL: string): Promise<void> {
  await page.goto('/projects');
  await expect(page).toHaveURL(`${baseURL}/sign-in?callbackUrl=%2Fprojects`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

test('an admin invites an onboarder with two projects; the link is shown once and works once', async ({ pageAs, newClient, baseURL }) => {
  const admin = await pageAs('admin');
  const email = uniqueEmail('onboarder-invite');
  await admin.goto('/users');
  await waitForHydration(admin, 'main button');
  await admin.getByRole('button', { name: 'Invite user' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Invite a user' });
  await dialog.getByLabel('E-mail').fill(email);
  await dialog.getByLabel('Name (optional)').fill('Olga Onboarder');
  await dialog.getByLabel('Role').selectOption('onboarder');
  const projects = dialog.getByRole('group', { name: 'Projects' });
  await expect(projects.getByRole('checkbox')).toHaveCount(DEMO_PROJECTS.length);
  await projects.getByRole('checkbox', { name: storefront.title }).check();
  await projects.getByRole('checkbox', { name: checkout.title }).check();
  await dialog.getByRole('button', { name: 'Create invitation' }).click();

  await expect(dialog.getByText(`Invitation link created for ${email}`)).toBeVisible();
  const link = dialog.getByLabel('Invitation link');
  await expect(link).toHaveValue(new RegExp(`^${baseURL}/invite/[A-Za-z0-9_-]{20,}$`));
  const invitationUrl = await link.inputValue();
  const token = invitationUrl.split('/').pop() ?? '';
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();

  // Shown once: neither the reopened dialog nor the page (HTML and RSC payload) holds it again.
  await admin.getByRole('button', { name: 'Invite user' }).click();
  await expect(dialog.getByLabel('E-mail')).toHaveValue('');
  await expect(dialog.getByLabel('Invitation link')).toHaveCount(0);
  const html = await (await admin.request.get(`/users?q=${encodeURIComponent(email)}`)).text();
  expect(html).toContain(email);
  expect(html).not.toContain(token);
  await expectUserRow(admin, email, { role: 'Onboarder', status: 'invited', projects: titlesOf(storefront, checkout) });

  const invitee = await (await newClient()).newPage();
  await invitee.goto(invitationUrl);
  await expect(invitee.getByRole('heading', { name: 'Join Keywarden' })).toBeVisible();
  await expect(invitee.getByText('You were invited as onboarder')).toBeVisible();
  await waitForHydration(invitee);
  const password = uniquePassword();
  await invitee.getByLabel('Password', { exact: true }).fill(password);
  await invitee.getByLabel('Repeat the password').fill(password);
  await invitee.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(invitee).toHaveURL(`${baseURL}/`);
  const header = invitee.getByRole('banner');
  await expect(header).toContainText(email);
  await expect(header.getByText('onboarder', { exact: true })).toBeVisible();
  const menu = invitee.getByRole('navigation', { name: 'Main' });
  await expect(menu.getByRole('link', { name: 'Projects', exact: true })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Users', exact: true })).toHaveCount(0);
  await expect(menu.getByRole('link', { name: 'Audit', exact: true })).toHaveCount(0);

  await expectUserRow(admin, email, { role: 'Onboarder', status: 'active', projects: titlesOf(storefront, checkout) });
  // The link is spent.
  const again = await (await newClient()).newPage();
  await again.goto(invitationUrl);
  await expect(again.getByRole('heading', { name: 'Invitation not valid' })).toBeVisible();
});

test('a new invitation link replaces the old one', async ({ pageAs, newApiClient, newClient, baseURL }) => {
  const email = uniqueEmail('reissue');
  const first = await inviteByAction(await newApiClient({ as: 'admin' }), { email, role: 'reviewer' });
  const admin = await pageAs('admin');
  const { row } = await findUserRow(admin, email, { interactive: true });
  await row.getByRole('button', { name: `New invitation link for ${email}` }).click();
  const dialog = admin.getByRole('dialog', { name: `New invitation link for ${email}` });
  await dialog.getByRole('button', { name: 'Create new link' }).click();
  await expect(dialog.getByText('The previous invitation link no longer works.')).toBeVisible();
  const second = await dialog.getByLabel('Invitation link').inputValue();
  expect(second).toMatch(new RegExp(`^${baseURL}/invite/`));
  expect(second).not.toBe(first.url);
  await dialog.getByRole('button', { name: 'Done' }).click();

  const visitor = await (await newClient()).newPage();
  await visitor.goto(first.url);
  await expect(visitor.getByRole('heading', { name: 'Invitation not valid' })).toBeVisible();
  await visitor.goto(second);
  await expect(visitor.getByRole('heading', { name: 'Join Keywarden' })).toBeVisible();
});

test('changing a role asks for confirmation and applies on the user’s next request', async ({ pageAs, newApiClient, newClient, baseURL }) => {
  const member = await newClient();
  const user = await seedUser(await newApiClient({ as: 'admin' }), member.request, { role: 'reviewer', baseUrl: baseURL ?? '', signIn: true });
  const memberPage = await member.newPage();
  await memberPage.goto('/');
  await expect(memberPage.getByRole('banner').getByText('reviewer', { exact: true })).toBeVisible();

  const admin = await pageAs('admin');
  const { row } = await findUserRow(admin, user.email, { interactive: true });
  await row.getByRole('button', { name: `Change role of ${user.email}` }).click();
  const dialog = admin.getByRole('dialog', { name: `Change role of ${user.email}` });
  await expect(dialog.getByRole('button', { name: 'Change role' })).toBeDisabled();
  await dialog.getByLabel('New role').selectOption('onboarder');
  await expect(dialog).toContainText(`${user.email} will change from reviewer to onboarder.`);
  await expect(dialog).toContainText('They will be signed out of their current session.');
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(dialog).toBeHidden();
  await expectUserRow(admin, user.email, { role: 'Onboarder', status: 'active', projects: [] });

  await expectSignedOutOnNextRequest(memberPage, baseURL ?? '');
  await signInOrThrow(member.request, baseURL ?? '', user);
  await memberPage.goto('/');
  await expect(memberPage.getByRole('banner').getByText('onboarder', { exact: true })).toBeVisible();
  await memberPage.goto('/users');
  await expect(memberPage.getByText('You do not have access to this page')).toBeVisible();
});

test('an admin assigns projects to an onboarder', async ({ pageAs, newApiClient, baseURL }) => {
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), {
    role: 'onboarder',
    projectIds: [storefront.id],
    baseUrl: baseURL ?? '',
  });
  const admin = await pageAs('admin');
  await expectUserRow(admin, user.email, { projects: titlesOf(storefront) });
  const { row } = await findUserRow(admin, user.email, { interactive: true });
  await row.getByRole('button', { name: `Projects of ${user.email}` }).click();
  const dialog = admin.getByRole('dialog', { name: `Projects of ${user.email}` });
  const checklist = dialog.getByRole('group', { name: 'Assigned projects' });
  await expect(checklist.getByRole('checkbox', { name: storefront.title })).toBeChecked();
  await checklist.getByRole('checkbox', { name: storefront.title }).uncheck();
  await checklist.getByRole('checkbox', { name: checkout.title }).check();
  await checklist.getByRole('checkbox', { name: marketing.title }).check();
  await dialog.getByRole('button', { name: 'Save projects' }).click();
  await expect(dialog).toBeHidden();
  await expectUserRow(admin, user.email, { role: 'Onboarder', projects: titlesOf(checkout, marketing) });
});

test('a disabled user is signed out on their next request and cannot sign in until enabled', async ({ pageAs, newApiClient, newClient, baseURL }) => {
  const member = await newClient();
  const user = await seedUser(await newApiClient({ as: 'admin' }), member.request, { role: 'reviewer', baseUrl: baseURL ?? '', signIn: true });
  const memberPage = await member.newPage();
  await memberPage.goto('/projects');
  await expect(memberPage.getByRole('banner')).toContainText(user.email);

  const admin = await pageAs('admin');
  let { row } = await findUserRow(admin, user.email, { interactive: true });
  await row.getByRole('button', { name: `Disable ${user.email}` }).click();
  const confirmDisable = admin.getByRole('dialog', { name: `Disable ${user.email}?` });
  await expect(confirmDisable).toContainText(`${user.email} will be signed out immediately and can no longer sign in.`);
  // Cancel first: nothing happens.
  await confirmDisable.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirmDisable).toBeHidden();
  await expectUserRow(admin, user.email, { status: 'active' });
  await memberPage.reload();
  await expect(memberPage.getByRole('banner')).toContainText(user.email);

  ({ row } = await findUserRow(admin, user.email, { interactive: true }));
  await row.getByRole('button', { name: `Disable ${user.email}` }).click();
  await confirmDisable.getByRole('button', { name: 'Disable user' }).click();
  await expect(confirmDisable).toBeHidden();
  await expectUserRow(admin, user.email, { status: 'disabled' });

  await expectSignedOutOnNextRequest(memberPage, baseURL ?? '');
  await waitForHydration(memberPage);
  await memberPage.getByLabel('E-mail').fill(user.email);
  await memberPage.getByLabel('Password').fill(user.password);
  await memberPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(memberPage.getByRole('main').getByRole('alert')).toHaveText('Sign-in failed. Check your e-mail address and password.');
  await expect(memberPage).toHaveURL(`${baseURL}/sign-in?callbackUrl=%2Fprojects`);

  ({ row } = await findUserRow(admin, user.email, { interactive: true }));
  await row.getByRole('button', { name: `Enable ${user.email}` }).click();
  const confirmEnable = admin.getByRole('dialog', { name: `Enable ${user.email}?` });
  await confirmEnable.getByRole('button', { name: 'Enable user' }).click();
  await expect(confirmEnable).toBeHidden();
  await expectUserRow(admin, user.email, { status: 'active' });

  await signInOrThrow(member.request, baseURL ?? '', user);
  await memberPage.goto('/');
  await expect(memberPage.getByRole('banner')).toContainText(user.email);
});

test('a demoted admin is signed out on their next request', async ({ pageAs, newApiClient, newClient, baseURL }) => {
  const member = await newClient();
  const other = await seedUser(await newApiClient({ as: 'admin' }), member.request, { role: 'admin', label: 'second-admin', baseUrl: baseURL ?? '', signIn: true });
  const otherPage = await member.newPage();
  await otherPage.goto('/users');
  await expect(otherPage.getByRole('button', { name: 'Invite user' })).toBeVisible();

  const admin = await pageAs('admin');
  const { row } = await findUserRow(admin, other.email, { interactive: true });
  await row.getByRole('button', { name: `Change role of ${other.email}` }).click();
  const dialog = admin.getByRole('dialog', { name: `Change role of ${other.email}` });
  await dialog.getByLabel('New role').selectOption('reviewer');
  await expect(dialog).toContainText(`${other.email} will change from admin to reviewer.`);
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(dialog).toBeHidden();
  await expectUserRow(admin, other.email, { role: 'Reviewer' });

  await expectSignedOutOnNextRequest(otherPage, baseURL ?? '');
  await signInOrThrow(member.request, baseURL ?? '', other);
  await otherPage.goto('/users');
  await expect(otherPage.getByText('Reviewers can see users but not change them.')).toBeVisible();
  await expect(otherPage.getByRole('button', { name: 'Invite user' })).toHaveCount(0);
});

test('the last admin can be neither demoted nor disabled, and the page says why', async ({ pageAs, newApiClient, baseURL }) => {
  // The Users page offers no controls on one's own row; the only admin would have to forge the
  // request. Here the UI's request for another user is rewritten in flight to target the admin.
  const admin = await pageAs('admin');
  const adminId = await firstAdminId(admin);
  const bystander = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', baseUrl: baseURL ?? '' });
  await admin.route(`${baseURL}/users**`, async (route) => {
    const request = route.request();
    if (request.method() !== 'POST' || !request.headers()['next-action']) return route.fallback();
    return route.fallback({ postData: (request.postData() ?? '').replaceAll(bystander.userId, adminId) });
  });

  let { row } = await findUserRow(admin, bystander.email, { interactive: true });
  await row.getByRole('button', { name: `Change role of ${bystander.email}` }).click();
  const roleDialog = admin.getByRole('dialog', { name: `Change role of ${bystander.email}` });
  await roleDialog.getByLabel('New role').selectOption('onboarder');
  await roleDialog.getByRole('button', { name: 'Change role' }).click();
  await expect(roleDialog.getByRole('alert')).toHaveText('Keywarden needs at least one active admin: promote someone else first.');
  await roleDialog.getByRole('button', { name: 'Cancel' }).click();

  ({ row } = await findUserRow(admin, bystander.email, { interactive: true }));
  await row.getByRole('button', { name: `Disable ${bystander.email}` }).click();
  const disableDialog = admin.getByRole('dialog', { name: `Disable ${bystander.email}?` });
  await disableDialog.getByRole('button', { name: 'Disable user' }).click();
  await expect(disableDialog.getByRole('alert')).toHaveText('You cannot disable your own account.');
  await disableDialog.getByRole('button', { name: 'Cancel' }).click();

  await admin.unrouteAll({ behavior: 'wait' });
  // Nothing changed, for either of them.
  await admin.goto('/users');
  await expect(admin.getByRole('banner').getByText('admin', { exact: true })).toBeVisible();
  await expectUserRow(admin, bystander.email, { role: 'Reviewer', status: 'active' });
  const ownRow = await findUserRow(admin, readAccounts().admin.email);
  await expect(await ownRow.cell('Role')).toHaveText('Admin');
  await expect(await ownRow.cell('Status')).toHaveText('active');
  // And the refusals are on record.
  await admin.goto('/audit?action=user.change_role&outcome=failed');
  await expect(admin.getByRole('region', { name: 'Audit events table' })).toContainText('Keywarden needs at least one active admin');
});

test('on a phone, a user’s name wraps between words, never inside one', async ({ pageAs, newApiClient, baseURL }) => {
  const admin = await pageAs('admin');
  const name = 'Maximiliane Featherstonehaugh Worthington';
  const user = await seedUser(await newApiClient({ as: 'admin' }), await newApiClient(), { role: 'reviewer', label: 'long-name', name, baseUrl: baseURL ?? '' });
  await admin.setViewportSize({ width: 390, height: 844 });
  const { cell } = await findUserRow(admin, user.email);
  const nameCell = await cell('Name');
  await expect(nameCell).toHaveText(name);
  // A word drawn on more than one line box is a word broken in two.
  const brokenWords = await nameCell.evaluate((element) => {
    const text = element.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) throw new Error('The name cell holds more than its text');
    const broken: string[] = [];
    for (const match of (text.textContent ?? '').matchAll(/\S+/g)) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
    return broken;
  });
  expect(brokenWords).toEqual([]);
});
