// Runs inside the extension host (VS Code loads it as extensionTestsPath and calls run()).
// Loads every *.test.js next to this file, recursively; BERTH_E2E_GREP narrows the run.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const marker = process.env.BERTH_E2E_OUTPUT_MARKER;
  if (marker) markConsole(marker);
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    // Generous: two cores are shared with other work, and the first test pays for activation.
    timeout: 60_000,
    grep: process.env.BERTH_E2E_GREP || undefined,
  });
  const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  const { failures, tests } = await new Promise<{ failures: number; tests: number }>((resolve) => {
    const runner = mocha.run((failures) => resolve({ failures, tests: runner.stats?.tests ?? 0 }));
  });
  if (tests === 0)
    throw new Error(`no e2e test ran (${files.length} files, grep ${mocha.options.grep ?? 'none'})`);
  if (failures > 0) throw new Error(`${failures} of ${tests} e2e tests failed`);
}

/**
 * In code-server the extension host's console reaches the runner mixed with the workbench's own log;
 * a marker on each of our lines lets the runner print the test report and keep the rest aside.
 */
function markConsole(marker: string): void {
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    const forward = console[method];
    // VS Code's forwarder defines these as accessors whose setter only swaps the function called
    // after forwarding, so plain assignment would not mark what reaches the workbench.
    Object.defineProperty(console, method, {
      value: (...args: unknown[]) => forward.call(console, marker + format(...args)),
      configurable: true,
      writable: true,
    });
  }
  // Mocha's reporters captured console.log when mocha was loaded.
  Mocha.reporters.Base.consoleLog = console.log;
}
