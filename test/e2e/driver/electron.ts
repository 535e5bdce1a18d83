// Runs the same suite in a desktop VS Code through @vscode/test-electron. Used when VSCODE_EXECUTABLE
// names a VS Code binary, or `code` is on PATH. Screenshots go through Chromium's DevTools protocol:
// VS Code is started with a remote-debugging port on 127.0.0.1 and playwright-core attaches to it.
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { chromium, type Browser } from 'playwright-core';

import type { EditorRun } from './code-server';
import { startDriverEndpoint } from './driver-endpoint';
import { deadline, freePort } from './processes';
import { captureWorkbench } from './screenshots';
import { pageInput } from './workbench-input';

/** The VS Code binary to test with, or undefined when this machine has no desktop VS Code. */
export function findDesktopVSCode(): string | undefined {
  const explicit = process.env.VSCODE_EXECUTABLE;
  if (explicit) return explicit;
  let cli: string;
  try {
    cli = execFileSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
  if (!cli) return undefined;
  // `code` on PATH is a launcher script in <install>/bin; the binary test-electron wants sits beside
  // that folder (Linux: <install>/code).
  const real = realpathSync(cli);
  const binary = path.join(path.dirname(path.dirname(real)), 'code');
  return existsSync(binary) ? binary : real;
}

export async function runInDesktopVSCode(run: EditorRun): Promise<number> {
  const executable = findDesktopVSCode();
  if (!executable) throw new Error('no desktop VS Code: set VSCODE_EXECUTABLE or put `code` on PATH');
  if (run.installVsix.length > 0) {
    throw new Error('--vsix is checked with code-server; run it with --backend=code-server');
  }
  const debugPort = await freePort();
  let browser: Browser | undefined;
  const workbenchPage = async () => {
    browser ??= await chromium.connectOverCDP(`http://127.0.0.1:${debugPort}`);
    const page = browser
      .contexts()
      .flatMap((c) => c.pages())
      .find((p) => p.url().includes('workbench'));
    if (!page) throw new Error('no workbench window found through the DevTools protocol');
    return page;
  };
  const endpoint = await startDriverEndpoint(
    async (request) => captureWorkbench(await workbenchPage(), request, run.screenshotsDir),
    pageInput(workbenchPage),
  );
  const limit = deadline(
    run.deadlineMs,
    `VS Code did not finish the suite within ${run.deadlineMs / 1000} s`,
  );
  const exit = runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: run.extensionDevelopmentPath,
    extensionTestsPath: run.extensionTestsPath,
    extensionTestsEnv: { ...run.sandbox.env, ...run.testsEnv, BERTH_E2E_DRIVER: endpoint.url },
    launchArgs: [
      run.sandbox.workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      `--user-data-dir=${run.sandbox.userDataDir}`,
      `--extensions-dir=${run.sandbox.extensionsDir}`,
      `--remote-debugging-port=${debugPort}`,
    ],
  }).catch((err: { code?: number }) => (typeof err.code === 'number' ? err.code : Promise.reject(err)));
  try {
    return await Promise.race([exit, limit.promise]);
  } catch (err) {
    // test-electron owns the VS Code process; its SIGINT handler is the way to stop it: the first
    // SIGINT asks VS Code to quit, a second one kills its process tree.
    process.emit('SIGINT');
    const grace = deadline(5000, 'VS Code did not quit');
    await Promise.race([exit, grace.promise]).catch(() => process.emit('SIGINT'));
    grace.cancel();
    throw err;
  } finally {
    limit.cancel();
    await browser?.close().catch(() => undefined);
    await endpoint.close();
  }
}
