// Compiles berth-init (engine/src/runtime/linux/berth-init.c), the runtime's single-threaded
// helper, with the system C compiler. Static, so it starts fast and needs nothing at run time.
// Skips the compile when the binary is newer than its source.
// Usage: node engine/build-native.mjs [output dir, default out/native] (the .vsix takes dist/native).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'engine/src/runtime/linux/berth-init.c');
const output = join(root, process.argv[2] ?? 'out/native', 'berth-init');

if (existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs) process.exit(0);
mkdirSync(dirname(output), { recursive: true });
const cc = process.env.CC || 'gcc';
try {
  execFileSync(cc, ['-static', '-Os', '-Wall', '-Wextra', '-Werror', '-o', output, source], {
    stdio: 'inherit',
  });
} catch (err) {
  console.error(
    `build-native: compiling berth-init with ${cc} failed: install gcc and libc6-dev (.ci/setup does)`,
  );
  throw err;
}
