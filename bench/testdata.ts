import * as path from 'node:path';

/** The Dockerfiles the parser and language-server benchmarks read, kept in the project. */
const fixtures = path.resolve(__dirname, '..', '..', 'test', 'fixtures');

/** The two 5,000-line Dockerfiles. */
export const largeDir = path.join(fixtures, 'large');

/** The 274 real-world Dockerfiles (with MANIFEST.json giving where each comes from). */
export const corpusDir = path.join(fixtures, 'corpus');
