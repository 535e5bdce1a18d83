import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root (tests run from out/test/…). */
export const projectRoot = join(__dirname, '..', '..', '..');

/** A path under test/fixtures. */
export function fixturePath(...parts: string[]): string {
  return join(projectRoot, 'test', 'fixtures', ...parts);
}

/**
 * The team's shared test data (`shared/testdata` beside the project or one of its parents, or
 * `$BERTH_SHARED_TESTDATA`), when this machine has it.
 */
export const sharedTestdata: string | undefined = (() => {
  if (process.env.BERTH_SHARED_TESTDATA) return process.env.BERTH_SHARED_TESTDATA;
  for (let dir = projectRoot; ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', 'testdata');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
})();

/** The 274 real-world Dockerfiles of the shared corpus, or undefined (with the reason) when absent. */
export function sharedDockerfiles(): { files: Array<{ name: string; text: string }> } | { missing: string } {
  if (!sharedTestdata)
    return { missing: 'no shared/testdata beside the project (set BERTH_SHARED_TESTDATA)' };
  const dir = join(sharedTestdata, 'dockerfiles');
  if (!existsSync(dir)) return { missing: `${dir} is not present on this machine` };
  return {
    files: readdirSync(dir)
      .filter((name) => name.endsWith('Dockerfile'))
      .sort()
      .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') })),
  };
}
