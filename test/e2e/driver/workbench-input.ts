// What the suite may ask the runner to do in the workbench page besides screenshots: press keys and
// type (to drive quick picks and the command palette as a user does), and read the text shown by
// an element (a terminal's rows, a tree's labels).
import type { Page } from 'playwright-core';

export interface KeyboardRequest {
  /** Wait (up to 15 s) until an element matching this CSS selector is visible before typing. */
  waitFor?: string;
  /** With waitFor: the element must also contain this text (e.g. a quick input step's prompt). */
  hasText?: string;
  /** Text to type into whatever has focus. */
  type?: string;
  /** Keys to press in order, after typing, in Playwright's notation: 'F1', 'Enter', 'Control+a'. */
  press?: string[];
}

export interface TextRequest {
  /** CSS selector; the innerText of every match is returned, in document order. */
  selector: string;
}

export interface WorkbenchInput {
  keyboard(request: KeyboardRequest): Promise<void>;
  text(request: TextRequest): Promise<string[]>;
}

export function pageInput(page: () => Page | Promise<Page>): WorkbenchInput {
  return {
    async keyboard(request) {
      const p = await page();
      if (request.waitFor) {
        await p
          .locator(request.waitFor, request.hasText ? { hasText: request.hasText } : {})
          .first()
          .waitFor({ state: 'visible', timeout: 15_000 })
          .catch(() => {
            throw new Error(
              `${request.waitFor}${request.hasText ? ` with "${request.hasText}"` : ''} did not show in 15 s`,
            );
          });
      }
      if (request.type) await p.keyboard.type(request.type);
      for (const key of request.press ?? []) await p.keyboard.press(key);
    },
    async text(request) {
      const p = await page();
      return p.locator(request.selector).allInnerTexts();
    },
  };
}
