// Runs the extension-host test suite inside code-server (VS Code's workbench served over HTTP),
// driven by headless Chromium through playwright-core. code-server's CLI refuses
// --extensionDevelopmentPath, but the workbench URL takes the same settings as a `payload`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { format, promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

import { startDriverEndpoint, type ScreenshotRequest } from './driver-endpoint';
import type { LogBook } from './log-book';
import { deadline, freePort, startTracked } from './processes';
import type { Sandbox } from './sandbox';
import { captureWorkbench } from './screenshots';
import { pageInput } from './workbench-input';

/** Prefix of the suite's own console lines (the mocha report), set through BERTH_E2E_OUTPUT_MARKER. */
const OUTPUT_MARKER = '‹berth-e2e› ';

export interface EditorRun {
  repoRoot: string;
  sandbox: Sandbox;
  log: LogBook;
  /** Folder with the extension's package.json, loaded as the extension under development. */
  extensionDevelopmentPath: string;
  /** The suite's index.js (exports run()). */
  extensionTestsPath: string;
  /** Extra environment for the extension host (the suite reads BERTH_E2E_* from it). */
  testsEnv: Record<string, string>;
  screenshotsDir: string;
  deadlineMs: number;
  /** .vsix files to install into the sandbox's extensions folder before the workbench opens. */
  installVsix: string[];
}

const CHROMIUM = process.env.BERTH_E2E_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why this machine cannot run the code-server backend, or undefined when it can. */
export function missingPrerequisite(repoRoot: string): string | undefined {
  if (!existsSync(CHROMIUM))
    return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set BERTH_E2E_CHROMIUM)`;
  const installed = existsSync(path.join(repoRoot, '.cache', 'code-server', '.installed'));
  if (!installed && !existsSync('/usr/include/gssapi/gssapi.h')) {
    return 'code-server is not installed and cannot be built here without libkrb5-dev (run .ci/setup as root)';
  }
  return undefined;
}

/** Returns the exit code the suite reported through codeAutomationExit. */
export async function runInCodeServer(run: EditorRun): Promise<number> {
  const entry = await installCodeServer(run.repoRoot, run.log);
  const common = ['--user-data-dir', run.sandbox.userDataDir, '--extensions-dir', run.sandbox.extensionsDir];
  for (const vsix of run.installVsix) await installExtension(entry, common, vsix, run);

  let page: Page | undefined;
  const openPage = () => page ?? Promise.reject<Page>(new Error('the workbench page is not open yet'));
  const endpoint = await startDriverEndpoint(async (request: ScreenshotRequest) => {
    return captureWorkbench(await openPage(), request, run.screenshotsDir);
  }, pageInput(openPage));
  const port = await freePort();
  const server = startTracked(
    'code-server',
    process.execPath,
    [
      entry,
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    {
      cwd: run.sandbox.root,
      env: {
        ...run.sandbox.env,
        ...run.testsEnv,
        BERTH_E2E_DRIVER: endpoint.url,
        BERTH_E2E_OUTPUT_MARKER: OUTPUT_MARKER,
      },
    },
    run.log,
  );
  const limit = deadline(
    run.deadlineMs,
    `the workbench did not report a result within ${run.deadlineMs / 1000} s`,
  );
  let browser: Browser | undefined;
  try {
    await Promise.race([server.waitForLine(/HTTP server listening on/), limit.promise]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const result = bridgeAutomation(page, run.log);
    page.on('console', (msg) => run.log.add('page', `${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (err) => run.log.add('page', `uncaught: ${err.message}`));
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(run.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(run.extensionTestsPath)],
    ];
    const url =
      `http://127.0.0.1:${port}/?folder=${encodeURIComponent(run.sandbox.workspace)}` +
      `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    run.log.add('driver', `opening ${url}`);
    await page.goto(url);
    const serverGone = server.exited.then((code) => {
      throw new Error(`code-server exited (${code}) before the suite reported a result`);
    });
    return await Promise.race([result, limit.promise, serverGone]);
  } catch (err) {
    if (page) {
      await captureWorkbench(page, { name: 'failure-workbench' }, run.screenshotsDir).then(
        (file) => run.log.add('driver', `workbench at the time of failure: ${file}`),
        () => undefined,
      );
    }
    throw err;
  } finally {
    limit.cancel();
    await browser?.close().catch(() => undefined);
    await server.stop();
    await endpoint.close();
  }
}

/**
 * The workbench calls window.codeAutomationLog(level, args) for its own log and for the extension
 * host's console, and window.codeAutomationExit(code) when the tests are done. The suite marks its
 * console lines (OUTPUT_MARKER, see suite/index.ts): those are the test report and go to stdout;
 * the rest is kept for the failure report (or printed with BERTH_E2E_VERBOSE=1).
 */
function bridgeAutomation(page: Page, log: LogBook): Promise<number> {
  const verbose = Boolean(process.env.BERTH_E2E_VERBOSE);
  return new Promise((resolve, reject) => {
    page
      .exposeFunction('codeAutomationLog', (level: string, args: unknown[]) => {
        const text = format(...args);
        if (text.startsWith(OUTPUT_MARKER)) {
          process.stdout.write(text.slice(OUTPUT_MARKER.length) + '\n');
        } else {
          log.add(`workbench ${level}`, text);
          if (verbose) process.stdout.write(`[workbench ${level}] ${text}\n`);
        }
      })
      .then(() => page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)))
      .catch(reject);
  });
}

async function installCodeServer(repoRoot: string, log: LogBook): Promise<string> {
  const script = path.join(repoRoot, 'test', 'e2e', 'install-code-server.sh');
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', [script], { maxBuffer: 1 << 20 });
    if (stderr.trim()) log.add('install', stderr.trim());
    return stdout.trim().split('\n').pop()!;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`could not install code-server: ${e.stderr?.trim() || e.message}`);
  }
}

async function installExtension(
  entry: string,
  common: string[],
  vsix: string,
  run: EditorRun,
): Promise<void> {
  const installer = startTracked(
    'install-extension',
    process.execPath,
    [entry, ...common, '--install-extension', vsix, '--force'],
    { cwd: run.sandbox.root, env: run.sandbox.env },
    run.log,
  );
  const code = await installer.exited;
  if (code !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${code})`);
}
