import * as assert from 'node:assert/strict';
import { goQuote, goTrimSpace, isGoSpace, LineIndex } from '../../../engine/src/dockerfile/text';

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
});
