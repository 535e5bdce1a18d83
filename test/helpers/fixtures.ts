import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project root (tests run from out/test/…). */
export const projectRoot = join(__dirname, '..', '..', '..');

/** A path under test/fixtures. */
export function fixturePath(...parts: string[]): string {
  return join(projectRoot, 'test', 'fixtures', ...parts);
}

/** The 274 real-world Dockerfiles of the corpus (test/fixtures/corpus, with their provenance). */
export function corpusDockerfiles(): Array<{ name: string; text: string }> {
  const dir = fixturePath('corpus');
  return readdirSync(dir)
    .filter((name) => name.endsWith('Dockerfile'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}
