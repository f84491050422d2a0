// Machine users (issue 4) in sandbox mode: the onboarding wizard from project to accepted
// invitation, its rules, changing roles with a preview, removing, the project page's section, and
// what onboarders and reviewers may see and do. Each test has a demo project of its own that no
// other spec changes (role-matrix.spec.ts uses Storefront, Checkout API and Legacy CMS; a11y.spec.ts
// Search service), and unique addresses, so tests do not depend on each other or on their order.
import type { Page } from '@playwright/test';
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import {
  acceptInSandbox,
  capturedInviteCall,
  DASHBOARD_EMAIL,
  definition,
  demoProject,
  emailField,
  expectState,
  nextStep,
  openMachineUser,
  openWizard,
  pageSection,
  rolesLine,
  seedMachineUser,
  sendInvitationButton,
  stepHeading,
  walkWizardToReview,
} from './support/machine-users';
import { argumentsOf, replayAction } from './support/server-actions';
import { expect, test, uniqueEmail, waitForHydration } from './support/test';

const customerPortal = demoProject('Customer portal');
const dataPipeline = demoProject('Data pipeline');
const docs = demoProject('Docs');
const internalTools = demoProject('Internal tools');
const marketingSite = demoProject('Marketing site');
const mobileBackend = demoProject('Mobile backend');
const [storefront, checkout] = DEMO_PROJECTS;
if (!storefront || !checkout) throw new Error('The demo organisation has at least two projects');

function machineUserRows(page: Page) {
  return page.getByRole('region', { name: 'Machine users table' }).getByRole('row').filter({ has: page.getByRole('cell') });
}

