// `npm run test:quickstart`: runs the README's first command, bin/berth-quickstart, as a user would on
// a machine without desktop VS Code: it must build, start code-server on 127.0.0.1 and print a URL and
// a password. Then headless Chromium logs in, opens examples/hello/Dockerfile and
// checks that Berth's development copy is loaded; the picture goes to
// test-results/screenshots/quickstart.png. Stops the editor it started, by pid.
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

import { missingPrerequisite } from './driver/code-server';
import { LogBook } from './driver/log-book';
import { deadline, startTracked } from './driver/processes';
import { captureWorkbench } from './driver/screenshots';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const CHROMIUM = process.env.BERTH_E2E_CHROMIUM ?? '/usr/bin/chromium';
const screenshots = path.join(repoRoot, 'test-results', 'screenshots');
const DEADLINE_MS = Number(process.env.BERTH_E2E_TIMEOUT_MS ?? 300_000);

const HEREDOC_SHELL_IS_COLOURED = `(() => {
  const line = [...document.querySelectorAll('.view-lines .view-line')].find((l) => l.textContent.replace(/\\s+/g, ' ').trim() === 'set -eu');
  const word = line && [...line.querySelectorAll('span > span')].find((s) => s.textContent === 'set');
  return Boolean(word) && word.className !== 'mtk1';
})()`;

async function main(): Promise<number> {
  const missing = missingPrerequisite(repoRoot);
  if (missing) {
    console[process.env.CI ? 'error' : 'log'](
      `quickstart: ${process.env.CI ? 'cannot run' : 'skip'}: ${missing}`,
    );
    return process.env.CI ? 1 : 0;
  }
  const log = new LogBook();
  const quickstart = startTracked(
    'berth-quickstart',
    'bash',
    [path.join(repoRoot, 'bin', 'berth-quickstart')],
    { cwd: repoRoot, env: { ...process.env, BERTH_QUICKSTART_CODE_SERVER: '1' } },
    log,
  );
  // Registered before any output can arrive, so no line is missed.
  const url = quickstart.waitForLine(/(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/);
  const password = quickstart.waitForLine(/Password: (\S+)/);
  const listening = quickstart.waitForLine(/HTTP server listening on/);
  const limit = deadline(
    DEADLINE_MS,
    `the quickstart did not open a working editor within ${DEADLINE_MS / 1000} s`,
  );
  let browser: Browser | undefined;
  try {
    const [[, address], [, secret]] = await Promise.race([
      Promise.all([url, password, listening]),
      limit.promise,
    ]);
    console.log(`quickstart: code-server is up at ${address.split('?')[0]}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const check = async () => {
      await page.goto(address);
      await page.fill('input[type=password]', secret);
      await page.press('input[type=password]', 'Enter');
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      // The window runs the extension from the clone: code-server marks it as a development host.
      await page.waitForFunction("document.title.includes('[Extension Development Host]')", undefined, {
        timeout: 60_000,
      });
      await page.getByRole('treeitem', { name: 'hello' }).click({ timeout: 60_000 });
      await page.getByRole('treeitem', { name: 'Dockerfile' }).click({ timeout: 60_000 });
      await page.waitForSelector('.tab.active[aria-label*="Dockerfile"]', { timeout: 60_000 });
      // Berth's grammar embeds shell in `RUN <<EOF`: `set` on the heredoc's first line gets a colour
      // of its own (VS Code's built-in Dockerfile grammar leaves it plain).
      await page.waitForFunction(HEREDOC_SHELL_IS_COLOURED, undefined, { timeout: 60_000 });
      if (await page.getByText('Restricted Mode').isVisible()) {
        throw new Error('the editor opened examples/ in Restricted Mode, where Berth is disabled');
      }
      const file = await captureWorkbench(
        page,
        { name: 'quickstart' },
        path.join(repoRoot, 'test-results', 'screenshots'),
      );
      console.log(`quickstart: the editor opened examples/hello/Dockerfile (screenshot: ${file})`);
    };
    await Promise.race([
      check().catch(async (err: Error) => {
        await captureWorkbench(page, { name: 'quickstart-failure' }, screenshots).catch(() => undefined);
        throw err;
      }),
      limit.promise,
    ]);
    return 0;
  } catch (err) {
    log.dump((text) => process.stderr.write(text));
    console.error(`quickstart: ${(err as Error).message}`);
    return 1;
  } finally {
    limit.cancel();
    await browser?.close().catch(() => undefined);
    await quickstart.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
