// Accessibility checks with axe-core: WCAG 2.0/2.1 A and AA rules; a serious or critical violation
// fails the test with a list a person can act on (rule, impact, what to fix, where).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

export async function expectNoSeriousA11yViolations(page: Page, label: string, options: { include?: string } = {}): Promise<void> {
  // Colours mid-transition (a button fading from its disabled shade as it becomes enabled) are
  // not the page's colours: let running transitions finish before axe samples contrast (transitions
  // only — a spinner's animation never finishes; and at most a second, as one restarted over and
  // over would not either).
  await page.evaluate(() =>
    Promise.race([
      Promise.all(document.getAnimations().filter((animation) => animation instanceof CSSTransition).map((animation) => animation.finished.catch(() => undefined))),
      new Promise((resolve) => setTimeout(resolve, 1000)),
    ]),
  );
  // After a server action the page's metadata is streamed again with the refreshed page, and for a
  // moment there may be no <title> (seen once on the enrolment step under load): wait for one, as a
  // page that never gets a title still fails here.
  await expect(page, `${label}: the page's title`).toHaveTitle(/\S/);
  let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  if (options.include) builder = builder.include(options.include);
  const results = await builder.analyze();
  if (results.violations.length > 0) {
    // Minor and moderate findings do not fail the test, but stay visible in the report.
    await test.info().attach(`axe: ${label}`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  }
  const blocking = results.violations
    .filter((violation) => BLOCKING_IMPACTS.has(violation.impact ?? ''))
    .map((violation) => {
      const where = violation.nodes
        .slice(0, 5)
        .map((node) => `${node.target.join(' ')}${node.failureSummary ? ` — ${node.failureSummary.replace(/\s+/g, ' ')}` : ''}`)
        .join('; ');
      return `${violation.id} (${violation.impact}): ${violation.help} [${violation.nodes.length} element(s): ${where}] ${violation.helpUrl}`;
    });
  // A rule set that checked nothing would make this assertion vacuous.
  expect(results.passes.length, `axe ran no passing checks on ${label}`).toBeGreaterThan(0);
  expect(blocking, `serious or critical accessibility violations on ${label}`).toEqual([]);
}
