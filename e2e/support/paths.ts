// Where one end-to-end run keeps its files. The config chooses a fresh directory name and a free
// port once, in the runner process, and hands both to global set-up and to the workers through the
// environment (workers inherit the runner's environment, and re-evaluate the config with it).
import path from 'node:path';

export const E2E_DIR_ENV = 'KEYWARDEN_E2E_DIR';
export const E2E_PORT_ENV = 'KEYWARDEN_E2E_PORT';

export type AccountRole = 'admin' | 'reviewer' | 'onboarder';

export function e2eDir(): string {
  const dir = process.env[E2E_DIR_ENV];
  if (!dir) throw new Error(`${E2E_DIR_ENV} is not set: run the suite through playwright.config.ts`);
  return dir;
}

export const paths = {
  /** Written by global set-up: where the server is and how to stop it. */
  server: () => path.join(e2eDir(), 'server.json'),
  /** The server's stdout and stderr. */
  serverLog: () => path.join(e2eDir(), 'server.log'),
  /** KEYWARDEN_DATA_DIR of the server under test. */
  dataDir: () => path.join(e2eDir(), 'data'),
  /** E-mail addresses and passwords of the shared accounts (test-only, removed by teardown). */
  accounts: () => path.join(e2eDir(), 'accounts.json'),
  /** Server actions captured from the UI, replayed to seed data quickly. */
  actions: () => path.join(e2eDir(), 'actions.json'),
  storageState: (role: AccountRole) => path.join(e2eDir(), 'auth', `${role}.json`),
};
