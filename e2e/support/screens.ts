// Screenshots of the views a test visits, saved with the test's artifacts (test-results/).
import type { Page, TestInfo } from '@playwright/test';

export async function saveScreen(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}
