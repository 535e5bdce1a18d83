import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDockerignore, PatternMatcher, readIgnoreFile } from '../../../engine/src/dockerfile';

function matcher(patterns: string[]): PatternMatcher {
  const m = PatternMatcher.create(patterns);
  assert.ok(m instanceof PatternMatcher, JSON.stringify(m));
  return m;
}

describe('.dockerignore', () => {
  it('reads patterns as Docker does: comments at column 0, trimming, cleaning, leading /', () => {
    const text =
      '\ufeff# comment\n  # not a comment\n\n/abs/../path\n! keep/../me  \nfoo/./bar/\r\n**/*.log\n';
    assert.deepEqual(
      readIgnoreFile(text).map((l) => [l.pattern, l.line]),
      [
        ['# not a comment', 1],
        ['path', 3],
        ['!me', 4],
        ['foo/bar', 5],
        ['**/*.log', 6],
      ],
    );
  });

  describe('matching (MatchesOrParentMatches)', () => {
    const cases: Array<[string | string[], string, boolean]> = [
      ['*', 'fileutils.go', true],
      ['*.go', 'fileutils.go', true],
      [['!fileutils.go', '*.go'], 'fileutils.go', true],
      [['*.go', '!fileutils.go'], 'fileutils.go', false],
      [['docs', '!docs/README.md'], 'docs/README.md', false],
      [['docs/', '!docs/README.md'], 'docs/README.md', false],
      [['docs/*', '!docs/README.md'], 'docs/README.md', false],
      ['**', 'dir/file', true],
      ['**/', 'file', true],
      ['dir/**', 'dir/dir2/file', true],
      ['**/dir', 'dir/file', true],
      ['**/dir2/*', 'dir/dir2/file', true],
      ['**file', 'dir/dir/file', true],
      ['**/file*.txt', 'dir/dir/file.txt', true],
      ['**/**/*.txt2', 'dir/dir/file.txt', false],
      ['**/*.txt', 'file.txt', true],
      ['a**/*.txt', 'a/dir/dir/file.txt', true],
      ['a/*.txt', 'a/dir/file.txt', false],
      ['a[b-d]e', 'ace', true],
      ['a[b-d]e', 'aae', false],
      ['a[^b-d]e', 'aze', true],
      ['.*', '.foo', true],
      ['.*', 'foo', false],
      ['abc.def', 'abcZdef', false],
      ['abc?def', 'abcZdef', true],
      ['a\\\\', 'a\\', true],
      ['a\\*b', 'a*b', true],
      ['a\\*b', 'axb', false],
      ['**/foo/bar', 'foo/bar', true],
      ['abc/**', 'abc', false],
      ['abc/**', 'abc/def/ghi', true],
      ['**/.foo', 'bar.foo', false],
      ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
      ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
      [['**', '!util/docker/web'], 'util/docker/web/foo', false],
      [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
      ['node_modules', 'node_modules/a/b/c.js', true],
      ['a*', 'ab/c', true],
      ['/secret', 'secret', false], // the reader strips the leading slash, the matcher does not
    ];
    for (const [patterns, file, expected] of cases) {
      it(`${JSON.stringify(patterns)} ${expected ? 'matches' : 'does not match'} ${file}`, () => {
        const m = matcher(Array.isArray(patterns) ? patterns : [patterns]);
        assert.equal(m.matchesOrParentMatches(file), expected);
      });
    }
  });

  it('matches a parent only at the pattern depth with Matches', () => {
    assert.equal(matcher(['a*/b']).matches('abc/b/c'), true);
    assert.equal(matcher(['a']).matches('x/a/b'), false);
  });

  it('walks a tree top-down with the parent result', () => {
    const m = matcher(['build', '!build/keep']);
    const parent = m.matchesUsingParentResult('build', false);
    assert.equal(parent, true);
    assert.equal(m.matchesUsingParentResult('build/x', parent), true);
    assert.equal(m.matchesUsingParentResult('build/keep', parent), false);
  });

  it("refuses what Docker refuses, with Docker's text", () => {
    assert.deepEqual(PatternMatcher.create(['ok', '!']), {
      error: 'illegal exclusion pattern: "!"',
      index: 1,
    });
    assert.deepEqual(PatternMatcher.create(['[']), { error: 'syntax error in pattern', index: 0 });
    assert.deepEqual(PatternMatcher.create(['a\\']), { error: 'syntax error in pattern', index: 0 });
    assert.ok(PatternMatcher.create(['[a-z]', '[^x]', '\\[']) instanceof PatternMatcher);
  });

  it('prefers <Dockerfile>.dockerignore next to the Dockerfile over the context one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-dockerignore-'));
    try {
      mkdirSync(join(dir, 'docker'));
      writeFileSync(join(dir, '.dockerignore'), 'root\n');
      const dockerfile = join(dir, 'docker', 'app.Dockerfile');
      assert.deepEqual(
        findDockerignore(dir, dockerfile)?.lines.map((l) => l.pattern),
        ['root'],
      );
      writeFileSync(dockerfile + '.dockerignore', 'specific\n');
      const found = findDockerignore(dir, dockerfile);
      assert.equal(found?.path, dockerfile + '.dockerignore');
      assert.deepEqual(
        found?.lines.map((l) => l.pattern),
        ['specific'],
      );
      rmSync(join(dir, '.dockerignore'));
      rmSync(dockerfile + '.dockerignore');
      assert.equal(findDockerignore(dir, dockerfile), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
