// The onboarding kit's page and the walk of its checklist from nothing to fully green through the UI
// alone, in sandbox mode — shared by the default server's spec (Platform.sh) and the Upsun server's.
import type { Locator, Page } from '@playwright/test';
import type { DemoProject } from '@/lib/demo/organisation';
import { expectNoSeriousA11yViolations } from './axe';
import { acceptInSandbox, openMachineUserInteractive, openWizard, pageSection, sendInvitationButton, walkWizardToReview } from './machine-users';
import { createTokenInConsole } from './sandbox';
import { expect, uniqueEmail, waitForHydration } from './test';

export const STEPS = ['Machine user invited', 'Invitation accepted', 'Token recorded', 'Token on production', 'Cron and build hook deployed', 'Token first used'] as const;

export async function openKit(page: Page, project: { id: string }): Promise<void> {
  await page.goto(`/projects/${project.id}/onboarding`);
  await expect(page.getByRole('heading', { name: 'Onboarding kit', level: 1 })).toBeVisible();
  await waitForHydration(page, 'main button');
}

export function snippet(page: Page, title: string): Locator {
  return page.getByRole('region', { name: title, exact: true });
}

/** The text of a snippet as shown. */
export async function snippetText(page: Page, title: string): Promise<string> {
  return (await snippet(page, title).getByRole('group').textContent()) ?? '';
}

/** The machine user's own checklist on the kit page (under "The checklist of each machine user"). */
export async function ownChecklist(page: Page, email: string): Promise<Locator> {
  const details = page.locator('details').filter({ has: page.getByText('The checklist of each machine user') });
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  return page.getByRole('list', { name: `Onboarding checklist of ${email}` });
}

export function step(checklist: Locator, label: (typeof STEPS)[number]): Locator {
  // The step's number and label, after its (hidden) tick or circle.
  return checklist.getByRole('listitem').filter({ hasText: new RegExp(`\\d\\. ${label}`) });
}

/** Which steps show as done, in order. */
export async function doneSteps(checklist: Locator): Promise<string[]> {
  const done: string[] = [];
  for (const label of STEPS) if (await step(checklist, label).getByText('(done)').count()) done.push(label);
  return done;
}

/** What differs between the vendors in the walk: the CLI and the variable the token is pushed as. */
export interface VendorNames {
  cli: 'platform' | 'upsun';
  tokenVariable: 'PLATFORMSH_CLI_TOKEN' | 'UPSUN_CLI_TOKEN';
}

/**
 * The checklist of a demo project not onboarded yet, walked by an admin: invite with the wizard,
 * accept in the sandbox, create the token in the simulator's Console, record and push it to
 * production, confirm the deployed configuration, run the cron in the sandbox.
 */
