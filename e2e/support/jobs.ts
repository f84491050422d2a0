// Settings → Jobs in the end-to-end tests: the failed jobs the global set-up seeds, and their rows.
import type { Page } from '@playwright/test';
import { SEEDED_FAILED_JOB_MESSAGE } from './failed-jobs';
import { expect } from './test';

export const failedJobsTable = (page: Page) => page.getByRole('region', { name: 'Failed jobs table' });

export async function openJobs(page: Page): Promise<void> {
  await page.goto('/settings/jobs');
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
}

/** The id of a seeded job that is still failed (the first one listed). */
export async function aFailedJobId(page: Page): Promise<string> {
  await openJobs(page);
  const row = failedJobsTable(page).getByRole('row').filter({ hasText: SEEDED_FAILED_JOB_MESSAGE }).first();
  const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec((await row.textContent()) ?? '')?.[0];
  if (!id) throw new Error('No seeded failed job is left on Settings → Jobs');
  return id;
}

export const failedJobRow = (page: Page, jobId: string) => failedJobsTable(page).getByRole('row').filter({ hasText: jobId });
