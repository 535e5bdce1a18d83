import * as assert from 'node:assert/strict';
import { suggest, withSuggestion } from '../../../../engine/src/dockerfile/instructions/suggest';
import { random } from '../../../helpers/mutate';

/** BuildKit's util/suggest written plainly: a full Levenshtein table over runes for every option. */
function reference(value: string, options: string[], caseSensitive: boolean): string | undefined {
  const distance = (a: string[], b: string[]) => {
    let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) {
        row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = row;
    }
    return prev[b.length];
  };
  const val = caseSensitive ? value : value.toLowerCase();
  let match: string | undefined;
  let min = 3;
  for (const option of options) {
    const opt = caseSensitive ? option : option.toLowerCase();
    if (opt === val) return undefined;
    const d = distance(Array.from(val), Array.from(opt));
    if (d < min) {
      min = d;
      if (caseSensitive) match = opt;
      else if (value === value.toLowerCase()) match = opt.toLowerCase();
      else if (value === value.toUpperCase()) match = opt.toUpperCase();
      else match = opt;
    }
  }
  return match;
}

const instructions = ['add', 'arg', 'cmd', 'copy', 'entrypoint', 'env', 'expose', 'from'];
const mountKeys = ['type', 'target', 'source', 'from', 'id', 'sharing', 'mode', 'uid', 'gid'];
const unicode = ['héllo', 'ÉTÉ', 'straße', '😀x', 'a😀b', 'Ωmega', 'ǅ', '\ud800z'];

describe('suggest', () => {
  it("keeps BuildKit's answers, counting code points, over many random words", () => {
    const next = random(0x5e6);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
    const alphabet = [...'aeiorstcEFOPY-_ é😀ßİ', '\ud83d', 'Ω'];
    const mutate = (word: string) => {
      const chars = Array.from(word);
      for (let k = Math.floor(next() * 4); k > 0; k--) {
        const at = Math.floor(next() * (chars.length + 1));
        const edit = next();
        if (edit < 0.35) chars.splice(at, 0, pick(alphabet));
        else if (edit < 0.7) chars.splice(at, 1);
        else chars[at] = pick(alphabet);
      }
      const text = chars.join('');
      const casing = next();
      return casing < 0.3 ? text.toUpperCase() : casing < 0.5 ? text : text.toLowerCase();
    };
    const optionSets = [instructions, mountKeys, unicode, [...instructions, ...unicode]];
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      const options = pick(optionSets);
      const word =
        next() < 0.85 ? mutate(pick(options)) : mutate(pick(options).repeat(1 + Math.floor(next() * 8)));
      const caseSensitive = next() < 0.5;
      const expected = reference(word, options, caseSensitive);
      if (expected !== undefined) matched++;
      assert.equal(suggest(word, options, caseSensitive), expected, `${JSON.stringify(word)} in ${options}`);
    }
    assert.ok(matched > 5000, `only ${matched} words had a suggestion: the test would miss wrong ones`);
  });

  it('suggests within two edits, in the case the user typed', () => {
    assert.equal(
      withSuggestion('unknown instruction: COPPY', 'COPPY', instructions, false),
      'unknown instruction: COPPY (did you mean COPY?)',
    );
    assert.equal(suggest('entrypont', instructions, false), 'entrypoint');
    assert.equal(suggest('Expse', instructions, false), 'expose');
    assert.equal(suggest('cpy', ['cp', 'copy'], true), 'cp'); // the first of equally close ones
    assert.equal(suggest('xyzw', instructions, false), undefined);
    assert.equal(suggest('env', ['en', 'env'], true), undefined); // itself an option
    assert.equal(suggest('😀😀😀ab', ['ab'], true), undefined); // three runes away, though six UTF-16 units
    assert.equal(suggest('😀ab', ['ab'], true), 'ab');
  });
});