test('an admin onboards a machine user with the wizard, and the sandbox accepts its invitation', async ({ pageAs, baseURL }) => {
  const admin = await pageAs('admin');
  await admin.goto('/machine-users');
  // The page header's link (an empty list repeats it).
  await admin.getByRole('link', { name: 'Onboard a machine user' }).first().click();
  await expect(admin).toHaveURL(`${baseURL}/machine-users/new`);
  await openWizard(admin);

  // Project: Next without a choice is refused in words; then the step heading takes the focus.
  await expect(stepHeading(admin, 'Project')).toBeVisible();
  await admin.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(admin.getByRole('region', { name: /^Step 1 of 6/ }).getByRole('alert')).toHaveText('Choose a project.');
  await admin.getByLabel('Project', { exact: true }).selectOption(customerPortal.id);
  // Keyboard only: Next with Enter, and focus lands on the new step's heading.
  await admin.getByRole('button', { name: 'Next', exact: true }).focus();
  await admin.keyboard.press('Enter');
  await expect(stepHeading(admin, 'Purpose')).toBeFocused();

  // Purpose: the suggested address follows the project title and the purpose.
  await expect(admin.getByRole('group', { name: `What will this machine user do on ${customerPortal.title}?` })).toBeVisible();
  await admin.getByRole('radio', { name: /^CI tests/ }).check();
  await nextStep(admin, 'E-mail');
  await expect(emailField(admin)).toHaveValue('bots+customer-portal-ci@example.com');
  await admin.getByRole('button', { name: 'Back' }).click();
  await expect(stepHeading(admin, 'Purpose')).toBeFocused();
  await admin.getByRole('radio', { name: /^Backups/ }).check();
  await nextStep(admin, 'E-mail');
  await expect(emailField(admin)).toHaveValue('bots+customer-portal-backups@example.com');
  // An address of this test's own, so that reruns and other tests never collide with it.
  const email = uniqueEmail('bots+customer-portal-backups');
  await emailField(admin).fill(email);
  await admin.keyboard.press('Tab');
  await nextStep(admin, 'Roles');

  // Roles: the Backups preset, its plain-language summary, and the warning for the grant above viewer.
  await expect(admin.getByText('Pre-filled from the Backups preset.')).toBeVisible();
  await expect(admin.getByRole('radio', { name: /^Viewer/ })).toBeChecked();
  await expect(admin.getByLabel('production')).toHaveValue('admin');
  await expect(admin.getByLabel('staging')).toHaveValue('none');
  await expect(admin.getByLabel('development')).toHaveValue('none');
  await expect(admin.getByRole('checkbox', { name: 'Needs an SSH key (to check out code)' })).not.toBeChecked();
  const summary = admin.getByText('This machine user:').locator('xpath=..').getByRole('listitem');
  await expect(summary).toHaveText([
    'can change settings and variables, create backups and redeploy on production',
    'cannot reach staging or development',
    'cannot SSH (no key)',
  ]);
  const warning = admin.getByRole('status').filter({ hasText: 'One grant above viewer' });
  await expect(warning).toContainText('Admin on production: can change settings and variables, create backups and redeploy there.');
  await nextStep(admin, 'Owners');
  await nextStep(admin, 'Review');

  // Review, then send.
  await expect(admin.getByRole('main')).toContainText(`${customerPortal.title} (${customerPortal.id})`);
  await expect(admin.getByRole('main')).toContainText('Project viewer; production: admin');
  await expect(admin.getByRole('main')).toContainText(`Keywarden asks Platform.sh to invite ${email} to ${customerPortal.title} with these roles`);
  await sendInvitationButton(admin).click();
  await expect(admin.getByRole('heading', { name: 'Invitation sent', level: 2 })).toBeFocused();
  await expect(admin.getByRole('status').filter({ hasText: `Invitation sent to ${email}.` })).toBeVisible();
  await admin.getByRole('link', { name: 'Open the machine user' }).click();

  await expect(admin.getByRole('heading', { name: email, level: 1 })).toBeVisible();
  const id = new URL(admin.url()).pathname.split('/').pop() ?? '';
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  await expectState(admin, 'Invitation pending');
  await expect(definition(admin, 'Platform.sh user')).toHaveText('— (known once accepted)');
  await expect(rolesLine(admin)).toHaveText('Project viewer; production: admin');

  await acceptInSandbox(admin, id, email);
  await expect(definition(admin, 'State')).toContainText('(Platform.sh: accepted)');
  // Its account, named by its address (issue 14.12), with the id beneath.
  await expect(definition(admin, 'Platform.sh user')).toContainText(email);
  await expect(definition(admin, 'Platform.sh user')).toHaveText(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  await expect(admin.getByRole('button', { name: 'Accept as the machine user (sandbox)' })).toHaveCount(0);

  const timeline = admin.getByRole('region', { name: 'Timeline table' });
  const what = timeline.getByRole('row').filter({ has: admin.getByRole('cell') }).locator('td:nth-child(3)');
  // Newest first, in words (lib/audit/labels.ts), not the events' code names.
  await expect(what).toHaveText([
    'Invitation accepted (seen by a sync)',
    'Invitation accepted in the sandbox',
    'Invite a machine user — the invitation sent',
    'Invite a machine user — recorded, before anything is sent',
  ]);
  await expect(timeline.getByRole('row').filter({ hasText: 'Invite a machine user — recorded' })).toContainText('succeeded');
});

test('the wizard refuses the dashboard’s own address and an address already used on the project', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const taken = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: dataPipeline, purpose: 'ci_tests', email: uniqueEmail('bots+taken') });

  await openWizard(admin, dataPipeline.id);
  await expect(stepHeading(admin, 'Purpose')).toBeVisible();
  await admin.getByRole('radio', { name: /^Custom/ }).check();
  await nextStep(admin, 'E-mail');
  const refusal = admin.getByRole('region', { name: /^Step \d of 6/ }).getByRole('alert');

  for (const address of [DASHBOARD_EMAIL, `  ${DASHBOARD_EMAIL.toUpperCase()} `]) {
    await emailField(admin).fill(address);
    await admin.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(refusal).toHaveText('This is the dashboard’s own Platform.sh account; choose another address.');
    await expect(stepHeading(admin, 'E-mail')).toBeVisible();
  }

  await emailField(admin).fill(taken.email);
  await admin.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(refusal).toHaveText('This address already belongs to a machine user of this project.');
  await expect(stepHeading(admin, 'E-mail')).toBeVisible();

  // A fresh address goes on.
  await emailField(admin).fill(uniqueEmail('bots+fresh'));
  await nextStep(admin, 'Roles');
  await expect(refusal).toHaveCount(0);

  // The server holds the same rules for a call that skips the wizard.
  const call = await capturedInviteCall(admin);
  const [original] = argumentsOf(call) as [Record<string, unknown>];
  const adminApi = await newApiClient({ as: 'admin' });
  for (const address of [DASHBOARD_EMAIL, taken.email]) {
    const { result } = await replayAction(adminApi, call, { args: [{ ...original, projectId: dataPipeline.id, purpose: 'custom', email: address, overrideReason: 'An e2e check of the refusals.' }] });
    expect(result, address).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { email: [expect.any(String)] } } });
  }
  await admin.goto(`/machine-users?project=${dataPipeline.id}&state=all`);
  await expect(machineUserRows(admin)).toHaveCount(1);
});

