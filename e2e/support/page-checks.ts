// Checks several specs make on a page as it is now: moving between views, sideways scrolling,
// and axe's serious and critical findings.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const WCAG_21_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Clicks a view's link in the navigation and waits until it is the current page. */
export async function openView(page: Page, view: string): Promise<void> {
  await page.getByRole('link', { name: view }).click();
  await expect(page.getByRole('link', { name: view })).toHaveAttribute('aria-current', 'page');
}

/** How many pixels the page is wider than the window (0 or less: no sideways scrolling). */
export async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Serious and critical violations (WCAG 2.1 A and AA) on the page as it is now, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_A_AA).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary ?? v.help}`));
}
