// What an Upsun organisation reads: its product is Upsun, so a page's visible text names
// Platform.sh only where it speaks of Platform.sh itself (the other vendor's form of the kit, the
// variable name a project kept from before the move). Read per page from the rendered text, so a
// string hard-coded anywhere — a page, a component, a domain message — shows up here.
import type { Locator, Page } from '@playwright/test';
import { expect } from './test';

/** Lines that are about Platform.sh itself, and so keep its name for an Upsun organisation too. */
const ABOUT_PLATFORMSH: readonly RegExp[] = [
  // The kit's choice of form: the other vendor's form stays available, named as that vendor.
  /^Platform\.sh$/,
  /moved from Platform\.sh to Upsun/,
];

/**
 * The lines of visible text that name Platform.sh where an Upsun organisation should read Upsun: as
 * written, or in capitals where CSS shows a label so. A region's host (`eu-3.platform.sh`) is data,
 * not copy, and is lower case.
 */
export async function platformshLines(scope: Page | Locator): Promise<string[]> {
  const locator = 'locator' in scope && 'goto' in scope ? scope.locator('body') : scope;
  // A closed <select>'s options are read too: a filter's choices are copy like any other.
  const text = [await locator.innerText(), ...(await locator.locator('option').allInnerTexts())].join('\n');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /Platform\.sh|PLATFORM\.SH/.test(line) && !ABOUT_PLATFORMSH.some((allowed) => allowed.test(line)));
}

/** Asserts that what the page (or a dialog of it) shows names Upsun, not Platform.sh. */
export async function expectUpsunCopy(scope: Page | Locator, where: string): Promise<void> {
  // Soft: one run lists every page that still names Platform.sh, not only the first.
  expect.soft(await platformshLines(scope), `“Platform.sh” in the visible text of ${where}`).toEqual([]);
}