test('an admin changes the roles after a preview, then removes the machine user', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: docs, purpose: 'backups', email: uniqueEmail('bots+docs-backups') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);
  await expect(rolesLine(admin)).toHaveText('Project viewer; production: admin');

  // Change roles: nothing to apply until something changes; the preview says current → new.
  await admin.getByRole('button', { name: 'Change roles' }).click();
  const rolesDialog = admin.getByRole('dialog', { name: `Change the roles of ${machineUser.email}` });
  const preview = rolesDialog.getByRole('region', { name: 'Preview of the change' });
  await expect(preview).toContainText('No change yet.');
  await expect(rolesDialog.getByRole('button', { name: 'Apply new roles' })).toBeDisabled();
  await rolesDialog.getByLabel('production').selectOption('viewer');
  await expect(preview.getByRole('listitem')).toHaveText(['production: admin → viewer']);
  await expect(preview).toContainText('Applied to its access on Platform.sh at once.');
  await rolesDialog.getByRole('button', { name: 'Apply new roles' }).click();
  await expect(rolesDialog).toBeHidden();
  await expect(admin.getByRole('status').filter({ hasText: 'The new roles are in effect on Platform.sh.' })).toBeVisible();
  await expect(rolesLine(admin)).toHaveText('Project viewer; production: viewer');
  await expect(admin.getByRole('region', { name: 'Timeline table' })).toContainText('Change a machine user’s roles — applied on Platform.sh');

  // Remove: the dialog names exactly what happens; the button waits for the typed address.
  await admin.getByRole('button', { name: 'Remove machine user' }).click();
  const removeDialog = admin.getByRole('dialog', { name: `Remove ${machineUser.email}?` });
  await expect(removeDialog.getByRole('listitem')).toHaveText([
    'It has no token to revoke.',
    `Revoke its access to ${docs.title} on Platform.sh (the account itself stays, with no access to this project).`,
    'Keep its record in Keywarden as “removed”, with its history and audit trail.',
  ]);
  const confirm = removeDialog.getByRole('button', { name: 'Remove machine user' });
  const typed = removeDialog.getByLabel(`Type ${machineUser.email} to confirm`);
  await expect(confirm).toBeDisabled();
  await typed.fill(machineUser.email.slice(0, -1));
  await expect(confirm).toBeDisabled();
  await typed.fill(machineUser.email);
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(removeDialog).toBeHidden();
  await expectState(admin, 'Removed');
  // Its invitation's last state ("accepted") is history now: beside Removed it read as access.
  await expect(definition(admin, 'State')).not.toContainText('accepted');
  // What the removal did, where the Remove control was; focus moves there from the closed dialog.
  await expect(admin.getByRole('heading', { name: 'Removed', level: 2 })).toBeFocused();
  await expect(admin.getByRole('status').filter({ hasText: `${machineUser.email} is removed. Its access to project ${docs.id} was revoked on Platform.sh.` })).toBeVisible();
  await expect(admin.getByRole('button', { name: /Change roles|Remove machine user|Check now/ })).toHaveCount(0);

  // The list hides removed machine users by default; the Removed filter shows them.
  await admin.goto(`/machine-users?q=${encodeURIComponent(machineUser.email)}`);
  await expect(admin.getByRole('heading', { name: 'No machine users match these filters' })).toBeVisible();
  await admin.goto(`/machine-users?q=${encodeURIComponent(machineUser.email)}&state=removed`);
  await expect(machineUserRows(admin)).toHaveCount(1);
  await expect(machineUserRows(admin)).toContainText(machineUser.email);
  await expect(machineUserRows(admin)).toContainText('Removed');
});

