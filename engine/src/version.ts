import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest package.json above this file: the project root, from out/ or from a dist/ bundle. */
function manifestPath(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'package.json');
  }
  throw new Error(`no package.json above ${__dirname}`);
}

/** Berth's version, read once from the manifest at the project root. */
export const berthVersion: string = (JSON.parse(readFileSync(manifestPath(), 'utf8')) as { version: string })
  .version;
