import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Berth's version, read once from the manifest at the project root (out/engine/src/ → ../../../). */
export const berthVersion: string = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;
