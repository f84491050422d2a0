// An Upsun organisation's sandbox (issue 18 §1): a server of its own with KEYWARDEN_VENDOR=upsun —
// its simulator runs as Upsun — walks the whole onboarding through the UI alone, and everything the
// admin sees speaks Upsun: the kit's `.upsun/config.yaml` snippets and `upsun` CLI, and the token
// pushed as env:UPSUN_CLI_TOKEN (the CLI equivalents of what Keywarden did).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { signInOrThrow } from './support/auth';
import { demoProject, openMachineUserInteractive } from './support/machine-users';
import { openKit, snippetText, walkChecklistToGreen } from './support/onboarding';
import { e2eDir } from './support/paths';
import { freePort, ownServerEnvironment, spawnServer, stopServer, waitForHealth } from './support/server-process';
import { expect, test, uniqueEmail, uniquePassword } from './support/test';
import { expectUpsunCopy } from './support/vendor-copy';

const DOCS = demoProject('Docs');

test('an Upsun sandbox onboards a project with upsun snippets and env:UPSUN_CLI_TOKEN', async ({ browser }, testInfo) => {
  test.setTimeout(360_000);
  const root = path.dirname(testInfo.config.configFile ?? path.join(process.cwd(), 'playwright.config.ts'));
  const dir = fs.mkdtempSync(path.join(e2eDir(), 'upsun-'));
  const logFile = path.join(dir, 'server.log');
  const port = await freePort();
  const baseURL = `http://localhost:${port}`;
  const admin = { email: uniqueEmail('upsun-admin'), password: uniquePassword() };
  const server = spawnServer(
    root,
    ownServerEnvironment(port, {
      KEYWARDEN_DATA_DIR: path.join(dir, 'data'),
      KEYWARDEN_VENDOR: 'upsun',
      KEYWARDEN_ADMIN_EMAIL: admin.email,
      KEYWARDEN_ADMIN_PASSWORD: admin.password,
      // Second factors are mfa.spec's subject: this server's organisation does not require one.
      KEYWARDEN_ADMIN_SECOND_FACTOR: 'nobody',
    }),
    logFile,
  );
  const context = await browser.newContext({ baseURL });
  try {
    await waitForHealth(baseURL, server, logFile);
    await signInOrThrow(context.request, baseURL, admin);
    const page = await context.newPage();

    // The kit defaults to Upsun's form: the app nested in .upsun/config.yaml, the upsun binary.
    await openKit(page, DOCS);
    await page.getByLabel('Task').selectOption('certificate-renewal');
    const cron = parse(await snippetText(page, 'Cron')) as { applications: Record<string, { crons: Record<string, { commands: { start: string } }> }> };
    const [app] = Object.values(cron.applications);
    expect(app?.crons.renewcert?.commands.start).toContain('upsun redeploy --yes --no-wait');
    expect(await snippetText(page, 'Build hook')).toContain('brew install upsun/tap/upsun-cli');

    const machineUser = await walkChecklistToGreen(page, DOCS, { cli: 'upsun', tokenVariable: 'UPSUN_CLI_TOKEN' });

    // Every page the organisation's people read names Upsun, not Platform.sh (the sandbox's review
    // demo fills the findings, the inventory and the Overview).
    const pages = [
      '/',
      '/projects',
      '/projects?state=missing',
      `/projects/${DOCS.id}`,
      `/projects/${DOCS.id}/onboarding`,
      '/machine-users',
      '/machine-users/new',
      `/machine-users/${machineUser.machineUserId}`,
      '/tokens',
      '/review',
      '/review/inventory',
      '/review/policy',
      '/review/campaigns',
      '/incidents',
      '/notifications',
      '/settings',
      '/settings/notifications',
      '/settings/jobs',
    ];
    for (const href of pages) {
      await page.goto(href);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectUpsunCopy(page, href);
    }

    // The offboarding plan, the removal's answer without a live token (its open task) and the page
    // of a machine user removed with a token still alive.
    await openMachineUserInteractive(page, machineUser.machineUserId, machineUser.email);
    await page.getByRole('button', { name: 'Remove machine user' }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${machineUser.email}?` });
    await expect(dialog).toContainText('then delete the token on Upsun');
    await expectUpsunCopy(dialog, 'the offboarding plan');
    await dialog.getByLabel(`Type ${machineUser.email} to confirm`).fill(machineUser.email);
    await dialog.getByRole('button', { name: 'Remove machine user' }).click();
    await expect(dialog).toBeHidden({ timeout: 30_000 });
    const answer = page.getByRole('status').filter({ hasText: 'Still to do: Delete the token' });
    await expect(answer).toContainText('on Upsun');
    await expectUpsunCopy(answer, 'the removal’s answer');
    await openMachineUserInteractive(page, machineUser.machineUserId, machineUser.email);
    await expect(page.getByRole('region', { name: 'Finish offboarding' })).toContainText('still to revoke on Upsun');
    await expectUpsunCopy(page, 'the removed machine user’s page');
    for (const href of ['/', '/tokens?status=all', '/review']) {
      await page.goto(href);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectUpsunCopy(page, `${href} after the removal`);
    }
  } finally {
    await context.close();
    await stopServer(server.pid);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
