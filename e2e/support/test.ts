// The `test` every spec imports. Each test (and each extra browser or API context it opens) gets a
// synthetic client address of its own through X-Forwarded-For — the server trusts one proxy hop in
// end-to-end runs — so per-address sign-in throttling never leaks from one test into another.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  test as base,
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import { paths, type AccountRole } from './paths';
import { readJson, readServerState, type ServerState } from './server-state';

export { expect };

export interface Credentials {
  email: string;
  password: string;
}

export type SharedAccounts = Record<AccountRole, Credentials>;

let addressesHandedOut = 0;

/**
 * A private-range address no other test of this run uses: the second octet is the worker (unique
 * per run, even for workers restarted after a failure), the last two count within the worker.
 */
export function syntheticAddress(): string {
  const worker = Number(process.env.TEST_WORKER_INDEX ?? 0);
  addressesHandedOut += 1;
  if (worker > 254 || addressesHandedOut > 65_535) throw new Error('Out of synthetic client addresses');
  return `10.${worker + 1}.${addressesHandedOut >> 8}.${addressesHandedOut & 255}`;
}

/** A unique, valid e-mail address for data a test seeds for itself. */
export function uniqueEmail(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@e2e.keywarden.test`;
}

/** A password that passes validation and differs per call. */
export function uniquePassword(): string {
  return `e2e-${randomBytes(12).toString('base64url')}`;
}

export function readAccounts(): SharedAccounts {
  return readJson<SharedAccounts>(paths.accounts(), 'The shared accounts file');
}

export interface ClientOptions {
  /** A shared account's saved session, or a storage-state file. */
  as?: AccountRole;
  storageState?: string;
  /** The X-Forwarded-For address to claim; a fresh synthetic one by default. */
  clientAddress?: string;
}

interface Fixtures {
  server: ServerState;
  clientAddress: string;
  /** A new browser context with its own client address (and, optionally, a saved session). */
  newClient: (options?: ClientOptions) => Promise<BrowserContext>;
  /** A new API context with its own client address (and, optionally, a saved session). */
  newApiClient: (options?: ClientOptions) => Promise<APIRequestContext>;
  /** A signed-in page of a shared account, in its own context. */
  pageAs: (role: AccountRole) => Promise<Page>;
}

function storageStateOf(options: ClientOptions | undefined): string | undefined {
  if (options?.storageState) return options.storageState;
  return options?.as ? paths.storageState(options.as) : undefined;
}

async function openClient(browser: Browser, baseURL: string, options?: ClientOptions): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    storageState: storageStateOf(options),
    extraHTTPHeaders: { 'X-Forwarded-For': options?.clientAddress ?? syntheticAddress() },
  });
}

export const test = base.extend<Fixtures>({
  server: async ({}, provide) => {
    await provide(readServerState());
  },
  clientAddress: async ({}, provide, testInfo) => {
    const address = syntheticAddress();
    testInfo.annotations.push({ type: 'client address', description: address });
    await provide(address);
  },
  extraHTTPHeaders: async ({ extraHTTPHeaders, clientAddress }, provide) => {
    await provide({ ...extraHTTPHeaders, 'X-Forwarded-For': clientAddress });
  },
  newClient: async ({ browser, baseURL }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async (options) => {
      const context = await openClient(browser, baseURL ?? '', options);
      contexts.push(context);
      return context;
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
  newApiClient: async ({ baseURL }, provide) => {
    const clients: APIRequestContext[] = [];
    await provide(async (options) => {
      const client = await playwrightRequest.newContext({
        baseURL,
        storageState: storageStateOf(options),
        extraHTTPHeaders: { 'X-Forwarded-For': options?.clientAddress ?? syntheticAddress() },
      });
      clients.push(client);
      return client;
    });
    await Promise.all(clients.map((client) => client.dispose()));
  },
  pageAs: async ({ newClient }, provide) => {
    await provide(async (role) => (await newClient({ as: role })).newPage());
  },
});

/**
 * Resolves once React has hydrated `selector` (it attaches its props to the DOM node). Before that
 * a click may reach a form with no handler yet and submit it natively.
 */
export async function waitForHydration(page: Page, selector = 'form'): Promise<void> {
  await page.waitForFunction(
    (target) => {
      const element = document.querySelector(target);
      return element !== null && Object.keys(element).some((key) => key.startsWith('__reactProps$'));
    },
    selector,
  );
}

/** Signs in through the sign-in form, as a person does (the second step, if any, follows). */
export async function signInWithPassword(page: Page, credentials: { email: string; password: string }, path = '/'): Promise<void> {
  await page.goto(path);
  await waitForHydration(page);
  await page.getByLabel('E-mail').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
