// Settings → API keys, driven from the UI.
import { randomBytes } from 'node:crypto';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, waitForHydration } from './test';

export const uniqueKeyName = (label: string) => `${label} ${randomBytes(4).toString('hex')}`;

export async function openApiKeys(page: Page): Promise<void> {
  await page.goto('/settings/api-keys');
  await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();
  await waitForHydration(page, 'main form');
}

/** Fills the create form and submits it (the caller waits for what it expects). */
export async function submitCreateKey(page: Page, name: string, options: { days?: number } = {}): Promise<void> {
  const form = page.getByRole('form', { name: 'Create an API key' });
  await form.getByLabel('Name').fill(name);
  if (options.days) await form.getByLabel('Valid for (days)').fill(String(options.days));
  await form.getByRole('button', { name: 'Create key' }).click();
}

/** Creates a key on the page and returns it (shown once). */
export async function createKeyInUi(page: Page, name: string): Promise<string> {
  await openApiKeys(page);
  await submitCreateKey(page, name);
  const field = page.getByLabel('Your new API key');
  await expect(field).toHaveValue(/^kw_[0-9A-Za-z]{46}$/);
  return field.inputValue();
}

/** The row of a key in the keys table, by its name. */
export function keyRow(page: Page, name: string) {
  return page.getByRole('region', { name: 'API keys table' }).getByRole('row').filter({ hasText: name });
}

/**
 * Through the API: a development environment that holds no token variable, in the last project
 * listed that has one (a project the other specs leave alone). `nth` picks among its free ones, so
 * that the specs that use this, running at once, take different environments whichever goes first
 * (one takes the 0th free, the other the 1st of what is then free).
 */
export async function freeDevelopmentEnvironment(api: APIRequestContext, headers: Record<string, string>, nth: 0 | 1): Promise<{ projectId: string; environmentId: string }> {
  const projects = (await (await api.get('/api/v1/projects?limit=100', { headers })).json()) as { data: { id: string }[] };
  for (const { id } of [...projects.data].reverse()) {
    const project = (await (await api.get(`/api/v1/projects/${id}`, { headers })).json()) as { environments: { id: string; type: string }[]; token_variables: { environment_id: string | null }[] };
    const free = project.environments.filter((environment) => environment.type === 'development' && !project.token_variables.some((variable) => variable.environment_id === environment.id));
    if (free.length > nth) return { projectId: id, environmentId: free[nth]!.id };
  }
  throw new Error('No project has enough development environments without a token variable');
}
