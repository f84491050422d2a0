// The sandbox's Platform.sh simulator as a spec reaches it from outside Keywarden: its URL (from the
// line the start command prints) and the dashboard's credential, which the simulator derives from
// the random key in the server's data directory (the fixed demo token of the source is refused);
// and its Console, where a machine user creates a token.
import fs from 'node:fs';
import path from 'node:path';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { secretsDirectory } from '@/lib/config/secrets';
import { demoDashboardToken } from '@/lib/platformsh/simulator';
import type { ServerState } from './server-state';

const SIMULATOR_LINE = /Sandbox: the Platform\.sh API simulator answers at (http:\/\/\S+)/;

export function sandboxSimulatorUrl(server: ServerState): string {
  const url = SIMULATOR_LINE.exec(fs.readFileSync(server.logFile, 'utf8'))?.[1];
  if (!url) throw new Error(`The server log ${server.logFile} names no simulator URL: is the server in sandbox mode?`);
  return url;
}

export function sandboxDashboardToken(server: Pick<ServerState, 'dataDir'>): string {
  const key = fs.readFileSync(path.join(secretsDirectory(server), 'sandbox-simulator.key'), 'utf8').trim();
  return demoDashboardToken(key);
}

/**
 * The machine user creates a token in the simulator's Console: opens the page (which mints
 * nothing), presses "Create token", and reads the value shown there once. In a new tab of `context`.
 */
export async function createTokenInConsole(context: BrowserContext, consoleHref: string): Promise<string> {
  const consolePage = await context.newPage();
  await consolePage.goto(consoleHref);
  await consolePage.getByRole('button', { name: 'Create token' }).click();
  const token = ((await consolePage.locator('#api-token').textContent()) ?? '').trim();
  await consolePage.close();
  return token;
}

export const CONSOLE_LINK_NAME = 'Open the simulator’s Console as this machine user';

/** The machine user creates a token in the simulator's Console, through the link on the page shown. */
export async function tokenFromConsoleLink(page: Page, linkName = CONSOLE_LINK_NAME): Promise<string> {
  const href = await page.getByRole('link', { name: linkName }).getAttribute('href');
  expect(href).toMatch(/\/_console\/users\/[^/]+\/api-tokens\/new/);
  const token = await createTokenInConsole(page.context(), href!);
  expect(token.length).toBeGreaterThan(20);
  return token;
}
