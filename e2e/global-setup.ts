// Starts the production build on a fresh data directory, the way an operator would on first run:
// no admin is configured, so the server prints a one-time set-up link on stdout, which the
// first-run project then follows through the UI.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { startOidcProvider, type TestOidcProvider } from '@/lib/testing/oidc-provider';
import { E2E_PORT_ENV, e2eDir, paths } from './support/paths';
import { logTail, ownServerEnvironment, spawnServer, stopServer, waitForHealth, type ServerProcess } from './support/server-process';
import { SSO_IDENTITIES, SSO_NAME, SSO_ROLE_MAP } from './support/sso';
import { SEEDED_FAILED_JOBS } from './support/failed-jobs';
import { writeJson, type ServerState } from './support/server-state';

const START_TIMEOUT_MS = 120_000;
const POLL_MS = 100;

function projectRoot(config: FullConfig): string {
  return config.configFile ? path.dirname(config.configFile) : process.cwd();
}

function newestSourceChange(root: string): number {
  let newest = 0;
  const visit = (entry: string) => {
    const stat = fs.statSync(entry, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
    } else if (/\.(tsx?|css|json|js|mjs)$/.test(entry) && !/\.test\.tsx?$/.test(entry)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const entry of ['app', 'components', 'lib', 'proxy.ts', 'next.config.js']) visit(path.join(root, entry));
  return newest;
}

/** The variables of the server under test: this run's, never the developer's own configuration. */
function serverEnvironment(port: number, sso: TestOidcProvider): NodeJS.ProcessEnv {
  return ownServerEnvironment(port, {
    KEYWARDEN_DATA_DIR: paths.dataDir(),
    // One trusted hop: each test claims its own client address with X-Forwarded-For.
    KEYWARDEN_TRUSTED_PROXY_HOPS: '1',
    // Single sign-on against a real OpenID Connect provider on loopback (lib/testing/oidc-provider.ts).
    KEYWARDEN_OIDC_ISSUER: sso.issuer,
    KEYWARDEN_OIDC_CLIENT_ID: sso.clientId,
    KEYWARDEN_OIDC_CLIENT_SECRET: sso.clientSecret,
    KEYWARDEN_OIDC_NAME: SSO_NAME,
    KEYWARDEN_OIDC_ROLE_CLAIM: sso.roleClaim,
    KEYWARDEN_OIDC_ROLE_MAP: SSO_ROLE_MAP,
  });
}

async function waitForStartup(server: ServerProcess, logFile: string): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const exitCode = server.exitCode();
    if (exitCode !== null) throw new Error(`The server exited (code ${exitCode}) before it was ready:\n${logTail(logFile)}`);
    const log = fs.readFileSync(logFile, 'utf8');
    const setupUrl = /^\s+(https?:\/\/\S+\/setup\/\S+)\s*$/m.exec(log)?.[1];
    if (setupUrl && /is running at/.test(log)) return setupUrl;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await stopServer(server.pid, { crash: true });
  throw new Error(`The server did not print its set-up link within ${START_TIMEOUT_MS / 1000}s:\n${logTail(logFile)}`);
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const root = projectRoot(config);
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!fs.existsSync(buildId)) {
    throw new Error('No production build (.next/BUILD_ID is missing). Run `npm run build` first, then `npx playwright test`.');
  }
  if (newestSourceChange(root) > fs.statSync(buildId).mtimeMs) {
    console.warn('⚠ App sources changed after the last `npm run build`: these tests run against the older build.');
  }

  const port = Number(process.env[E2E_PORT_ENV]);
  const baseUrl = `http://localhost:${port}`;
  fs.mkdirSync(path.join(e2eDir(), 'auth'), { recursive: true, mode: 0o700 });
  fs.mkdirSync(paths.dataDir(), { recursive: true, mode: 0o700 });
  const logFile = paths.serverLog();

  // Failed background jobs for Settings → Jobs, written before the server opens the database.
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'e2e', 'support', 'seed-failed-jobs.ts'), paths.dataDir(), String(SEEDED_FAILED_JOBS)], {
    cwd: root,
    stdio: 'inherit',
  });

  // The identity provider lives in this (the runner's) process until the returned teardown.
  const sso = await startOidcProvider({ redirectUri: `${baseUrl}/api/auth/callback/oidc`, identities: SSO_IDENTITIES });
  const server = spawnServer(root, serverEnvironment(port, sso), logFile);
  const pid = server.pid;

  try {
    const setupUrl = await waitForStartup(server, logFile);
    await waitForHealth(baseUrl, server, logFile);
    const state: ServerState = { baseUrl, setupUrl, dataDir: paths.dataDir(), pid, logFile };
    writeJson(paths.server(), state);
  } catch (error) {
    await stopServer(pid, { crash: true });
    await sso.stop();
    // Global teardown does not run after a failed set-up: leave nothing behind (the error carries
    // the log's tail).
    fs.rmSync(e2eDir(), { recursive: true, force: true });
    throw error;
  }
  return () => sso.stop();
}
