// Starts the production build on a fresh data directory, the way an operator would on first run:
// no admin is configured, so the server prints a one-time set-up link on stdout, which the
// first-run project then follows through the UI.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { startOidcProvider, type TestOidcProvider } from '@/lib/testing/oidc-provider';
import { E2E_PORT_ENV, e2eDir, paths } from './support/paths';
import { SSO_IDENTITIES, SSO_NAME, SSO_ROLE_MAP } from './support/sso';
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
function serverEnvironment(baseUrl: string, port: number, sso: TestOidcProvider): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(KEYWARDEN_|PLATFORMSH_|NEXTAUTH_|DATABASE_URL$)/.test(name)),
  );
  return {
    ...inherited,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    KEYWARDEN_HOST: '127.0.0.1',
    KEYWARDEN_URL: baseUrl,
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
  };
}

function logTail(file: string): string {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return text.split('\n').slice(-40).join('\n');
}

function stopGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function waitForStartup(pid: number, logFile: string, hasExited: () => number | null): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const exitCode = hasExited();
    if (exitCode !== null) throw new Error(`The server exited (code ${exitCode}) before it was ready:\n${logTail(logFile)}`);
    const log = fs.readFileSync(logFile, 'utf8');
    const setupUrl = /^\s+(https?:\/\/\S+\/setup\/\S+)\s*$/m.exec(log)?.[1];
    if (setupUrl && /is running at/.test(log)) return setupUrl;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  stopGroup(pid);
  throw new Error(`The server did not print its set-up link within ${START_TIMEOUT_MS / 1000}s:\n${logTail(logFile)}`);
}

async function waitForHealth(baseUrl: string, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(new URL('/api/health', baseUrl));
      const body = (await response.json()) as { status?: string };
      if (response.ok && body.status === 'ok') return;
      last = `${response.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 5));
  }
  throw new Error(`/api/health did not report ok (last: ${last}):\n${logTail(logFile)}`);
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
  const logFd = fs.openSync(logFile, 'a', 0o600);

  // The identity provider lives in this (the runner's) process until the returned teardown.
  const sso = await startOidcProvider({ redirectUri: `${baseUrl}/api/auth/callback/oidc`, identities: SSO_IDENTITIES });

  // Its own process group (detached), so that teardown stops tsx and the node process it runs.
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['lib/cli/start.ts'], {
    cwd: root,
    env: serverEnvironment(baseUrl, port, sso),
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  let exitCode: number | null = null;
  child.on('exit', (code, signal) => {
    exitCode = code ?? (signal ? 128 : 1);
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('Could not start the server (no process id)');

  try {
    const setupUrl = await waitForStartup(pid, logFile, () => exitCode);
    await waitForHealth(baseUrl, logFile);
    const state: ServerState = { baseUrl, setupUrl, dataDir: paths.dataDir(), pid, logFile };
    writeJson(paths.server(), state);
  } catch (error) {
    stopGroup(pid);
    await sso.stop();
    // Global teardown does not run after a failed set-up: leave nothing behind (the error carries
    // the log's tail).
    fs.rmSync(e2eDir(), { recursive: true, force: true });
    throw error;
  }
  return () => sso.stop();
}
