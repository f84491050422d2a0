// The role × action matrix (lib/auth/role-matrix.json, SECURITY.md A1) at the HTTP level: for each
// mutation, the admin's real server action call is captured from the UI (and held back), then
// replayed with every role's session. A denied role is refused, nothing changes (as the admin's
// Users page shows), and the refusal is on the Audit page; the admin's own replay is the positive
// control that proves the captured call does work. Read access is checked page by page.
import type { Page } from '@playwright/test';
import matrix from '@/lib/auth/role-matrix.json' with { type: 'json' };
import { DEMO_PROJECTS } from '@/lib/demo/organisation';
import type { AccountRole } from './support/paths';
import { inviteByAction, seedUser } from './support/seed';
import { captureAction, replayAction, type CapturedAction } from './support/server-actions';
import { expect, readAccounts, syntheticAddress, test, uniqueEmail, waitForHydration } from './support/test';
import { expectUserRow, findUserRow } from './support/users-page';

type Rule = 'allow' | 'deny' | 'assigned';
type Row = Record<AccountRole, Rule> & { mutation: boolean };

const ROLES: AccountRole[] = ['admin', 'onboarder', 'reviewer'];
const ACTIONS = Object.entries(matrix.actions as Record<string, Row>);

const [storefront, checkout] = DEMO_PROJECTS;
if (!storefront || !checkout) throw new Error('The sandbox seeds at least two demo projects');

interface Target {
  email: string;
  userId?: string;
  invitationUrl?: string;
}

interface SeedTools {
  admin: Page;
  inviteAndAccept: (role: 'reviewer' | 'onboarder', projectIds?: string[]) => Promise<Target>;
  inviteOnly: (role: 'reviewer' | 'onboarder') => Promise<Target>;
}

/** How to make the admin's UI send one action, and how its effect shows on the Users page. */
interface Driver {
  seed: (tools: SeedTools) => Promise<Target>;
  /** UI steps ending in the click that sends the action. */
  send: (admin: Page, target: Target) => Promise<void>;
  expectUnchanged: (admin: Page, target: Target) => Promise<void>;
  expectChanged: (admin: Page, target: Target) => Promise<void>;
}

async function openRowAction(admin: Page, email: string, button: string): Promise<void> {
  const { row } = await findUserRow(admin, email, { interactive: true });
  await row.getByRole('button', { name: `${button} ${email}` }).click();
}

async function invitationPageHeading(admin: Page, url: string): Promise<string> {
  const html = await (await admin.request.get(url)).text();
  return /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1] ?? '';
}

const sortedTitles = (...projects: { id: string; title: string }[]) =>
  [...projects].sort((a, b) => a.id.localeCompare(b.id)).map((project) => project.title);

