// Incident response across many tokens (issue 18.3) in the sandbox, through the pages: an admin
// plans an incident that selects one token (pushed by a fresh onboarder), reads the plan, runs the
// dry run, is refused a wrong confirmation, executes with the incident's name, follows the run to
// its verified report, and finds the open task on the Overview. A reviewer reads the report without
// the controls; an onboarder is refused the area. Planning works with JavaScript off.
import { expectNoSeriousA11yViolations } from './support/axe';
import { demoProject } from './support/machine-users';
import { INCIDENT_ENVIRONMENTS, dryRunInUi, openIncident, planIncidentInUi, tokenPushedByFreshOnboarder, uniqueIncidentName } from './support/incidents';
import { paths } from './support/paths';
import { expect, syntheticAddress, test, waitForHydration } from './support/test';

const STOREFRONT = demoProject('Storefront');

test('plan, dry run, confirm, execute, verify and report an incident', async ({ pageAs, newApiClient, newClient, baseURL }) => {
  test.setTimeout(180_000);
  const admin = await pageAs('admin');
  const adminApi = await newApiClient({ as: 'admin' });
  const pushed = await tokenPushedByFreshOnboarder({ admin, adminApi, newApiClient: () => newApiClient(), newClient: () => newClient(), baseURL: baseURL ?? '', project: STOREFRONT, environment: INCIDENT_ENVIRONMENTS.pageFlow });

  const name = uniqueIncidentName('CI provider breach');
  const incidentId = await planIncidentInUi(admin, name, pushed.pusherEmail);
  // The plan: the one token, its variable, and what stops working.
  await expect(admin.getByRole('region', { name: 'Plan' })).toContainText('1 token across 1 project: 1 variable to delete');
  const table = admin.getByRole('region', { name: 'Tokens of the incident' });
  await expect(table.getByRole('row').filter({ hasText: pushed.machineUserEmail })).toContainText(`…${pushed.lastFour}`);
  await expect(table).toContainText(INCIDENT_ENVIRONMENTS.pageFlow);
  await expect(table).toContainText('The source-operation cron on development (e.g. dependency updates) stops.');
  // No execution before the dry run.
  await expect(admin.getByRole('form', { name: 'Execute the incident' })).toHaveCount(0);
  await expectNoSeriousA11yViolations(admin, 'an incident’s plan');

  await dryRunInUi(admin, incidentId, name);
  await expect(table).toContainText('dry run: present');

  // The confirmation is the incident's name, typed again.
  const execute = admin.getByRole('form', { name: 'Execute the incident' });
  await waitForHydration(admin, 'form[aria-label="Execute the incident"] button');
  await execute.getByRole('textbox').fill('not the name');
  await execute.getByRole('button', { name: 'Revoke every token of the plan' }).click();
  await expect(execute).toContainText(`Type “${name}”.`);
  await execute.getByRole('textbox').fill(name);
  await execute.getByRole('button', { name: 'Revoke every token of the plan' }).click();

  // The page follows the run on its own until the report is there.
  const report = admin.getByRole('region', { name: 'Report' });
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(report).toContainText('1 of 1 variable deleted, 0 remaining');
  await expect(report).toContainText('1 still to delete there');
  await expectNoSeriousA11yViolations(admin, 'an incident’s report');
  await expect(table.getByRole('row').filter({ hasText: pushed.machineUserEmail })).toContainText(`Delete the token`);
  await expect(table.getByRole('row').filter({ hasText: pushed.machineUserEmail })).toContainText('only a live token of');

  // The open task is on the Overview until the token is deleted on Platform.sh.
  await admin.goto('/');
  const tasks = admin.getByRole('region', { name: 'Incident open tasks' });
  await expect(tasks.getByRole('link', { name })).toBeVisible();

  // On the audit log: the intent and the report.
  await admin.goto('/audit?action=incident.report');
  await expect(admin.getByRole('region', { name: 'Audit events table' })).toContainText('incident.report');

  // A reviewer reads the report, without any control; an onboarder is refused the area.
  const reviewer = await pageAs('reviewer');
  await openIncident(reviewer, incidentId, name);
  await expect(reviewer.getByRole('region', { name: 'Report' })).toBeVisible();
  for (const control of ['Dry run', 'Execute the incident', 'Resume the incident']) await expect(reviewer.getByRole('form', { name: control })).toHaveCount(0);
  const onboarder = await pageAs('onboarder');
  await onboarder.goto(`/incidents/${incidentId}`);
  await expect(onboarder.getByText('You do not have access to this page')).toBeVisible();
  await expect(onboarder.getByRole('main')).not.toContainText(name);
});

test('the planning form works without JavaScript', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: paths.storageState('admin'), extraHTTPHeaders: { 'X-Forwarded-For': syntheticAddress() } });
  const page = await context.newPage();
  await page.goto('/incidents');
  const form = page.getByRole('form', { name: 'Plan an incident' });
  await form.getByLabel('Incident name').fill(uniqueIncidentName('No JS'));
  // Nothing narrows the selection and "all" is not ticked: refused by the server, with the field's message.
  await form.getByRole('button', { name: 'Plan the incident' }).click();
  await expect(page.getByRole('form', { name: 'Plan an incident' })).toContainText('Narrow the selection, or tick “Every matching token”.');
  await expect(page.getByRole('form', { name: 'Plan an incident' }).getByRole('alert')).toBeInViewport();
  // The form offers a bulk rotation; the page never says, beside it, that there is none.
  await expect(page.getByRole('form', { name: 'Plan an incident' }).getByRole('radio', { name: /^Rotate them/ })).toBeVisible();
  await expect(page.getByRole('main')).not.toContainText('not offered yet');
  await context.close();
});
