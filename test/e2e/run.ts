// `npm run test:e2e`: runs the mocha suite in test/e2e/suite inside a real VS Code.
//   desktop VS Code through @vscode/test-electron when one is available (VSCODE_EXECUTABLE, or `code`
//   on PATH), otherwise code-server in headless Chromium. Force one with --backend=electron|code-server.
// Options: --vsix=<file> (install the packaged extension instead of loading the source tree),
//          --grep=<regexp> (run matching tests only), --keep (leave the sandbox for inspection).
// Exit code: the suite's (0 when every test passed); 1 with the collected logs when the workbench
// never reported a result.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import { missingPrerequisite, runInCodeServer, type EditorRun } from './driver/code-server';
import { findDesktopVSCode, runInDesktopVSCode } from './driver/electron';
import { LogBook } from './driver/log-book';
import { createSandbox } from './driver/sandbox';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<number> {
  const started = Date.now();
  const vsix = option('vsix');
  const backend =
    option('backend') ?? process.env.BERTH_E2E_BACKEND ?? (findDesktopVSCode() ? 'electron' : 'code-server');
  if (!existsSync(path.join(repoRoot, 'dist', 'client', 'extension.js'))) {
    console.error('e2e: dist/client/extension.js is missing; run `npm run build` first');
    return 1;
  }
  const missing = backend === 'code-server' ? missingPrerequisite(repoRoot) : undefined;
  if (missing) {
    // CI has every tool, so there a missing one is a failure, not a skip.
    if (process.env.CI) {
      console.error(`e2e: cannot run: ${missing}`);
      return 1;
    }
    console.log(`e2e: skip: ${missing}`);
    return 0;
  }
  const sandbox = createSandbox(path.join(repoRoot, 'test', 'e2e', 'fixtures', 'workspace'));
  const log = new LogBook();
  const run: EditorRun = {
    repoRoot,
    sandbox,
    log,
    // With --vsix the extension under test is the installed one; the development path then only
    // carries the test runner (an empty extension), so nothing shadows the installed copy.
    extensionDevelopmentPath: vsix ? path.join(repoRoot, 'test', 'e2e', 'vsix-probe') : repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'e2e', 'suite', 'index.js'),
    testsEnv: {
      BERTH_E2E_GREP: option('grep') ?? '',
      BERTH_E2E_INSTALLED_FROM_VSIX: vsix ? '1' : '',
      BERTH_E2E_EXTENSIONS_DIR: sandbox.extensionsDir,
    },
    screenshotsDir: path.join(repoRoot, 'test-results', 'screenshots', ...(vsix ? ['vsix'] : [])),
    deadlineMs: Number(process.env.BERTH_E2E_TIMEOUT_MS ?? 180_000),
    installVsix: vsix ? [path.resolve(vsix)] : [],
  };
  console.log(
    `e2e: ${backend}${vsix ? ` with ${path.basename(vsix)} installed` : ''}, sandbox ${sandbox.root}`,
  );
  try {
    const code = backend === 'electron' ? await runInDesktopVSCode(run) : await runInCodeServer(run);
    console.log(
      `e2e: suite finished with exit code ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (code !== 0) console.log(`e2e: the editor's logs are in ${saveLogs(log)}`);
    return code;
  } catch (err) {
    // The workbench never reported: the logs are all there is to go on, so print them.
    log.dump((text) => process.stderr.write(text));
    console.error(`e2e: ${(err as Error).message} (logs also in ${saveLogs(log)})`);
    return 1;
  } finally {
    if (process.argv.includes('--keep')) console.log(`e2e: sandbox kept at ${sandbox.root}`);
    else sandbox.remove();
  }
}

function saveLogs(log: LogBook): string {
  const file = path.join(repoRoot, 'test-results', 'e2e-logs.txt');
  mkdirSync(path.dirname(file), { recursive: true });
  const lines: string[] = [];
  log.dump((text) => lines.push(text));
  writeFileSync(file, lines.join(''));
  return file;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