test('sandbox mode changes Platform.sh behind Keywarden’s back, for trying drift', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: docs, purpose: 'backups', email: uniqueEmail('bots+docs-drift') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);
  await waitForHydration(admin, 'main button');
  await admin.getByText('Sandbox: change Platform.sh behind Keywarden’s back').click();
  await admin.getByLabel('Change in the simulator’s Console').selectOption({ label: 'Make it project admin' });
  await admin.getByRole('button', { name: 'Make this change' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Its access on Platform.sh is now project admin. Keywarden sees it at the next inventory sync.' })).toBeVisible();
  // Keywarden's record keeps the roles it approved: the difference is drift, not a new truth.
  await expect(rolesLine(admin)).toHaveText('Project viewer; production: admin');
});

test('the project page offers onboarding and links to the new machine user', async ({ pageAs, baseURL }) => {
  const admin = await pageAs('admin');
  await admin.goto(`/projects/${internalTools.id}`);
  // Other specs onboard on Internal tools too (in the other worker, or earlier): count from here.
  const machineUsersOf = async () => {
    const heading = admin.getByRole('heading', { name: /^Machine users \(\d+\)$/, level: 2 });
    return { section: pageSection(admin, /^Machine users \(\d+\)$/), count: Number(/\d+/.exec((await heading.textContent()) ?? '')?.[0]) };
  };
  const before = await machineUsersOf();
  // “Onboard a machine user” when it has none yet, “Onboard another machine user” once it has.
  await before.section.getByRole('link', { name: before.count === 0 ? 'Onboard a machine user' : 'Onboard another machine user' }).click();
  await expect(admin).toHaveURL(`${baseURL}/machine-users/new?project=${internalTools.id}`);
  await openWizard(admin, internalTools.id);
  // Opened for the project: straight to the purpose.
  await expect(stepHeading(admin, 'Purpose')).toBeVisible();
  const email = uniqueEmail('bots+internal-tools-ci');
  await walkWizardToReview(admin, { project: internalTools, purpose: 'ci_tests', email });
  await sendInvitationButton(admin).click();
  await expect(admin.getByRole('heading', { name: 'Invitation sent' })).toBeVisible();

  await admin.goto(`/projects/${internalTools.id}`);
  const after = await machineUsersOf();
  expect(after.count).toBeGreaterThan(before.count);
  await expect(after.section).toContainText(`${email} — ci tests (invited)`);
  await after.section.getByRole('link', { name: email }).click();
  await expect(admin.getByRole('heading', { name: email, level: 1 })).toBeVisible();
  await expect(admin.getByRole('link', { name: internalTools.title })).toHaveAttribute('href', `/projects/${internalTools.id}`);
});

test('an onboarder onboards for assigned projects only, and sees no machine user of the others', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const elsewhere = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: marketingSite, purpose: 'backups', email: uniqueEmail('bots+marketing') });

  const onboarder = await pageAs('onboarder');
  await openWizard(onboarder);
  await expect(onboarder.getByLabel('Project', { exact: true }).getByRole('option')).toHaveText([
    'Choose a project…',
    `${checkout.title} (${checkout.id})`,
    `${storefront.title} (${storefront.id})`,
  ]);

  const response = await onboarder.goto(`/machine-users/${elsewhere.id}`);
  expect(response?.status()).toBe(404);
  await expect(onboarder.getByText(elsewhere.email)).toHaveCount(0);
  await onboarder.goto(`/machine-users?q=${encodeURIComponent(elsewhere.email)}&state=all`);
  await expect(onboarder.getByRole('heading', { name: 'No machine users match these filters' })).toBeVisible();
  // Opening the wizard for an unassigned project does not preselect it.
  await openWizard(onboarder, marketingSite.id);
  await expect(stepHeading(onboarder, 'Project')).toBeVisible();
});

