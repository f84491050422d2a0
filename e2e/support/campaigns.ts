// Access reviews in end-to-end tests: starting a campaign from the admin's UI, finding an item's
// decision form, and deciding it. The forms are real forms (they also work without JavaScript).
import type { Locator, Page } from '@playwright/test';
import type { DemoProject } from '@/lib/demo/organisation';
import { expect, waitForHydration } from './test';

export const CAMPAIGNS_PATH = '/review/campaigns';

/** A campaign name no other test uses. */
export function uniqueCampaignName(label: string): string {
  return `${label} ${Math.random().toString(36).slice(2, 8)}`;
}

/** The admin starts a campaign over one project from the Access reviews page; returns its id. */
export async function createCampaignInUi(admin: Page, input: { name: string; project: DemoProject }): Promise<string> {
  await openCreateForm(admin);
  await fillCreateForm(admin, input);
  await admin.getByRole('button', { name: 'Start the review' }).click();
  await expect(admin.getByRole('heading', { name: input.name, level: 1 })).toBeVisible();
  const id = /\/review\/campaigns\/([0-9a-f-]{36})/.exec(admin.url())?.[1];
  if (!id) throw new Error(`No campaign id in ${admin.url()}`);
  return id;
}

export async function openCreateForm(admin: Page): Promise<Locator> {
  await admin.goto(CAMPAIGNS_PATH);
  await expect(admin.getByRole('heading', { name: 'Access reviews', level: 1 })).toBeVisible();
  const form = admin.getByRole('form', { name: 'Start an access review' });
  await waitForHydration(admin, 'form[aria-label="Start an access review"]');
  return form;
}

export async function fillCreateForm(admin: Page, input: { name: string; project: DemoProject }): Promise<void> {
  const form = admin.getByRole('form', { name: 'Start an access review' });
  await form.getByLabel('Name').fill(input.name);
  await form.getByRole('radio', { name: 'Only the projects ticked below' }).check();
  await form.getByRole('checkbox', { name: new RegExp(`^${input.project.title} `) }).check();
}

export async function openCampaign(page: Page, id: string, show: 'undecided' | 'mine' | 'all' = 'all'): Promise<void> {
  await page.goto(`${CAMPAIGNS_PATH}/${id}?show=${show}`);
  await expect(page.getByRole('navigation', { name: 'Which items' })).toBeVisible();
}

/** The card of one machine user in the campaign's list. */
export function itemCard(page: Page, email: string): Locator {
  return page.getByRole('article', { name: email, exact: true });
}

export function decisionForm(page: Page, email: string): Locator {
  return page.getByRole('form', { name: `Decision for ${email}`, exact: true });
}

/** Chooses a decision and a note in an item's form and saves it (the click is the action call). */
export async function fillDecision(page: Page, email: string, decision: 'Keep' | 'Change' | 'Remove', note = ''): Promise<Locator> {
  const form = decisionForm(page, email);
  await form.getByRole('radio', { name: new RegExp(`^${decision} `) }).check();
  await form.getByLabel('Note').fill(note);
  return form.getByRole('button', { name: /Save decision|Change decision/ });
}
