import * as assert from 'node:assert/strict';
import { compileMatch, hasWildcards } from '../../../engine/src/build/context/path-match';

describe('Go filepath.Match', () => {
  const match = (pattern: string, name: string) => compileMatch(pattern).test(name);
  it('matches *, ?, classes and escapes within one component', () => {
    assert.ok(match('*.txt', 'a.txt'));
    assert.ok(!match('*.txt', 'a/b.txt'));
    assert.ok(match('?.txt', 'a.txt') && !match('?.txt', 'ab.txt'));
    assert.ok(match('[a-c]x', 'bx') && !match('[a-c]x', 'dx'));
    assert.ok(match('[^a-c]x', 'dx') && !match('[^a-c]x', 'ax'));
    assert.ok(match('\\*', '*') && !match('\\*', 'a'));
    assert.ok(match('.hidden*', '.hidden-file'));
  });

  it('rejects malformed patterns as Go does', () => {
    assert.throws(() => compileMatch('[a-'), /syntax error in pattern/);
    assert.throws(() => compileMatch('a\\'), /syntax error in pattern/);
  });

  it('knows which sources have wildcards', () => {
    assert.ok(hasWildcards('*.go') && hasWildcards('a?') && hasWildcards('[ab]'));
    assert.ok(!hasWildcards('src/main.go'));
  });
});