test('the wizard shows an onboarder what they may grant, and the server refuses more', async ({ pageAs, newApiClient }) => {
  const onboarder = await pageAs('onboarder');
  // Nothing is sent: the wizard is walked to its Roles step only.
  await openWizard(onboarder, checkout.id);
  await onboarder.getByRole('radio', { name: /^Custom/ }).check();
  await nextStep(onboarder, 'E-mail');
  await emailField(onboarder).fill(uniqueEmail('bots+limit'));
  await nextStep(onboarder, 'Roles');
  await expect(onboarder.getByRole('status').filter({ hasText: 'Your limit' })).toContainText('As an onboarder you may grant at most project viewer; production: viewer, staging: viewer, development: contributor for Custom');
  const production = onboarder.getByLabel('production');
  await expect(production.getByRole('option', { name: 'Admin — above your limit' })).toBeDisabled();
  await expect(production.getByRole('option', { name: 'Contributor — above your limit' })).toBeDisabled();
  await expect(production.getByRole('option', { name: 'Viewer', exact: true })).toBeEnabled();
  await expect(onboarder.getByLabel('development').getByRole('option', { name: 'Contributor', exact: true })).toBeEnabled();
  await expect(onboarder.getByRole('radio', { name: /^Admin \(full control of the project\) — above your limit/ })).toBeDisabled();

  // Backups: its preset's admin on production is within the limit.
  await onboarder.getByRole('button', { name: '2. Purpose' }).click();
  await onboarder.getByRole('radio', { name: /^Backups/ }).check();
  await nextStep(onboarder, 'E-mail');
  await nextStep(onboarder, 'Roles');
  await expect(onboarder.getByLabel('production')).toHaveValue('admin');
  await expect(onboarder.getByLabel('staging').getByRole('option', { name: 'Contributor — above your limit' })).toBeDisabled();

  // An admin has no limit.
  const admin = await pageAs('admin');
  await openWizard(admin, checkout.id);
  await admin.getByRole('radio', { name: /^Custom/ }).check();
  await nextStep(admin, 'E-mail');
  await emailField(admin).fill(uniqueEmail('bots+nolimit'));
  await nextStep(admin, 'Roles');
  await expect(admin.getByText('Your limit')).toHaveCount(0);
  await expect(admin.getByLabel('production').getByRole('option', { name: 'Admin', exact: true })).toBeEnabled();

  // A call that skips the wizard is refused by the server, with a field error on the role.
  const call = await capturedInviteCall(admin);
  const [original] = argumentsOf(call) as [Record<string, unknown>];
  const email = uniqueEmail('bots+above');
  const { result } = await replayAction(await newApiClient({ as: 'onboarder' }), call, {
    args: [{ ...original, projectId: checkout.id, purpose: 'custom', email, overrideReason: null, roles: { projectRole: 'viewer', environments: { production: 'admin', staging: 'none', development: 'none' } } }],
  });
  expect(result).toMatchObject({ ok: false, error: { code: 'forbidden', fieldErrors: { 'roles.environments.production': [expect.stringContaining('above what an onboarder may grant')] } } });
  await admin.goto(`/machine-users?q=${encodeURIComponent(email)}&state=all`);
  await expect(admin.getByRole('heading', { name: 'No machine users match these filters' })).toBeVisible();
});

test('a reviewer sees machine users but has no control to change them', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: mobileBackend, purpose: 'certificate_renewal', email: uniqueEmail('bots+mobile-certs') });

  const reviewer = await pageAs('reviewer');
  await reviewer.goto(`/machine-users?q=${encodeURIComponent(machineUser.email)}`);
  await expect(reviewer.getByText('Reviewers can see every machine user but not change them.')).toBeVisible();
  await expect(machineUserRows(reviewer)).toHaveCount(1);
  await expect(machineUserRows(reviewer)).toContainText(mobileBackend.title);
  await expect(machineUserRows(reviewer)).toContainText('Invitation pending');
  await expect(reviewer.getByRole('link', { name: 'Onboard a machine user' })).toHaveCount(0);

  await machineUserRows(reviewer).getByRole('link', { name: machineUser.email }).click();
  await expect(reviewer.getByRole('heading', { name: machineUser.email, level: 1 })).toBeVisible();
  await waitForHydration(reviewer, 'main button');
  await expect(reviewer.getByText('Reviewers can see machine users but not change them.')).toBeVisible();
  await expectState(reviewer, 'Invitation pending');
  await expect(reviewer.getByRole('button', { name: 'Check now' })).toBeVisible();
  await expect(
    reviewer.getByRole('main').getByRole('button', { name: /Change roles|Re-send invitation|Cancel invitation|Remove machine user|Accept as the machine user/ }),
  ).toHaveCount(0);
  await expect(reviewer.getByRole('heading', { name: 'Remove', exact: true })).toHaveCount(0);

  // The same page as admin has them all: the reviewer's page is not simply broken.
  await openMachineUser(admin, machineUser.id, machineUser.email);
  for (const name of ['Change roles', 'Re-send invitation', 'Cancel invitation', 'Remove machine user']) {
    await expect(admin.getByRole('button', { name, exact: true })).toBeVisible();
  }
});
