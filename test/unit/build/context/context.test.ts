import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildContext, cleanRel, SourceNotFoundError } from '../../../../engine/src/build/context/context';
import { FileDigests } from '../../../../engine/src/build/context/file-digests';
import { loadIgnoreRules } from '../../../../engine/src/build/context/ignore';

describe('BuildContext', () => {
  let dir: string;
  let ctx: BuildContext;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-ctx-'));
    for (const f of ['a.txt', 'b.txt', 'c.log', 'keep.log', 'sub/x.txt', 'sub/deep/y.txt', 'tmp/t']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), f);
    }
    symlinkSync('/sub', join(dir, 'abs-link'));
    symlinkSync('../../etc/passwd', join(dir, 'escape'));
    writeFileSync(join(dir, '.dockerignore'), '*.log\n!keep.log\ntmp\n');
    const ignore = loadIgnoreRules(dir, join(dir, 'Dockerfile'))!;
    ctx = new BuildContext(dir, ignore.rules, ignore.file, new FileDigests());
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves wildcards per path component, sorted', () => {
    assert.deepEqual(
      ctx.resolve('*.txt').map((e) => e.rel),
      ['a.txt', 'b.txt'],
    );
    assert.deepEqual(
      ctx.resolve('s?b/*').map((e) => e.rel),
      ['sub/deep', 'sub/x.txt'],
    );
    assert.deepEqual(
      ctx.resolve('[ab].txt').map((e) => e.rel),
      ['a.txt', 'b.txt'],
    );
  });

  it('lets a wildcard match nothing only when asked (COPY and ADD), never a plain path', () => {
    assert.throws(() => ctx.resolve('*.nomatch'), /"\*.nomatch" not found in the build context/);
    assert.deepEqual(ctx.resolve('*.nomatch', { allowEmptyWildcard: true }), []);
    assert.deepEqual(ctx.resolve('sub/*.nomatch', { allowEmptyWildcard: true }), []);
    assert.throws(
      () => ctx.resolve('nope.txt', { allowEmptyWildcard: true }),
      /"nope.txt" not found in the build context/,
    );
  });

  it('keeps `..` and absolute links inside the context', () => {
    assert.equal(cleanRel('../../a.txt'), 'a.txt');
    assert.equal(ctx.resolve('abs-link/x.txt')[0].abs, join(dir, 'sub', 'x.txt'));
    assert.throws(() => ctx.resolve('escape'), SourceNotFoundError);
  });

  it('hides what .dockerignore excludes, and says so', () => {
    assert.deepEqual(
      ctx.resolve('*.log').map((e) => e.rel),
      ['keep.log'],
    );
    assert.throws(() => ctx.resolve('c.log'), /"c.log" is excluded by \.dockerignore/);
    assert.throws(() => ctx.resolve('nope.txt'), /"nope.txt" not found in the build context/);
    const all = [...ctx.walk(ctx.entry('')!)].map((f) => f.rel);
    assert.ok(
      all.includes('keep.log') && !all.includes('c.log') && !all.includes('tmp') && !all.includes('tmp/t'),
    );
  });

  it('digests content, mode and names, not times', () => {
    const [sub] = ctx.resolve('sub');
    const before = ctx.digest(sub);
    utimesSync(join(dir, 'sub/x.txt'), new Date(2000, 1, 1), new Date(2000, 1, 1));
    assert.equal(ctx.digest(sub), before);
    chmodSync(join(dir, 'sub/x.txt'), 0o600);
    const chmodded = ctx.digest(sub);
    assert.notEqual(chmodded, before);
    writeFileSync(join(dir, 'sub/x.txt'), 'changed');
    assert.notEqual(ctx.digest(sub), chmodded);
  });
});
