// Captures the workbench page into test-results/screenshots/<name>.png for a ScreenshotRequest.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

import type { ScreenshotRequest } from './driver-endpoint';

export async function captureWorkbench(page: Page, request: ScreenshotRequest, dir: string): Promise<string> {
  if (request.waitForSelector) {
    await page.waitForSelector(request.waitForSelector, { state: 'visible', timeout: 15_000 }).catch(() => {
      throw new Error(
        `screenshot ${request.name}: ${request.waitForSelector} did not become visible in 15 s`,
      );
    });
  }
  // Let the workbench paint what the test just did (decorations, widgets) before capturing.
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
  );
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${request.name}.png`);
  await page.screenshot({ path: file });
  return file;
}
