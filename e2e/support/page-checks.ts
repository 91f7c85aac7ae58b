// Checks several specs make on a page as it is now: moving between views, sideways scrolling,
// and axe's serious and critical findings.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';

const WCAG_21_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Clicks a view's link in the navigation and waits until it is the current page. */
export async function openView(page: Page, view: string): Promise<void> {
  await page.getByRole('link', { name: view }).click();
  await expect(page.getByRole('link', { name: view })).toHaveAttribute('aria-current', 'page');
}

/** Waits until the page's CSS transitions (a theme's colour change) have ended, so colours read are the final ones. */
export async function transitionsEnded(page: Page): Promise<void> {
  // getAnimations() flushes style first, so a transition the last change started is among them.
  await page.evaluate(() => Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => undefined))));
}

/** How many pixels the page is wider than the window (0 or less: no sideways scrolling). */
export async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * A list row as the window shows it: its name is visible and wide enough to read (cut with an
 * ellipsis, whole in its title), and its checkbox and every button lie inside both the window and
 * the row (a fixed-height row whose controls spill out covers the next one).
 */
export async function expectRowReadable(page: Page, row: Locator): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  const rowBox = await row.boundingBox();
  expect(rowBox, 'the row is laid out').not.toBeNull();
  const name = row.locator('.name').first();
  await expect(name).toBeVisible();
  const box = await name.boundingBox();
  expect(box?.width ?? 0, `the name's width at ${width} px`).toBeGreaterThan(80);
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
  const { text, title, ellipsis } = await name.evaluate((el) => ({
    text: el.textContent ?? '',
    title: el.getAttribute('title') ?? '',
    ellipsis: getComputedStyle(el).textOverflow === 'ellipsis',
  }));
  expect(ellipsis, 'a long name is cut with an ellipsis').toBe(true);
  expect(title.endsWith(text), 'hovering shows the whole name').toBe(true);
  const controls = await row.getByRole('checkbox').or(row.getByRole('button')).all();
  expect(controls.length).toBeGreaterThan(1);
  for (const control of controls) {
    const label = (await control.getAttribute('aria-label')) ?? (await control.textContent());
    const b = await control.boundingBox();
    expect(b?.width ?? 0, `${label} is shown`).toBeGreaterThan(0);
    expect(b!.x, `${label} starts inside the window`).toBeGreaterThanOrEqual(0);
    expect(b!.x + b!.width, `${label} ends inside the window`).toBeLessThanOrEqual(width);
    expect(b!.y, `${label} starts inside its row`).toBeGreaterThanOrEqual(rowBox!.y - 0.5);
    expect(b!.y + b!.height, `${label} ends inside its row`).toBeLessThanOrEqual(rowBox!.y + rowBox!.height + 0.5);
  }
}

/** Serious and critical violations (WCAG 2.1 A and AA) on the page as it is now, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_A_AA).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary ?? v.help}`));
}
