import * as assert from 'node:assert/strict';
import { goQuote, goTrimSpace, isGoSpace, LineIndex } from '../../../engine/src/dockerfile/text';
import { random } from '../../helpers/mutate';

describe('text helpers', () => {
  it("quotes like Go's strconv.Quote", () => {
    assert.equal(goQuote('a "b" \\ c'), '"a \\"b\\" \\\\ c"');
    assert.equal(goQuote('\t\n\r\x00\x7f'), '"\\t\\n\\r\\x00\\x7f"');
    assert.equal(goQuote('é😀'), '"é😀"');
    assert.equal(goQuote('\u00a0\u200b'), '"\\u00a0\\u200b"');
  });

  it("trims Go's Unicode spaces", () => {
    assert.equal(goTrimSpace('\u00a0\u3000 x \u0085'), 'x');
    assert.equal(isGoSpace(0xfeff), false); // a BOM is not a space in Go
  });

  it('breaks lines at \\n, \\r\\n and a lone \\r, as LSP does', () => {
    const lines = new LineIndex('a\r\nb\rc\nd');
    assert.equal(lines.lineCount, 4);
    assert.deepEqual(lines.positionAt(5), { line: 2, character: 0 });
    assert.deepEqual(lines.positionAt(100), { line: 3, character: 1 });
    assert.equal(lines.offsetAt({ line: 1, character: 0 }), 3);
    assert.equal(lines.offsetAt({ line: 0, character: 99 }), 1); // clamped before the line break
    assert.equal(lines.offsetAt({ line: 9, character: 0 }), 8);
  });

  it('keeps the line starts of an unchanged prefix when reset to an edited text', () => {
    const next = random(0x11e5);
    const alphabet = ['a', '\n', '\r', '\r\n', ' '];
    const make = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(next() * 5)]).join('');
    for (let i = 0; i < 2000; i++) {
      const before = make(Math.floor(next() * 30));
      const cut = Math.floor(next() * (before.length + 1));
      const after =
        before.slice(0, cut) + make(Math.floor(next() * 6)) + before.slice(cut + Math.floor(next() * 4));
      let unchanged = 0;
      while (unchanged < Math.min(before.length, after.length) && before[unchanged] === after[unchanged])
        unchanged++;
      const lines = new LineIndex(before);
      lines.reset(after, unchanged);
      const label = `${JSON.stringify(before)} -> ${JSON.stringify(after)}`;
      assert.deepEqual([...lines.lineStarts], [...new LineIndex(after).lineStarts], label);
      assert.equal(lines.text, after);
    }
  });
});
