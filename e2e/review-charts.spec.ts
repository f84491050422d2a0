// The reviewer's pictures (issue 15 §7): findings by severity over time on /review, token age against
// the policy on /review/inventory. Each chart renders (an SVG in the image named by its summary) and
// its table holds the numbers: the specs share one sandbox and run two at a time, so the checks are
// ones other specs cannot upset — today's total against the summary counts on the same page, a row
// per bucket, the review demo's own tokens and findings (which no other spec changes). axe-clean with
// the tables open, in both themes, and no sideways scroll at 390 px.
import type { Locator, Page } from '@playwright/test';
import { AGE_BUCKET_DAYS } from '@/lib/review/inventory-query';
import { REVIEW_DEMO } from '@/lib/platformsh/simulator/review-demo';
import { expectNoSeriousA11yViolations } from './support/axe';
import { expect, test } from './support/test';

const PHONE = { width: 390, height: 844 };
const SEVERITIES = ['Critical', 'High', 'Medium', 'Low'] as const;

/** A computed colour's lightness from 0 to 1 (Chromium reports the palette's oklch() as lab(), others as rgb()). */
function lightness(colour: string): number {
  const perceptual = /^(ok)?(?:lab|lch)\(([\d.]+)(%?)/.exec(colour);
  if (perceptual) return Number(perceptual[2]) / (perceptual[3] || !perceptual[1] ? 100 : 1);
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(colour);
  return rgb ? (Number(rgb[1]) + Number(rgb[2]) + Number(rgb[3])) / (3 * 255) : 0;
}

/** The chart's own SVG (the legend's icons are SVGs too). */
const chartOf = (image: Locator) => image.locator('.recharts-wrapper > svg');

const numberIn = async (page: Page, name: RegExp) => Number((await page.getByRole('link', { name }).locator('span').first().innerText()).trim());

test('the Findings view charts findings by severity over time, with the same numbers as a table', async ({ pageAs }) => {
  const reviewer = await pageAs('reviewer');
  await reviewer.goto('/review');
  const section = reviewer.getByRole('region', { name: 'Findings by severity over time' });
  await expect(chartOf(section.getByRole('img', { name: /^Unresolved findings per day by severity/ }))).toBeVisible();
  // A bar per severity's series (the demo holds a critical finding, and the chart draws its bars).
  await expect(section.locator('.recharts-bar-rectangle').first()).toBeAttached();

  await section.getByText('Show as a table').click();
  const table = section.getByRole('region', { name: 'Findings by severity over time, table' });
  await expect(table).toBeVisible();
  await expect(table.getByRole('columnheader')).toHaveText(['Day', ...SEVERITIES, 'Total']);
  const rows = table.getByRole('row');
  const dayCount = (await rows.count()) - 1;
  expect(dayCount).toBeGreaterThanOrEqual(1);
  expect(dayCount).toBeLessThanOrEqual(90);

  // Newest first: today (UTC), whose numbers are the summary's open counts plus the accepted risks.
  // Other specs' changes can land between two reads, so the page is read again until they agree.
  await expect(async () => {
    await reviewer.reload();
    await reviewer.getByRole('region', { name: 'Findings by severity over time' }).getByText('Show as a table').click();
    const today = reviewer.getByRole('region', { name: 'Findings by severity over time, table' }).getByRole('row').nth(1);
    await expect(today.getByRole('rowheader')).toHaveText(new Date().toISOString().slice(0, 10));
    const cells = (await today.getByRole('cell').allInnerTexts()).map(Number);
    expect(cells).toHaveLength(5);
    // The review demo's compromised token is a critical finding no spec resolves.
    expect(cells[0]).toBeGreaterThanOrEqual(1);
    expect(cells[4]).toBe(cells.slice(0, 4).reduce((sum, value) => sum + value, 0));
    const open = await Promise.all(SEVERITIES.map((severity) => numberIn(reviewer, new RegExp(`^\\d+ ?${severity} open$`))));
    const accepted = await numberIn(reviewer, /^\d+ ?Accepted risks$/);
    expect(cells[4]).toBe(open.reduce((sum, value) => sum + value, 0) + accepted);
    for (const [index, count] of open.entries()) expect(cells[index]).toBeGreaterThanOrEqual(count);
  }).toPass({ timeout: 30_000 });

  await expectNoSeriousA11yViolations(reviewer, '/review with the chart’s table open');
});

test('the Inventory charts token age against the policy, with the same numbers as a table linking to each bucket', async ({ pageAs }) => {
  const reviewer = await pageAs('reviewer');
  await reviewer.goto('/review/inventory');
  const section = reviewer.getByRole('region', { name: 'Token age against the policy' });
  await expect(chartOf(section.getByRole('img', { name: /^Active tokens by age in days/ }))).toBeVisible();

  const table = section.getByRole('region', { name: 'Token age against the policy, table' });
  const header = (await table.getByRole('columnheader').allInnerTexts()).map((text) => text.trim());
  expect(header.slice(0, 2).map((text) => text.toLowerCase())).toEqual(['age', 'active tokens']);
  const maxAgeDays = Number(/(\d+) days/i.exec(header[2] ?? '')?.[1]);
  expect(maxAgeDays).toBeGreaterThan(0);
  // A row per bucket, then the total.
  const rows = table.getByRole('row');
  await expect(rows.getByRole('rowheader')).toHaveText(['Under 30 days', '30–90 days', '90–180 days', '180–365 days', 'Over a year', 'All ages']);
  const counts = await Promise.all(
    [1, 2, 3, 4, 5, 6].map(async (index) =>
      (await rows.nth(index).getByRole('cell').allInnerTexts()).map(Number),
    ),
  );
  const buckets = counts.slice(0, 5);
  expect(counts[5]).toEqual([buckets.reduce((sum, [total]) => sum + total!, 0), buckets.reduce((sum, [, over]) => sum + over!, 0)]);
  for (const [total, over] of buckets) expect(over).toBeLessThanOrEqual(total!);

  // The review demo's current token (still active, never rotated by any spec) is in its bucket.
  const ageDays = Math.floor((Date.now() - new Date(REVIEW_DEMO.tokens.overdue.createdAt).getTime()) / 86_400_000);
  const bucketIndex = Object.values(AGE_BUCKET_DAYS).findIndex(([from, to]) => ageDays >= from && (to === null || ageDays < to));
  expect(buckets[bucketIndex]![0]).toBeGreaterThanOrEqual(1);
  if (ageDays > maxAgeDays) expect(buckets[bucketIndex]![1]).toBeGreaterThanOrEqual(1);

  // Its row links to the Inventory filtered to that bucket's active tokens, which lists the demo's machine user.
  const bucketKey = Object.keys(AGE_BUCKET_DAYS)[bucketIndex]!;
  const link = rows.nth(bucketIndex + 1).getByRole('link');
  await expect(link).toHaveAttribute('href', `/review/inventory?status=active&age=${bucketKey}&state=all`);
  await link.click();
  await expect(reviewer).toHaveURL(new RegExp(`age=${bucketKey}`));
  await expect(reviewer.getByRole('heading', { level: 1, name: 'Inventory' })).toBeVisible();
  await reviewer.goto(`/review/inventory?status=active&age=${bucketKey}&state=all&q=${encodeURIComponent(REVIEW_DEMO.sourceOps.email)}`);
  await expect(reviewer.getByRole('region', { name: /Machine users/ }).first()).toContainText(REVIEW_DEMO.sourceOps.email);

  await expectNoSeriousA11yViolations(reviewer, '/review/inventory with the token age chart');
});

test('both charts fit a phone’s width and follow the dark theme', async ({ pageAs }) => {
  const admin = await pageAs('admin');
  await admin.setViewportSize(PHONE);
  await admin.emulateMedia({ colorScheme: 'dark' });
  for (const [path, name] of [
    ['/review', /^Unresolved findings per day by severity/],
    ['/review/inventory', /^Active tokens by age in days/],
  ] as const) {
    await admin.goto(path);
    const chart = chartOf(admin.getByRole('img', { name }));
    await expect(chart).toBeVisible();
    const box = await chart.boundingBox();
    expect(box?.width ?? Infinity, `${path}: the chart's width`).toBeLessThanOrEqual(PHONE.width);
    const { scrollWidth, innerWidth } = await admin.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth, `${path} is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);
    // The axis text takes the theme's colour: a light slate on the dark background.
    const tickFill = await chart.locator('.recharts-cartesian-axis-tick-value').first().evaluate((element) => getComputedStyle(element).fill);
    expect(lightness(tickFill), `${path}: the axis text's colour ${tickFill}`).toBeGreaterThan(0.6);
  }
});
