import path from 'node:path';
import type { Page } from '@playwright/test';

/** Screenshots of the main screens, kept as CI artefacts (issue 10). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../../.counter/test-results/screenshots');

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
