// Random and mutated Dockerfiles, from a fixed seed: the parser, the dump, the variable model and
// the shell lexer never throw, and every span stays inside the text with a range that matches
// its offsets.

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeVariables,
  dumpDockerfile,
  parseDockerfile,
  PatternMatcher,
  processShellWord,
  variablesFrom,
} from '../../../engine/src/dockerfile';
import type { Dockerfile } from '../../../engine/src/dockerfile';
import { fixturePath, corpusDockerfiles } from '../../helpers/fixtures';
import { mutate, random, randomText } from '../../helpers/mutate';

/** Checks every span reachable from the model. */
function checkSpans(df: Dockerfile, label: string): void {
  const n = df.text.length;
  const seen = new Set<object>();
  const visit = (value: unknown, path: string): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const v = value as Record<string, unknown>;
    if (typeof v.startOffset === 'number' && typeof v.endOffset === 'number' && v.range) {
      const s = v.startOffset;
      const e = v.endOffset;
      assert.ok(0 <= s && s <= e && e <= n, `${label}: ${path} offsets [${s}, ${e}] outside 0..${n}`);
      assert.deepEqual(
        v.range,
        { start: df.positionAt(s), end: df.positionAt(e) },
        `${label}: ${path} range`,
      );
    }
    for (const [key, child] of Object.entries(v)) {
      if (key !== 'range') visit(child, `${path}.${key}`);
    }
  };
  visit(
    {
      directives: df.directives,
      comments: df.comments,
      instructions: df.instructions,
      stages: df.stages,
      errors: df.errors,
      emptyContinuationLines: df.emptyContinuationLines,
    },
    'df',
  );
}

function exercise(text: string, label: string): void {
  let df: Dockerfile;
  try {
    df = parseDockerfile(text);
    dumpDockerfile(df);
    analyzeVariables(df);
  } catch (e) {
    assert.fail(`${label} threw on ${JSON.stringify(text)}: ${(e as Error).stack}`);
  }
  checkSpans(df, `${label} ${JSON.stringify(text.slice(0, 200))}`);
}

describe('fuzzing (fixed seed)', function () {
  this.timeout(120_000);

  it('survives 3,000 random texts', () => {
    const next = random(0xbe47);
    for (let i = 0; i < 3000; i++) exercise(randomText(next, 60), `random #${i}`);
  });

  it('survives 3,000 mutations of real Dockerfiles', () => {
    const next = random(0x5eed);
    const buildkit = fixturePath('buildkit-parser', 'testfiles');
    const seeds = readdirSync(buildkit).map((name) =>
      readFileSync(join(buildkit, name, 'Dockerfile'), 'utf8'),
    );
    seeds.push(...corpusDockerfiles().map((f) => f.text));
    for (let i = 0; i < 3000; i++) {
      exercise(mutate(seeds[Math.floor(next() * seeds.length)], next), `mutation #${i}`);
    }
  });

  it('never throws in the shell lexer or the ignore-pattern matcher', () => {
    const next = random(0x1ee7);
    const vars = variablesFrom({ A: 'x*y', B: '', PATH: '/bin' });
    for (let i = 0; i < 3000; i++) {
      const word = randomText(next, 12);
      for (const options of [
        {},
        { rawQuotes: true, skipUnsetEnv: true },
        { escapeChar: '`', skipProcessQuotes: true },
      ]) {
        const r = processShellWord(word, vars, options);
        assert.ok(r.error === undefined || r.value === '', JSON.stringify(word));
      }
      const matcher = PatternMatcher.create([word, '!' + word.slice(1)]);
      if (matcher instanceof PatternMatcher) {
        matcher.matchesOrParentMatches(randomText(next, 6));
        matcher.matches(word);
      }
    }
  });
});
