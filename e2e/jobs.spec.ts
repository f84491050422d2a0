// Settings → Jobs against the running server: the queues the app schedules (the inventory sync has
// run at start-up through the queue), the failed jobs the global set-up seeded, a Retry that is a
// plain form post (no JavaScript), and a reviewer who reads the page without any Retry control.
import { failedJobRow, failedJobsTable, openJobs } from './support/jobs';
import { SEEDED_FAILED_JOB_MESSAGE } from './support/failed-jobs';
import { expect, test } from './support/test';

test('a reviewer reads the queues and the failed jobs, with no Retry', async ({ pageAs }) => {
  const reviewer = await pageAs('reviewer');
  await openJobs(reviewer);
  const queues = reviewer.getByRole('region', { name: 'Queues table' });
  const sync = queues.getByRole('row').filter({ hasText: 'Inventory sync' });
  // KEYWARDEN_SYNC_INTERVAL_MINUTES defaults to 60: hourly; the start-up sync ran through the queue.
  await expect(sync).toContainText('0 * * * *');
  await expect(sync).toContainText('completed');
  await expect(queues.getByRole('row').filter({ hasText: /^Findings/ })).toContainText('7 * * * *');
  await expect(queues.getByRole('row').filter({ hasText: /^Notifications/ })).toContainText('*/5 * * * *');
  await expect(failedJobsTable(reviewer).getByRole('row').filter({ hasText: SEEDED_FAILED_JOB_MESSAGE }).first()).toBeVisible();
  await expect(reviewer.getByRole('main').getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await expect(reviewer.getByText('Admins can retry them.')).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('an admin retries a failed job with a plain form post; it runs again and leaves the list', async ({ newClient }) => {
    const admin = await (await newClient({ as: 'admin' })).newPage();
    await openJobs(admin);
    // The last seeded job: the role-matrix replay takes the first one.
    const row = failedJobsTable(admin).getByRole('row').filter({ hasText: SEEDED_FAILED_JOB_MESSAGE }).last();
    const jobId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec((await row.textContent()) ?? '')?.[0] ?? '';
    expect(jobId).not.toBe('');
    await row.getByRole('button', { name: 'Retry' }).click();
    await expect(admin.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
    await openJobs(admin);
    await expect(failedJobRow(admin, jobId)).toHaveCount(0);
    // The retried recomputation completed: the Findings queue's last run says so.
    await expect
      .poll(async () => {
        await openJobs(admin);
        return admin.getByRole('region', { name: 'Queues table' }).getByRole('row').filter({ hasText: /^Findings/ }).textContent();
      })
      .toContain('completed');
  });
});
