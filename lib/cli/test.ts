// `npm test` — the whole suite, the same on a laptop and in CI:
//   1. type check and lint (in parallel)
//   2. unit and integration tests (Vitest), integration on PGlite and on a real PostgreSQL server,
//      while the production build runs beside them
//   3. end-to-end tests (Playwright, Chromium) against that build
// Without TEST_DATABASE_URL a throw-away PostgreSQL server is started on loopback and removed after.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgresServer, type PostgresServer } from '@/lib/testing/postgres-server';
import { readTestReport } from '@/lib/testing/test-reports';

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  passed?: number;
  failed?: number;
  failures?: string[];
}

const reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-test-'));

function run(name: string, command: string, args: string[], env: Record<string, string | undefined> = {}): Promise<StepResult> {
  const started = Date.now();
  console.log(`\n▶ ${name}: ${command} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    });
    child.on('close', (code) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      console.log(`${code === 0 ? '✔' : '✘'} ${name} (${seconds}s)`);
      resolve({ name, ok: code === 0, seconds });
    });
  });
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const wants = (step: string) => only.length === 0 || only.includes(step);
  const results: StepResult[] = [];

  if (wants('static')) {
    results.push(...(await Promise.all([run('type check', 'npx', ['tsc', '--noEmit']), run('lint', 'npx', ['eslint', '--max-warnings=0', '.'])])));
  }

  let postgres: PostgresServer | undefined;
  let databaseUrl = process.env.TEST_DATABASE_URL;
  const needsPostgres = wants('vitest');
  if (needsPostgres && !databaseUrl) {
    console.log('\n▶ starting a throw-away PostgreSQL server on loopback');
    postgres = await startPostgresServer();
    databaseUrl = postgres.url;
  }
  try {
    const vitestReport = path.join(reportsDir, 'vitest.json');
    const parallel: Promise<StepResult>[] = [];
    if (wants('vitest')) {
      parallel.push(
        run('unit and integration tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`], {
          TEST_DATABASE_URL: databaseUrl,
        }).then((result) => ({ ...result, ...readTestReport(vitestReport, 'vitest') })),
      );
    }
    if (wants('e2e')) parallel.push(run('production build', 'npm', ['run', 'build']));
    results.push(...(await Promise.all(parallel)));
  } finally {
    postgres?.stop();
  }

  if (wants('e2e')) {
    const build = results.find((result) => result.name === 'production build');
    if (build?.ok) {
      const playwrightReport = path.join(reportsDir, 'playwright.json');
      const result = await run('end-to-end tests', 'npx', ['playwright', 'test', '--reporter=list,json'], {
        PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
      });
      results.push({ ...result, ...readTestReport(playwrightReport, 'playwright') });
    } else {
      results.push({ name: 'end-to-end tests', ok: false, seconds: 0 });
    }
  }

  console.log('\nSummary');
  for (const result of results) {
    const counts = result.passed !== undefined ? ` — ${result.passed} passed, ${result.failed} failed` : '';
    console.log(`  ${result.ok ? '✔' : '✘'} ${result.name} (${result.seconds}s)${counts}`);
    for (const failure of result.failures ?? []) console.log(`      ✘ ${failure}`);
  }
  const passed = results.reduce((sum, result) => sum + (result.passed ?? 0), 0);
  // A step that failed without reporting test counts (a type error, a crashed runner) counts as one
  // failure, so that the closing line never reads as a clean run.
  const failed = results.reduce((sum, result) => sum + (result.failed ?? 0) + (!result.ok && !result.failed ? 1 : 0), 0);
  const allOk = results.length > 0 && results.every((result) => result.ok);
  // The plain closing line CI reads: tests counted across Vitest and Playwright.
  console.log(`\nTests: ${passed} passed, ${failed} failed`);
  fs.rmSync(reportsDir, { recursive: true, force: true });
  process.exit(allOk ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
