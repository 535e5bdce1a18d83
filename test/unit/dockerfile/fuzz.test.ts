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

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pieces = [
  ...'\\`\n\r \t#${}"\'<-=[],:/*?!@.%+~'.split(''),
  'FROM ',
  'RUN ',
  'COPY ',
  'ADD ',
  'ENV ',
  'ARG ',
  'LABEL ',
  'ONBUILD ',
  'HEALTHCHECK ',
  'CMD ',
  'SHELL ',
  'EXPOSE ',
  'onbuild run ',
  ' AS ',
  '--mount=type=cache,target=/x ',
  '--from=',
  '--',
  '<<EOF',
  '<<-"EOF"',
  "<<'E'",
  'EOF',
  '\tEOF',
  '\\\n',
  '`\n',
  '\r\n',
  '# escape=`\n',
  '# syntax=x\n',
  '# check=skip=all\n',
  '${A:-b}',
  '${A//x/y}',
  '${',
  '$A',
  '["a", "b"]',
  '[1]',
  '["\\u0024',
  'x=y ',
  'é',
  '😀',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ud800',
  'a',
  'z',
  '0',
];

function randomText(next: () => number, maxPieces: number): string {
  let out = '';
  const count = Math.floor(next() * maxPieces);
  for (let i = 0; i < count; i++) out += pieces[Math.floor(next() * pieces.length)];
  return out;
}

function mutate(text: string, next: () => number): string {
  const at = () => Math.floor(next() * (text.length + 1));
  for (let n = 1 + Math.floor(next() * 4); n > 0; n--) {
    const a = at();
    const b = Math.min(text.length, a + Math.floor(next() * 40));
    switch (Math.floor(next() * 5)) {
      case 0:
        text = text.slice(0, a) + text.slice(b);
        break;
      case 1:
        text = text.slice(0, a) + randomText(next, 6) + text.slice(a);
        break;
      case 2:
        text = text.slice(0, b) + text.slice(a, b) + text.slice(b);
        break;
      case 3:
        text = text.slice(0, a);
        break;
      default:
        text = text.slice(0, a) + pieces[Math.floor(next() * pieces.length)] + text.slice(b);
    }
  }
  return text;
}

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
