// The onboarding kit end to end in sandbox mode (issue 6): snippets generated for the project's real
// values, copied to the clipboard and downloaded (the files parse as YAML and carry --no-wait and
// the production guard), the linter on pasted configuration, and the checklist going from nothing
// to fully green through the UI alone: invite with the wizard, accept in the sandbox, create the
// token in the simulator's Console, record and push it, confirm the deployed configuration, run the
// cron in the sandbox.
//
// Specs share one server and run in parallel. Docs is the project here: the only other spec that
// touches it (machine-users.spec) invites a backups machine user there and removes it, and nobody
// else records a token, confirms a configuration or runs a cron on it. The checklist follows the
// project's most advanced machine user, so the assertions read this test's own machine user's
// checklist, and the project's only once that machine user is the most advanced one.
import fs from 'node:fs';
import { parse } from 'yaml';
import { expectNoSeriousA11yViolations } from './support/axe';
import { demoProject } from './support/machine-users';
import { openKit, snippet, snippetText, walkChecklistToGreen } from './support/onboarding';
import { expect, test } from './support/test';

const DOCS = demoProject('Docs');

test('the kit generates snippets for the project: copy, download, other forms, CI jobs and the linter', async ({ newClient, baseURL }) => {
  const context = await newClient({ as: 'admin' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const page = await context.newPage();
  await openKit(page, DOCS);
  await expectNoSeriousA11yViolations(page, 'onboarding kit');

  // The current form is the default; the cron is for certificate renewal once chosen.
  await expect(page.getByRole('radio', { name: /^Current/ })).toBeChecked();
  await page.getByLabel('Task').selectOption('certificate-renewal');
  const cron = parse(await snippetText(page, 'Cron')) as { crons: Record<string, { spec: string; commands: { start: string } }> };
  expect(Object.keys(cron.crons)).toEqual(['renewcert']);
  expect(cron.crons.renewcert!.spec).toBe('0 10 1,15 * *');
  expect(cron.crons.renewcert!.commands.start).toBe('if [ "$PLATFORM_ENVIRONMENT_TYPE" = production ]; then\n    platform redeploy --yes --no-wait\nfi\n');
  // Generated for this project's values: its id and region host in the header.
  expect(await snippetText(page, 'Cron')).toContain(`# Keywarden onboarding kit, project ${DOCS.id} (Docs), region ${DOCS.region}.`);

  // Copy, from the keyboard: the clipboard holds exactly the snippet, and "Copied" is announced.
  await snippet(page, 'Cron').getByRole('button', { name: 'Copy Cron' }).focus();
  await page.keyboard.press('Enter');
  await expect(snippet(page, 'Cron').getByRole('status')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await snippetText(page, 'Cron'));

  // Download: the file's name says what it is, and its content parses to the same cron.
  const [download] = await Promise.all([page.waitForEvent('download'), snippet(page, 'Cron').getByRole('link', { name: /^Download Cron/ }).click()]);
  expect(download.suggestedFilename()).toBe('platform.app.cron-renewcert.yaml');
  expect(parse(fs.readFileSync((await download.path())!, 'utf8'))).toEqual(cron);

  // The build hook installs the CLI with Homebrew (current form).
  const hook = parse(await snippetText(page, 'Build hook')) as { hooks: { build: string } };
  expect(hook.hooks.build).toContain('brew install platformsh/tap/platformsh-cli');

  // Older form: the installer, and a branch check on the production branch from the inventory.
  await page.getByRole('radio', { name: /^Older/ }).check();
  const older = parse(await snippetText(page, 'Cron')) as typeof cron;
  expect(older.crons.renewcert!.commands.start).toBe('if [ "$PLATFORM_BRANCH" = main ]; then\n    platform redeploy --yes --no-wait\nfi\n');
  expect(await snippetText(page, 'Build hook')).toContain('https://platform.sh/cli/installer | php');

  // Upsun: .upsun/config.yaml nests the app, and the upsun binary runs.
  await page.getByRole('radio', { name: /^Upsun/ }).check();
  const upsun = parse(await snippetText(page, 'Cron')) as { applications: { app: typeof cron } };
  expect(upsun.applications.app.crons.renewcert!.commands.start).toContain('upsun redeploy --yes --no-wait');
  await expect(page.getByRole('status').filter({ hasText: 'Upsun reads another variable' })).toBeVisible();
  await page.getByRole('radio', { name: /^Current/ }).check();

  // A custom command needs a schedule: the form says so instead of failing.
  await page.getByLabel('Task').selectOption('custom');
  await page.getByLabel('Command').fill('platform backup:create');
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Choose when the command runs.');
  await page.getByLabel('Schedule (cron, UTC)').fill('30 2 * * *');
  const custom = parse(await snippetText(page, 'Cron')) as typeof cron;
  expect(custom.crons.custom).toEqual({ spec: '30 2 * * *', commands: { start: 'if [ "$PLATFORM_ENVIRONMENT_TYPE" = production ]; then\n    platform backup:create --yes --no-wait\nfi\n' } });
  await page.getByLabel('Schedule (cron, UTC)').fill('61 2 * * *');
  await expect(page.getByRole('main').getByRole('alert')).toContainText('minute field allows 0–59');

  // The CI jobs: GitHub Actions downloads as a workflow that reads the token from a secret.
  await page.getByLabel('Task').selectOption('backup');
  await page.getByLabel('Schedule (cron, UTC)').fill('');
  const [workflowDownload] = await Promise.all([page.waitForEvent('download'), snippet(page, 'GitHub Actions job').getByRole('link', { name: /^Download/ }).click()]);
  expect(workflowDownload.suggestedFilename()).toBe('platform-cli.yml');
  const workflow = parse(fs.readFileSync((await workflowDownload.path())!, 'utf8')) as { jobs: { cli: { env: Record<string, string>; steps: { run: string }[] } } };
  expect(workflow.jobs.cli.env.PLATFORMSH_CLI_TOKEN).toBe('${{ secrets.PLATFORMSH_CLI_TOKEN }}');
  expect(workflow.jobs.cli.steps.at(-1)?.run).toBe(`platform backup:create -p ${DOCS.id} -e main --yes --no-wait`);
  const gitlab = parse(await snippetText(page, 'GitLab CI job')) as Record<string, { script: string[] }>;
  expect(gitlab['platform-cli']?.script).toEqual([`platform backup:create -p ${DOCS.id} -e main --yes --no-wait`]);

  // The linter: an empty paste, then a configuration with each kind of warning, with line numbers.
  const linter = page.getByRole('form', { name: 'App configuration linter' });
  await linter.getByRole('button', { name: 'Check the configuration' }).click();
  await expect(linter).toContainText('Paste the app configuration first.');
  await linter.getByLabel('App configuration (YAML)').fill(
    [
      'crons:',
      '  backup:',
      "    spec: '0 5 * * *'",
      '    commands:',
      '      start: |',
      '        platform backup:create --yes',
      '  renew:',
      "    spec: '0 10 1 * *'",
      '    commands:',
      '      start: |',
      '        if [ "$PLATFORM_BRANCH" = master ]; then',
      '          platform redeploy --yes --no-wait',
      '        fi',
    ].join('\n'),
  );
  await linter.getByRole('button', { name: 'Check the configuration' }).click();
  const findings = linter.getByRole('region', { name: 'Linter findings' }).getByRole('listitem');
  await expect(findings).toHaveCount(3);
  await expect(findings.nth(0)).toContainText('Line 6, cron backup');
  await expect(findings.nth(0)).toContainText('missing-no-wait');
  await expect(findings.nth(1)).toContainText('runs-everywhere');
  await expect(findings.nth(2)).toContainText('Line 11, cron renew');
  await expect(findings.nth(2)).toContainText('branch-guard');
  await expectNoSeriousA11yViolations(page, 'onboarding kit with linter findings');
});

test('the checklist goes from nothing to fully green in sandbox mode, through the UI alone', async ({ pageAs }) => {
  test.setTimeout(180_000);
  await walkChecklistToGreen(await pageAs('admin'), DOCS, { cli: 'platform', tokenVariable: 'PLATFORMSH_CLI_TOKEN' });
});

test('a reviewer reads the kit without controls; an onboarder sees no kit of an unassigned project', async ({ pageAs }) => {
  const reviewer = await pageAs('reviewer');
  await reviewer.goto(`/projects/${DOCS.id}/onboarding`);
  await expect(reviewer.getByRole('heading', { name: 'Onboarding kit', level: 1 })).toBeVisible();
  await expect(reviewer.getByRole('region', { name: 'Cron', exact: true })).toBeVisible();
  await expect(reviewer.getByRole('button', { name: 'Confirm the cron and build hook are deployed' })).toHaveCount(0);
  await expect(reviewer.getByRole('button', { name: 'Run the cron now (sandbox)' })).toHaveCount(0);

  const onboarder = await pageAs('onboarder');
  const response = await onboarder.goto(`/projects/${DOCS.id}/onboarding`);
  expect(response?.status()).toBe(404);
  await expect(onboarder.getByText('Onboarding kit')).toHaveCount(0);
});
