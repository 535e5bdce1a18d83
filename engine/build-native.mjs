// Compiles Berth's small static helpers with the system C compiler: berth-init
// (engine/src/runtime/linux/init/), the runtime's single-threaded helper, berth-reaper
// (engine/src/daemon/init/berth-reaper.c), the pid 1 of `run --init`, and berth-userns
// (engine/src/rootless/berth-userns.c), which starts rootless Berth in its user namespace. Static,
// so they start fast and need nothing at run time (the reaper runs inside any image, whatever its libc).
// Skips a compile when the binary is newer than all its sources.
// Usage: node engine/build-native.mjs [output dir, default out/native] (the .vsix takes dist/native).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const helpers = [
  { name: 'berth-init', source: 'engine/src/runtime/linux/init' },
  { name: 'berth-reaper', source: 'engine/src/daemon/init/berth-reaper.c' },
  { name: 'berth-userns', source: 'engine/src/rootless/berth-userns.c' },
];
const cc = process.env.CC || 'gcc';

/** A source is one .c file, or a directory of .c and .h files. */
function files(source) {
  const path = join(root, source);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith('.c') || f.endsWith('.h'))
    .map((f) => join(path, f));
}

for (const helper of helpers) {
  const sources = files(helper.source);
  const output = join(root, process.argv[2] ?? 'out/native', helper.name);
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(output) && statSync(output).mtimeMs >= newest) continue;
  mkdirSync(dirname(output), { recursive: true });
  const units = sources.filter((f) => f.endsWith('.c'));
  try {
    execFileSync(cc, ['-static', '-Os', '-Wall', '-Wextra', '-Werror', '-o', output, ...units], {
      stdio: 'inherit',
    });
  } catch (err) {
    console.error(
      `build-native: compiling ${helper.name} with ${cc} failed: install gcc and libc6-dev (.ci/setup does)`,
    );
    throw err;
  }
}
