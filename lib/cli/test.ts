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

type Report = Record<string, unknown>;

interface VitestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  testResults?: { name: string; message?: string; assertionResults?: { status: string; fullName: string; failureMessages?: string[] }[] }[];
}

interface PlaywrightSuite {
  file?: string;
  suites?: PlaywrightSuite[];
  specs?: { title: string; line?: number; tests?: { status?: string; results?: { error?: { message?: string } }[] }[] }[];
}

// The first line of an error, without colour codes, short enough for CI's tail of the output.
function firstLine(message: string | undefined): string {
  const line = (message ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((text) => text.trim() !== '') ?? '';
  return line.trim().slice(0, 240);
}

function vitestFailures(report: VitestReport): string[] {
  const failures: string[] = [];
  for (const file of report.testResults ?? []) {
    const relative = path.relative(process.cwd(), file.name);
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failed) failures.push(`${relative} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    // A file that failed before any test ran (an import error, a hook timeout) has no failed test.
    if (failed.length === 0 && file.message) failures.push(`${relative}: ${firstLine(file.message)}`);
  }
  return failures;
}

function playwrightFailures(suites: PlaywrightSuite[] = [], file = ''): string[] {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? []).flatMap((spec) =>
      (spec.tests ?? [])
        .filter((test) => test.status === 'unexpected')
        .map((test) => `${suite.file ?? file}:${spec.line ?? ''} › ${spec.title}: ${firstLine(test.results?.at(-1)?.error?.message)}`),
    ),
    ...playwrightFailures(suite.suites, suite.file ?? file),
  ]);
}

// Counts and the names of failed tests, so that the summary at the end of a long log says which
// test failed (CI keeps only the tail of the output).
function readReport(file: string, kind: 'vitest' | 'playwright'): Pick<StepResult, 'passed' | 'failed' | 'failures'> | undefined {
  if (!fs.existsSync(file)) return undefined;
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
  if (kind === 'vitest') {
    const vitest = report as VitestReport;
    return { passed: Number(vitest.numPassedTests ?? 0), failed: Number(vitest.numFailedTests ?? 0), failures: vitestFailures(vitest) };
  }
  const stats = (report.stats ?? {}) as Record<string, number>;
  return {
    passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
    failed: stats.unexpected ?? 0,
    failures: playwrightFailures(report.suites as PlaywrightSuite[] | undefined),
  };
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
        }).then((result) => ({ ...result, ...readReport(vitestReport, 'vitest') })),
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
      results.push({ ...result, ...readReport(playwrightReport, 'playwright') });
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
