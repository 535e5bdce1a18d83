// `node test/run-suite.mjs <suite>`: runs mocha with test/<suite>/.mocharc.json. A suite that has no
// test files yet passes with a note instead of mocha's "No test files found" error; once a file
// exists, mocha decides alone (a failing or crashing suite still fails the run).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const suite = process.argv[2];
const config = path.join(root, 'test', suite ?? '', '.mocharc.json');
if (!suite || !existsSync(config)) {
  console.error(`usage: node test/run-suite.mjs <suite>, where test/<suite>/.mocharc.json exists`);
  process.exit(2);
}
const compiled = path.join(root, 'out', 'test', suite);
const files = existsSync(compiled)
  ? readdirSync(compiled, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.test.js'))
  : [];
if (files.length === 0) {
  console.log(
    `${suite}: no test files in out/test/${suite} yet (sources: test/${suite}/**/*.test.ts); nothing to run`,
  );
  process.exit(0);
}
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const result = spawnSync(process.execPath, [mocha, '--config', config, ...process.argv.slice(3)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
