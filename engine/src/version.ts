import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Set by esbuild.mjs in the bundles (package.json's version): reading and parsing the 60 KB
 * manifest took ~1.5 ms of every CLI start. Undefined in tsc's output, which reads the manifest. */
declare const BERTH_BUNDLED_VERSION: string | undefined;

/** The nearest package.json above this file: the project root, from out/ or from a dist/ bundle. */
function manifestPath(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'package.json');
  }
  throw new Error(`no package.json above ${__dirname}`);
}

/** Berth's version: the bundle's own, or read once from the manifest at the project root. */
export const berthVersion: string =
  typeof BERTH_BUNDLED_VERSION === 'string'
    ? BERTH_BUNDLED_VERSION
    : (JSON.parse(readFileSync(manifestPath(), 'utf8')) as { version: string }).version;