export async function walkChecklistToGreen(admin: Page, project: DemoProject, vendor: VendorNames): Promise<{ machineUserId: string; email: string }> {
  const email = uniqueEmail(`bots+${project.title.toLowerCase()}-certs`);

  // Nothing yet: the project page and the Overview show Docs as not onboarded.
  await admin.goto(`/projects/${project.id}`);
  const onboarding = admin.getByRole('region', { name: /^Onboarding:/ });
  await expect(onboarding.getByRole('heading', { level: 2 })).not.toHaveText('Onboarding: Fully onboarded');
  const projectChecklist = admin.getByRole('list', { name: `Onboarding checklist of ${project.title}` });
  for (const label of ['Token recorded', 'Token on production', 'Cron and build hook deployed', 'Token first used'] as const) {
    await expect(step(projectChecklist, label)).toContainText('(not done)');
  }
  await admin.goto('/');
  await expect(admin.getByRole('region', { name: 'Projects not fully onboarded' }).getByRole('link', { name: project.title, exact: true })).toBeVisible();

  // 1. Invite through the wizard.
  await openWizard(admin, project.id);
  await walkWizardToReview(admin, { project, purpose: 'certificate_renewal', email });
  await sendInvitationButton(admin).click();
  await expect(admin.getByRole('heading', { name: 'Invitation sent', level: 2 })).toBeFocused();
  await admin.getByRole('link', { name: 'Open the machine user' }).click();
  await expect(admin.getByRole('heading', { name: email, level: 1 })).toBeVisible();
  const machineUserId = new URL(admin.url()).pathname.split('/').pop() ?? '';

  await openKit(admin, project);
  let checklist = await ownChecklist(admin, email);
  expect(await doneSteps(checklist)).toEqual(['Machine user invited']);
  await expect(step(checklist, 'Machine user invited')).toContainText(`Invited ${email} on `);
  await expect(step(checklist, 'Invitation accepted')).toContainText(`Waiting for ${email} to accept the invitation.`);

  // 2. Accept, as the machine user would (sandbox).
  await acceptInSandbox(admin, machineUserId, email);
  await openKit(admin, project);
  checklist = await ownChecklist(admin, email);
  expect(await doneSteps(checklist)).toEqual(['Machine user invited', 'Invitation accepted']);
  await expect(step(checklist, 'Invitation accepted')).toContainText(`${email} accepted on `);
  // From here on this machine user is the project's most advanced: the project's checklist follows it.
  await expect(admin.getByText(`Following ${email}`)).toBeVisible();

  // 3–4. The machine user creates its token in the simulator's Console; it is recorded and pushed to production.
  await openMachineUserInteractive(admin, machineUserId, email);
  const tokens = pageSection(admin, 'Tokens');
  const consoleHref = await tokens.getByRole('link', { name: 'Open the simulator’s Console as this machine user' }).getAttribute('href');
  const token = await createTokenInConsole(admin.context(), consoleHref ?? '');
  expect(token.length).toBeGreaterThan(20);
  await tokens.getByLabel('API token', { exact: true }).fill(token);
  // The certificate-renewal preset pushes to production: main is ticked.
  await expect(tokens.getByRole('checkbox', { name: 'main' })).toBeChecked();
  await tokens.getByRole('button', { name: 'Verify and push' }).click();
  await expect(tokens.getByRole('status').filter({ hasText: 'The token is set on' })).toBeVisible({ timeout: 30_000 });

  await openKit(admin, project);
  checklist = await ownChecklist(admin, email);
  expect(await doneSteps(checklist)).toEqual(['Machine user invited', 'Invitation accepted', 'Token recorded', 'Token on production']);
  await expect(step(checklist, 'Token recorded')).toContainText(`Token …${token.slice(-4)} of ${email} recorded on `);
  await expect(step(checklist, 'Token on production')).toContainText('Pushed to main on ');
  // The CLI equivalents of what Keywarden did, every flag, never the value.
  const cli = admin.getByRole('region', { name: `CLI equivalents for ${email}` });
  await expect(cli).toContainText(`${vendor.cli} user:add ${email} -p ${project.id} --role viewer --role production:contributor`);
  await expect(cli).toContainText(
    `${vendor.cli} variable:create --project ${project.id} --environment main --level environment --name env:${vendor.tokenVariable} --sensitive true --json false --inheritable false --enabled true --visible-build false --visible-runtime true --value "$${vendor.tokenVariable}_VALUE"`,
  );
  expect(await admin.content()).not.toContain(token);

  // 5. Confirm the deployed configuration: the dialog can be cancelled, then confirmed with a note.
  const confirmButton = admin.getByRole('button', { name: 'Confirm the cron and build hook are deployed' });
  await confirmButton.click();
  const dialog = admin.getByRole('dialog', { name: `Confirm the deployed configuration of ${project.title}?` });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await admin.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(confirmButton).toBeFocused();
  await expect(step(checklist, 'Cron and build hook deployed')).toContainText('(not done)');
  await confirmButton.click();
  await expectNoSeriousA11yViolations(admin, 'confirmation dialog', { include: 'dialog' });
  await dialog.getByLabel('What you checked (optional)').fill('cron renewcert in .platform.app.yaml, deployed on main');
  await dialog.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Your confirmation is recorded.' })).toBeVisible();
  checklist = await ownChecklist(admin, email);
  await expect(step(checklist, 'Cron and build hook deployed')).toContainText('“cron renewcert in .platform.app.yaml, deployed on main”');
  await expect(step(checklist, 'Token first used')).toContainText('(not done)');

  // 6. Run the cron now (sandbox): it uses the token on main, and the checklist sees the first use.
  await admin.getByRole('button', { name: 'Run the cron now (sandbox)' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'The cron ran on main with the recorded token' })).toBeVisible();
  checklist = await ownChecklist(admin, email);
  await expect(step(checklist, 'Token first used')).toContainText('(done)');
  await expect(step(checklist, 'Token first used')).toContainText(/Used on .*, after the push on /);
  expect(await doneSteps(checklist)).toEqual([...STEPS]);

  // All green on the project page, and Docs is off the Overview.
  await admin.goto(`/projects/${project.id}`);
  await expect(admin.getByRole('heading', { name: 'Onboarding: Fully onboarded', level: 2 })).toBeVisible();
  expect(await doneSteps(admin.getByRole('list', { name: `Onboarding checklist of ${project.title}` }))).toEqual([...STEPS]);
  await admin.goto('/');
  await expect(admin.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(admin.getByRole('link', { name: project.title, exact: true })).toHaveCount(0);
  return { machineUserId, email };
}
