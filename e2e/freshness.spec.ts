// Views after Keywarden's own writes (issue 14.2), with names instead of ids (issue 14.12), and the
// Overview's "is anything wrong?" (issue 14.15). Storefront is pushed to by no other spec: this spec
// pushes to its staging only (its production holds the deploy bot's token, not Keywarden's), so the
// Projects list's "CLI token on production" filter (projects.spec) does not change.
import { acceptInSandbox, demoProject, openMachineUserInteractive, pageSection, seedMachineUser } from './support/machine-users';
import { tokenFromConsoleLink } from './support/sandbox';
import { expect, test, uniqueEmail } from './support/test';

const STOREFRONT = demoProject('Storefront');

test('after a push, the project page shows the variable, whose it is, and the machine user with access, before any sync', async ({ pageAs, newApiClient }) => {
  const admin = await pageAs('admin');
  const machineUser = await seedMachineUser(admin, await newApiClient({ as: 'admin' }), { project: STOREFRONT, purpose: 'custom', email: uniqueEmail('fresh') });
  await acceptInSandbox(admin, machineUser.id, machineUser.email);

  // Users with access lists the account just accepted, by its address, not a bare id.
  await admin.goto(`/projects/${STOREFRONT.id}`);
  const access = admin.getByRole('region', { name: 'Users with access table' });
  await expect(access.getByRole('link', { name: machineUser.email })).toBeVisible();
  await expect(access).toContainText('alice@example.com');

  await openMachineUserInteractive(admin, machineUser.id, machineUser.email);
  const tokens = pageSection(admin, 'Tokens');
  const token = await tokenFromConsoleLink(admin);
  await tokens.getByLabel('API token', { exact: true }).fill(token);
  const environments = tokens.getByRole('group', { name: /Push to these environments/ });
  for (const box of await environments.getByRole('checkbox', { checked: true }).all()) await box.uncheck();
  await environments.getByRole('checkbox', { name: 'staging', exact: true }).check();
  await tokens.getByRole('button', { name: 'Verify and push' }).click();
  await expect(tokens.getByRole('status').filter({ hasText: 'The token is set on the environment' })).toBeVisible({ timeout: 30_000 });

  await admin.goto(`/projects/${STOREFRONT.id}`);
  const variables = admin.getByRole('region', { name: 'Token variables table' });
  const staging = variables.getByRole('row').filter({ has: admin.getByText('staging', { exact: true }) }).filter({ hasNotText: 'inherited' });
  await expect(staging).toContainText(`${machineUser.email} · `);
  await expect(staging).toContainText(`…${token.slice(-4)}`);
  await expect(staging.getByRole('cell').nth(2)).toHaveText('Yes');
  const main = variables.getByRole('row').filter({ has: admin.getByText('main', { exact: true }) });
  await expect(main).toContainText('not Keywarden’s');
});

test('the Overview leads with what needs attention, each count a link to the list that shows it', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  await admin.goto('/');
  const heading = admin.getByRole('heading', { level: 2, name: /^(Needs attention|All clear)$/ });
  await expect(heading).toBeVisible();
  for (const href of await admin.getByRole('region', { name: /Needs attention|All clear/ }).getByRole('link').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''))) {
    const response = await admin.goto(href);
    expect(response?.status(), href).toBe(200);
    await admin.goto('/');
  }
  // The filters the counts link to exist and hold their state.
  for (const filter of ['drift=yes', 'revocation=unfinished', 'revocation=undeleted']) {
    await admin.goto(`/tokens?status=all&${filter}`);
    await expect(admin.getByRole('link', { name: 'Clear filters' })).toBeVisible();
    // Apply keeps the filter the count linked to.
    await admin.getByRole('button', { name: 'Apply' }).click();
    await expect(admin).toHaveURL(new RegExp(filter));
  }
  await admin.goto('/machine-users?state=expired');
  await expect(admin.getByLabel('State')).toHaveValue('expired');
  await admin.goto('/projects?state=failed');
  await expect(admin.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
});
