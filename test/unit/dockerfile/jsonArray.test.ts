import * as assert from 'node:assert/strict';
import { parseJsonArray } from '../../../engine/src/dockerfile/jsonArray';

const read = (text: string) => parseJsonArray(text, 0, text.length);

describe('the JSON (exec) form', () => {
  it('reads string arrays with element spans and JSON escapes', () => {
    const r = read('  ["a", "b\\"c", "\\u00e9\\ud83d\\ude00"]');
    assert.equal(r.kind, 'array');
    assert.deepEqual(r.kind === 'array' && r.elements.map((e) => [e.value, e.start, e.end]), [
      ['a', 3, 6],
      ['b"c', 8, 14],
      ['é😀', 16, 36],
    ]);
    assert.deepEqual(read('[]'), { kind: 'array', elements: [] });
  });

  it('treats anything that is not valid JSON as the shell form', () => {
    for (const text of [
      "['a']",
      '["a"',
      '["a",]',
      '["a"] x',
      '"["a"]"',
      '["a\tb"]',
      '["\\x"]',
      'echo [',
      '[01]',
    ]) {
      assert.deepEqual(read(text), { kind: 'not-json' }, text);
    }
  });

  it('refuses valid JSON arrays with other values', () => {
    for (const text of ['[1]', '["a", ["b"]]', '["a", null]', '[{"k": "v"}]', '[true, "x"]']) {
      assert.deepEqual(read(text), { kind: 'not-strings' }, text);
    }
  });

  it('replaces lone surrogates as Go does, and survives deep nesting', () => {
    const r = read('["\\ud800x"]');
    assert.ok(r.kind === 'array' && r.elements[0].value === '\ufffdx');
    assert.deepEqual(read('['.repeat(20000) + ']'.repeat(20000)), { kind: 'not-json' });
  });
});