const DRIVERS: Record<string, Driver> = {
  'user.invite': {
    seed: async () => ({ email: uniqueEmail('matrix-invite') }),
    send: async (admin, target) => {
      await admin.goto('/users');
      await waitForHydration(admin, 'main button');
      await admin.getByRole('button', { name: 'Invite user' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Invite a user' });
      await dialog.getByLabel('E-mail').fill(target.email);
      await dialog.getByLabel('Role').selectOption('reviewer');
      await dialog.getByRole('button', { name: 'Create invitation' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await admin.goto(`/users?q=${encodeURIComponent(target.email)}`);
      await expect(admin.getByRole('heading', { name: `No users match “${target.email}”` })).toBeVisible();
    },
    expectChanged: (admin, target) => expectUserRow(admin, target.email, { role: 'Reviewer', status: 'invited' }),
  },
  'user.reissue_invitation': {
    seed: ({ inviteOnly }) => inviteOnly('reviewer'),
    send: async (admin, target) => {
      await openRowAction(admin, target.email, 'New invitation link for');
      await admin.getByRole('dialog', { name: `New invitation link for ${target.email}` }).getByRole('button', { name: 'Create new link' }).click();
    },
    expectUnchanged: async (admin, target) => {
      await expectUserRow(admin, target.email, { status: 'invited' });
      expect(await invitationPageHeading(admin, target.invitationUrl ?? '')).toBe('Join Keywarden');
    },
    expectChanged: async (admin, target) => {
      expect(await invitationPageHeading(admin, target.invitationUrl ?? '')).toBe('Invitation not valid');
    },
  },
  'user.change_role': {
    seed: ({ inviteAndAccept }) => inviteAndAccept('reviewer'),
    send: async (admin, target) => {
      await openRowAction(admin, target.email, 'Change role of');
      const dialog = admin.getByRole('dialog', { name: `Change role of ${target.email}` });
      await dialog.getByLabel('New role').selectOption('onboarder');
      await dialog.getByRole('button', { name: 'Change role' }).click();
    },
    expectUnchanged: (admin, target) => expectUserRow(admin, target.email, { role: 'Reviewer', status: 'active' }),
    expectChanged: (admin, target) => expectUserRow(admin, target.email, { role: 'Onboarder', status: 'active' }),
  },
  'user.assign_projects': {
    seed: ({ inviteAndAccept }) => inviteAndAccept('onboarder', [storefront.id]),
    send: async (admin, target) => {
      await openRowAction(admin, target.email, 'Projects of');
      const dialog = admin.getByRole('dialog', { name: `Projects of ${target.email}` });
      await dialog.getByRole('checkbox', { name: checkout.title }).check();
      await dialog.getByRole('button', { name: 'Save projects' }).click();
    },
    expectUnchanged: (admin, target) => expectUserRow(admin, target.email, { projects: sortedTitles(storefront) }),
    expectChanged: (admin, target) => expectUserRow(admin, target.email, { projects: sortedTitles(storefront, checkout) }),
  },
  'user.disable': {
    seed: ({ inviteAndAccept }) => inviteAndAccept('reviewer'),
    send: async (admin, target) => {
      await openRowAction(admin, target.email, 'Disable');
      await admin.getByRole('dialog', { name: `Disable ${target.email}?` }).getByRole('button', { name: 'Disable user' }).click();
    },
    expectUnchanged: (admin, target) => expectUserRow(admin, target.email, { status: 'active' }),
    expectChanged: (admin, target) => expectUserRow(admin, target.email, { status: 'disabled' }),
  },
  'user.enable': {
    seed: async ({ admin, inviteAndAccept }) => {
      const target = await inviteAndAccept('reviewer');
      // Disabled through the UI first (not captured, not held back).
      await openRowAction(admin, target.email, 'Disable');
      const dialog = admin.getByRole('dialog', { name: `Disable ${target.email}?` });
      await dialog.getByRole('button', { name: 'Disable user' }).click();
      await expect(dialog).toBeHidden();
      await expectUserRow(admin, target.email, { status: 'disabled' });
      return target;
    },
    send: async (admin, target) => {
      await openRowAction(admin, target.email, 'Enable');
      await admin.getByRole('dialog', { name: `Enable ${target.email}?` }).getByRole('button', { name: 'Enable user' }).click();
    },
    expectUnchanged: (admin, target) => expectUserRow(admin, target.email, { status: 'disabled' }),
    expectChanged: (admin, target) => expectUserRow(admin, target.email, { status: 'active' }),
  },
};

test.describe('every mutation in the role matrix, replayed with each role’s session', () => {
  for (const [action, row] of ACTIONS.filter(([, entry]) => entry.mutation)) {
    test(action, async ({ pageAs, newApiClient, baseURL }) => {
      const driver = DRIVERS[action];
      if (!driver) throw new Error(`role-matrix.json lists ${action}, but this spec has no driver for it: add one`);
      const denied = ROLES.filter((role) => row[role] === 'deny');
      const allowed = ROLES.filter((role) => row[role] === 'allow');
      const scoped = ROLES.filter((role) => row[role] !== 'deny' && row[role] !== 'allow');
      if (scoped.length > 0) throw new Error(`${action}: project-scoped rules (${scoped.join(', ')}) need a driver with assigned projects`);
      expect(allowed, 'the captured call is the admin’s, so the admin must be allowed').toContain('admin');

      const admin = await pageAs('admin');
      const adminApi = await newApiClient({ as: 'admin' });
      const target = await driver.seed({
        admin,
        inviteAndAccept: async (role, projectIds) => {
          const user = await seedUser(adminApi, await newApiClient(), { role, projectIds, baseUrl: baseURL ?? '', label: `matrix-${role}` });
          return { email: user.email, userId: user.userId };
        },
        inviteOnly: async (role) => {
          const email = uniqueEmail(`matrix-${role}`);
          const link = await inviteByAction(adminApi, { email, role });
          return { email, userId: link.userId, invitationUrl: link.url };
        },
      });
      await driver.expectUnchanged(admin, target);

      // The admin's call, held back: it never reaches the server.
      const call: CapturedAction = await captureAction(admin, () => driver.send(admin, target), { block: true });
      expect(call.headers['next-action']).toMatch(/^[0-9a-f]{40,}$/);
      await driver.expectUnchanged(admin, target);

      const accounts = readAccounts();
      for (const role of denied) {
        const address = syntheticAddress();
        const client = await newApiClient({ as: role, clientAddress: address });
        const { result } = await replayAction(client, call);
        expect(result, `${action} replayed as ${role}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        await driver.expectUnchanged(admin, target);

        const email = accounts[role].email;
        await admin.goto(`/audit?action=${action}&outcome=refused&actor=${encodeURIComponent(email)}`);
        const entry = admin.getByRole('region', { name: 'Audit events table' }).getByRole('row').filter({ hasText: address });
        await expect(entry, `audit entry of ${role}'s refused ${action}`).toHaveCount(1);
        for (const text of [email, role, action, 'refused']) await expect(entry).toContainText(text);
      }

      // Positive control: the same call, from a session that may make it, takes effect.
      const [first, ...others] = [...allowed.filter((role) => role !== 'admin'), 'admin' as const];
      const firstClient = first === 'admin' ? adminApi : await newApiClient({ as: first });
      const { result } = await replayAction(firstClient, call);
      expect(result, `${action} replayed as ${first}`).toMatchObject({ ok: true });
      await driver.expectChanged(admin, target);
      for (const role of others) {
        const { result: again } = await replayAction(await newApiClient({ as: role }), call);
        expect(again, `${action} replayed as ${role}`).not.toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    });
  }
});

const READ_PAGES: Record<string, { path: string; heading: string; denied?: string }> = {
  'dashboard.read': { path: '/', heading: 'Overview' },
  'audit.read': { path: '/audit', heading: 'Audit', denied: 'The audit log is visible to admins and reviewers.' },
  'user.list': { path: '/users', heading: 'Users', denied: 'Dashboard users are visible to admins and reviewers.' },
};

test.describe('read access follows the role matrix', () => {
  for (const role of ROLES) {
    test(`${role}: pages and menu`, async ({ pageAs }) => {
      const page = await pageAs(role);
      await page.goto('/');
      const menu = page.getByRole('navigation', { name: 'Main' });
      for (const [action, row] of ACTIONS.filter(([, entry]) => !entry.mutation)) {
        const target = READ_PAGES[action];
        if (!target) throw new Error(`role-matrix.json lists ${action}, but this spec does not know its page: add it`);
        const isAllowed = row[role] === 'allow';
        if (target.path !== '/') {
          await expect(menu.getByRole('link', { name: target.heading, exact: true }), `${role} menu: ${target.heading}`).toHaveCount(isAllowed ? 1 : 0);
        }
        await page.goto(target.path);
        await expect(page.getByRole('heading', { name: target.heading, level: 1 })).toBeVisible();
        const denial = page.getByText('You do not have access to this page');
        if (isAllowed) {
          await expect(denial, `${role} on ${target.path}`).toHaveCount(0);
        } else {
          await expect(denial, `${role} on ${target.path}`).toBeVisible();
          if (target.denied) await expect(page.getByRole('main')).toContainText(target.denied);
          // No data leaks past the message.
          await expect(page.getByRole('table')).toHaveCount(0);
        }
      }
    });
  }

  test('a reviewer sees the users read-only, with no invite, change or disable controls', async ({ pageAs }) => {
    const page = await pageAs('reviewer');
    await page.goto('/users');
    await expect(page.getByText('Reviewers can see users but not change them.')).toBeVisible();
    const table = page.getByRole('region', { name: 'Users table' });
    await expect(table.getByRole('cell', { name: readAccounts().admin.email })).toBeVisible();
    await expect(table.getByRole('columnheader', { name: 'Actions' })).toHaveCount(0);
    await expect(page.getByRole('main').getByRole('button', { name: /Invite|Disable|Enable|Change role|Projects|invitation link/ })).toHaveCount(0);
  });

  test('an onboarder’s refused visit to the Users page is on the audit record', async ({ pageAs, clientAddress }) => {
    // pageAs opens its own context; use the test's address to find this very visit.
    const onboarder = await pageAs('onboarder');
    await onboarder.context().setExtraHTTPHeaders({ 'X-Forwarded-For': clientAddress });
    await onboarder.goto('/users');
    await expect(onboarder.getByText('You do not have access to this page')).toBeVisible();
    const admin = await pageAs('admin');
    const email = readAccounts().onboarder.email;
    await admin.goto(`/audit?action=user.list&outcome=refused&actor=${encodeURIComponent(email)}`);
    const entry = admin.getByRole('region', { name: 'Audit events table' }).getByRole('row').filter({ hasText: clientAddress });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText('onboarder');
  });
});
