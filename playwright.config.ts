// End-to-end tests against the production build, on a fresh data directory per run.
//
//   npm run build && npx playwright test
//
// Global set-up starts the built server (`npm start`'s .next/keywarden/start.mjs) on a free port with KEYWARDEN_TRUSTED_PROXY_HOPS=1, so each
// test can claim its own client address with X-Forwarded-For (sign-in throttling is per address).
// Projects run in order: first-run (the printed set-up link, through the UI) → accounts (reviewer
// and onboarder through the real invitation flow) → the specs.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { E2E_DIR_ENV, E2E_PORT_ENV } from './e2e/support/paths';

/** Asks the OS for a free loopback port (synchronously: the config cannot await). */
function freePort(): number {
  const script =
    "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
}

// Chosen once in the runner; workers inherit these variables and reuse them.
process.env[E2E_PORT_ENV] ??= String(freePort());
process.env[E2E_DIR_ENV] ??= path.join(os.tmpdir(), `keywarden-e2e-${randomUUID()}`);

const port = Number(process.env[E2E_PORT_ENV]);
const baseURL = `http://localhost:${port}`;

/** The specs that onboard through the REST API as a script would (see the project below). */
const API_SCRIPTS = /api-(write|walkthrough)\.spec\.ts$/;
/** Several instances behind HAProxy (issue 19.2): four servers of its own, so it runs last, alone. */
const INSTANCES = /instances\.spec\.ts$/;

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const launchOptions = fs.existsSync(DEBIAN_CHROMIUM)
  ? {
      executablePath: DEBIAN_CHROMIUM,
      // Without these Chromium keeps trying to reach the internet (ENVIRONMENT.md).
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    }
  : {};

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  // No retries: a flaky test is a bug to fix, not to hide.
  retries: 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL,
    trace: 'retain-on-first-failure',
    screenshot: 'only-on-failure',
    launchOptions,
  },
  projects: [
    {
      name: 'first-run',
      testMatch: /first-run\.spec\.ts$/,
      use: { ...devices['Desktop Chrome'] },
    },
    {
      name: 'accounts',
      testMatch: /accounts\.setup\.ts$/,
      dependencies: ['first-run'],
      use: { ...devices['Desktop Chrome'] },
    },
    {
      name: 'chromium',
      testMatch: /\.spec\.ts$/,
      // The README's screenshots are taken on request only (KEYWARDEN_CAPTURE_README=1): they check nothing.
      testIgnore: [...(process.env.KEYWARDEN_CAPTURE_README ? [] : [/readme-screenshots\.spec\.ts$/]), /first-run\.spec\.ts$/, API_SCRIPTS, INSTANCES],
      dependencies: ['accounts'],
      use: { ...devices['Desktop Chrome'] },
    },
    {
      // Scripts driving the REST API choose their project at run time (a free environment): they run
      // after the other specs, whose fixed projects and counts they would otherwise disturb.
      name: 'api-scripts',
      testMatch: API_SCRIPTS,
      dependencies: ['chromium'],
      use: { ...devices['Desktop Chrome'] },
    },
    {
      // Three servers on one PostgreSQL behind HAProxy (deploy/haproxy.cfg), with a simulator of its
      // own: nothing of the shared server's. After everything else, so that it has the machine to
      // itself. Alone: `npx playwright test --project=instances --no-deps`.
      name: 'instances',
      testMatch: INSTANCES,
      dependencies: ['api-scripts'],
      timeout: 120_000,
    },
  ],
});
