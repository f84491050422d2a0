import { describe, expect, it } from 'vitest';
import { playwrightFailures, vitestFailures } from './test-reports';

describe('npm test’s summary of failed tests', () => {
  it('names a failed Vitest test with its file and the first line of its error, colour codes removed', () => {
    const failures = vitestFailures({
      numPassedTests: 1,
      numFailedTests: 1,
      testResults: [
        {
          name: `${process.cwd()}/lib/domain/tokens/redeploys.int.test.ts`,
          message: '',
          assertionResults: [
            { status: 'passed', fullName: 'redeploy following on pglite records a redeploy' },
            {
              status: 'failed',
              fullName: 'redeploy following on postgresql runs through the job queue',
              failureMessages: ['\u001b[31mAssertionError: expected 1 to be greater than or equal to 2\u001b[39m\n    at redeploys.int.test.ts:220:30'],
            },
          ],
        },
      ],
    });
    expect(failures).toEqual([
      'lib/domain/tokens/redeploys.int.test.ts › redeploy following on postgresql runs through the job queue: AssertionError: expected 1 to be greater than or equal to 2',
    ]);
  });

  it('names a Vitest file that failed before any of its tests ran', () => {
    const failures = vitestFailures({
      testResults: [{ name: `${process.cwd()}/lib/db/broken.int.test.ts`, message: '\nError: Hook timed out in 120000ms\nmore', assertionResults: [{ status: 'skipped', fullName: 'x' }] }],
    });
    expect(failures).toEqual(['lib/db/broken.int.test.ts: Error: Hook timed out in 120000ms']);
  });

  it('names each unexpected Playwright test in nested suites, not the flaky or passed ones', () => {
    const failures = playwrightFailures([
      {
        file: 'tokens.spec.ts',
        specs: [{ title: 'records a token', line: 104, tests: [{ status: 'expected', results: [{}] }] }],
        suites: [
          {
            specs: [
              { title: 'rotates a token', line: 206, tests: [{ status: 'unexpected', results: [{ error: { message: 'first try' } }, { error: { message: 'Error: expect(locator).toBeVisible() failed\nLocator: …' } }] }] },
              { title: 'revokes a token', line: 270, tests: [{ status: 'flaky', results: [{ error: { message: 'once' } }, {}] }] },
            ],
          },
        ],
      },
    ]);
    expect(failures).toEqual(['tokens.spec.ts:206 › rotates a token: Error: expect(locator).toBeVisible() failed']);
  });
});
