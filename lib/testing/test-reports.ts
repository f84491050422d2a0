// Reads the JSON reports of Vitest and Playwright for `npm test`'s summary: counts, and the name and
// first error line of each failed test (CI keeps only the tail of a long log).
import fs from 'node:fs';
import path from 'node:path';

export interface TestCounts {
  passed: number;
  failed: number;
  failures: string[];
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

export function vitestFailures(report: VitestReport): string[] {
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

export function playwrightFailures(suites: PlaywrightSuite[] = [], file = ''): string[] {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? []).flatMap((spec) =>
      (spec.tests ?? [])
        .filter((test) => test.status === 'unexpected')
        .map((test) => `${suite.file ?? file}:${spec.line ?? ''} › ${spec.title}: ${firstLine(test.results?.at(-1)?.error?.message)}`),
    ),
    ...playwrightFailures(suite.suites, suite.file ?? file),
  ]);
}

export function readTestReport(file: string, kind: 'vitest' | 'playwright'): TestCounts | undefined {
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
