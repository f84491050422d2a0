// Reading and driving the admin's Users page. The list is paginated, so a row is always found
// through the page's own search (its state lives in the URL).
import type { Locator, Page } from '@playwright/test';
import { expect, waitForHydration } from './test';

export type UserColumn = 'E-mail' | 'Name' | 'Role' | 'Status' | 'Projects' | 'Last sign-in' | 'Actions';

export interface UserRowView {
  row: Locator;
  cell: (column: UserColumn) => Promise<Locator>;
}

/** Opens /users filtered to one e-mail address and returns its row. */
export async function findUserRow(page: Page, email: string, options: { interactive?: boolean } = {}): Promise<UserRowView> {
  await page.goto(`/users?q=${encodeURIComponent(email)}`);
  const table = page.getByRole('region', { name: 'Users table' });
  const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: email }) });
  await expect(row).toHaveCount(1);
  if (options.interactive) await waitForHydration(page, 'main table button');
  const headers = await table.getByRole('columnheader').allTextContents();
  return {
    row,
    cell: async (column) => {
      const index = headers.findIndex((header) => header.trim().toLowerCase() === column.toLowerCase());
      if (index < 0) throw new Error(`The users table has no "${column}" column (columns: ${headers.join(', ')})`);
      return row.getByRole('cell').nth(index);
    },
  };
}

/** Asserts what the admin's Users page shows for one user. */
export async function expectUserRow(
  page: Page,
  email: string,
  expected: { role?: string; status?: 'active' | 'invited' | 'disabled'; projects?: string[] },
): Promise<void> {
  const view = await findUserRow(page, email);
  if (expected.role) await expect(await view.cell('Role'), `role of ${email}`).toHaveText(expected.role);
  if (expected.status) await expect(await view.cell('Status'), `status of ${email}`).toHaveText(expected.status);
  if (expected.projects) {
    const projects = await view.cell('Projects');
    if (expected.projects.length === 0) await expect(projects).toHaveText(/None assigned|All projects/);
    else await expect(projects.getByRole('listitem')).toHaveText(expected.projects);
  }
}

/** The admin's user id, as the audit log of the first-run set-up names it. */
export async function firstAdminId(page: Page): Promise<string> {
  await page.goto('/audit?action=setup.first_admin&outcome=succeeded');
  const target = page.getByRole('region', { name: 'Audit events table' }).getByText(/^user:[0-9a-f-]{36}$/);
  await expect(target).toHaveCount(1);
  return ((await target.textContent()) ?? '').replace(/^user:/, '');
}
