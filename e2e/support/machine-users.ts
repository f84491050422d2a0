// Machine users in end-to-end tests: walking the onboarding wizard, reading a machine user's page,
// and seeding machine users quickly by replaying the wizard's own "Send invitation" call (captured
// once per worker from the real UI, held back, then replayed with new arguments).
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { DEMO_PROJECTS, type DemoProject } from '@/lib/demo/organisation';
import { PRESETS, type MachineRoles, type Purpose } from '@/lib/machine-users/roles';
import { argumentsOf, captureAction, replayAction, type CapturedAction } from './server-actions';
import { expect, waitForHydration } from './test';

/** The address behind the dashboard's own credential in the simulator's demo organisation. */
export const DASHBOARD_EMAIL = 'keywarden-dashboard@machine-users.example.com';

export const WIZARD_STEPS = ['Project', 'Purpose', 'E-mail', 'Roles', 'Owners', 'Review'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** A demo project by title (throws on a typo, so that a spec never silently targets nothing). */
export function demoProject(title: string): DemoProject {
  const project = DEMO_PROJECTS.find((candidate) => candidate.title === title);
  if (!project) throw new Error(`No demo project titled ${title}`);
  return project;
}

export function stepHeading(page: Page, step: WizardStep): Locator {
  const index = WIZARD_STEPS.indexOf(step);
  return page.getByRole('heading', { name: `Step ${index + 1} of ${WIZARD_STEPS.length}: ${step}`, level: 2 });
}

export function emailField(page: Page): Locator {
  return page.getByLabel('Machine user’s e-mail address');
}

/** The wizard's Next button; pressing it moves focus to the new step's heading. */
export async function nextStep(page: Page, to: WizardStep): Promise<void> {
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(stepHeading(page, to)).toBeFocused();
}

/** Opens the wizard (on a project's behalf: it then starts at the Purpose step) once it can be used. */
export async function openWizard(page: Page, projectId?: string): Promise<void> {
  await page.goto(projectId ? `/machine-users/new?project=${projectId}` : '/machine-users/new');
  await expect(page.getByRole('heading', { name: 'Onboard a machine user', level: 1 })).toBeVisible();
  await waitForHydration(page, 'main nav button');
}

/** From the Project step (or the Purpose step, when opened for a project) to the Review step. */
export async function walkWizardToReview(page: Page, input: { project: DemoProject; purpose: Purpose; email: string }): Promise<void> {
  if (await stepHeading(page, 'Project').isVisible()) {
    await page.getByLabel('Project', { exact: true }).selectOption(input.project.id);
    await nextStep(page, 'Purpose');
  }
  await expect(stepHeading(page, 'Purpose')).toBeVisible();
  await page.getByRole('radio', { name: new RegExp(`^${PRESETS[input.purpose].label}`) }).check();
  await nextStep(page, 'E-mail');
  await emailField(page).fill(input.email);
  await nextStep(page, 'Roles');
  await nextStep(page, 'Owners');
  await nextStep(page, 'Review');
}

export function sendInvitationButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Send invitation' });
}

// ---- a machine user's page ----------------------------------------------------------------------

/** The value of a `<dt>` label in a description list of the page, e.g. "State". */
export function definition(page: Page, term: string): Locator {
  return page.locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');
}

export function pageSection(page: Page, heading: string | RegExp): Locator {
  return page.locator('section').filter({ has: page.getByRole('heading', { name: heading, exact: true, level: 2 }) });
}

/** The machine user's roles in words, as its page's Roles section states them. */
export function rolesLine(page: Page): Locator {
  return pageSection(page, 'Roles').locator('p').first();
}

export async function openMachineUser(page: Page, id: string, email: string): Promise<void> {
  await page.goto(`/machine-users/${id}`);
  await expect(page.getByRole('heading', { name: email, level: 1 })).toBeVisible();
}

/** Opens the page and waits until its client controls respond (the invitation controls hydrate). */
export async function openMachineUserInteractive(page: Page, id: string, email: string): Promise<void> {
  await openMachineUser(page, id, email);
  await waitForHydration(page, 'main button');
}

export async function expectState(page: Page, label: string): Promise<void> {
  await expect(definition(page, 'State')).toContainText(label);
}

/** "Accept as the machine user (sandbox)" on the machine user's page, until it is active. */
export async function acceptInSandbox(page: Page, id: string, email: string): Promise<void> {
  await openMachineUserInteractive(page, id, email);
  await page.getByRole('button', { name: 'Accept as the machine user (sandbox)' }).click();
  await expectState(page, 'Active');
}

// ---- seeding by replaying the wizard's call -----------------------------------------------------

let captured: Promise<CapturedAction> | undefined;

/**
 * The wizard's "Send invitation" call, captured from the admin's UI and held back (it never reaches
 * the server). Once per worker: the action id and its page do not change within a run.
 */
export function capturedInviteCall(admin: Page): Promise<CapturedAction> {
  captured ??= (async () => {
    await openWizard(admin, demoProject('Legacy CMS').id);
    await walkWizardToReview(admin, { project: demoProject('Legacy CMS'), purpose: 'custom', email: 'capture-only@e2e.keywarden.test' });
    return captureAction(admin, () => sendInvitationButton(admin).click(), { block: true });
  })();
  captured.catch(() => {
    captured = undefined;
  });
  return captured;
}

export interface SeededMachineUser {
  id: string;
  email: string;
  projectId: string;
}

/**
 * A new machine user, invited by the admin's replayed call. Always carries an override reason, so
 * that a second machine user for a project and purpose is accepted (admins may override).
 */
export async function seedMachineUser(
  admin: Page,
  adminApi: APIRequestContext,
  input: { project: DemoProject; purpose: Purpose; email: string; roles?: MachineRoles; ownerId?: string; backupOwnerId?: string },
): Promise<SeededMachineUser> {
  const call = await capturedInviteCall(admin);
  const [original] = argumentsOf(call) as [Record<string, unknown>];
  const args = {
    ...original,
    projectId: input.project.id,
    purpose: input.purpose,
    email: input.email,
    roles: input.roles ?? PRESETS[input.purpose].roles,
    needsSshKey: PRESETS[input.purpose].needsSshKey,
    // The admin who sent the captured call owns it, unless the test names other owners.
    ...(input.ownerId ? { ownerId: input.ownerId } : {}),
    backupOwnerId: input.backupOwnerId ?? null,
    overrideReason: 'Seeded by an end-to-end test; several per project and purpose.',
  };
  const { result } = await replayAction<{ machineUserId: string; outcome: string; message: string }>(adminApi, call, { args: [args] });
  if (!result.ok) throw new Error(`Seeding machine user ${input.email} failed: ${JSON.stringify(result.error)}`);
  if (result.data.outcome !== 'invited') throw new Error(`Seeding machine user ${input.email}: ${result.data.outcome}: ${result.data.message}`);
  return { id: result.data.machineUserId, email: input.email, projectId: input.project.id };
}
