// tsc -b never deletes what it emitted for a source file that has since been removed or renamed,
// and mocha's globs (out/test/**/*.test.js) would go on running such a stale test. This removes
// every file under out/<project>/ whose source in <project>/ no longer exists.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const projects = ['bench', 'client', 'engine', 'server', 'test'];
const emitted = /^(.*?)(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/;

function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

function sourceExists(project, relative) {
  const match = emitted.exec(relative);
  if (!match) return existsSync(join(project, relative)); // copied as is, e.g. a .json module
  return ['.ts', '.mts', '.cts', '.tsx'].some((ext) => existsSync(join(project, match[1] + ext)));
}

let removed = 0;
for (const project of projects) {
  const outDir = join('out', project);
  if (!existsSync(outDir)) continue;
  for (const file of filesUnder(outDir)) {
    if (file.endsWith('.tsbuildinfo')) continue;
    if (sourceExists(project, file.slice(outDir.length + 1))) continue;
    rmSync(file);
    removed++;
  }
}
if (removed) console.log(`prune-out: removed ${removed} stale file(s) from out/`);
