import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';

import { makeContextFilter, packContext } from '../../../../engine/src/build/context/pack';

/** The entries of a tar stream, listed by GNU tar (not by the library that wrote it). */
async function entriesOf(stream: NodeJS.ReadableStream): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  const listing = execFileSync('tar', ['-tf', '-'], { input: Buffer.concat(chunks), encoding: 'utf8' });
  return listing
    .split('\n')
    .map((n) => n.replace(/^\.\//, ''))
    .filter((n) => n !== '' && n !== '.' && n !== './')
    .sort();
}

describe('build/context/pack', () => {
  it('applies .dockerignore patterns with exceptions, and always sends the Dockerfile', () => {
    const patterns = ['node_modules', '*.log', 'vendor', '!keep.log', '!vendor/licenses', 'Dockerfile'];
    const keep = makeContextFilter(patterns, ['Dockerfile', '.dockerignore']);
    assert.equal(keep('src/app.ts', false), true);
    assert.equal(keep('node_modules', true), false);
    assert.equal(keep('vendor', true), true, 'walked: an exception keeps something inside');
    assert.equal(keep('vendor/lib', true), false);
    assert.equal(keep('vendor/licenses', true), true);
    assert.equal(keep('debug.log', false), false);
    assert.equal(keep('keep.log', false), true);
    assert.equal(keep('Dockerfile', false), true);
  });

  it('packs the context folder as a tar without the ignored files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-context-test-'));
    try {
      mkdirSync(path.join(dir, 'src'));
      mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
      writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\n');
      writeFileSync(path.join(dir, '.dockerignore'), 'node_modules\n*.log\n');
      writeFileSync(path.join(dir, 'src', 'app.js'), 'x');
      writeFileSync(path.join(dir, 'build.log'), 'x');
      writeFileSync(path.join(dir, 'node_modules', 'x', 'index.js'), 'x');
      const packed = packContext({ contextDir: dir, dockerfilePath: path.join(dir, 'Dockerfile') });
      assert.equal(packed.dockerfile, 'Dockerfile');
      const names = await entriesOf(packed.tar);
      assert.deepEqual(names, ['.dockerignore', 'Dockerfile', 'src/', 'src/app.js']);
      assert.throws(() => makeContextFilter(['[z-a'], []), /pattern "\[z-a" is invalid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('adds a Dockerfile from outside the context (or stdin) at the root under a name of its own', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-context-test-'));
    try {
      mkdirSync(path.join(dir, 'ctx'));
      writeFileSync(path.join(dir, 'ctx', 'a.txt'), 'a');
      writeFileSync(path.join(dir, 'Dockerfile.dev'), 'FROM busybox\n');
      writeFileSync(path.join(dir, 'Dockerfile.dev.dockerignore'), 'a.txt\n');
      const packed = packContext({
        contextDir: path.join(dir, 'ctx'),
        dockerfilePath: path.join(dir, 'Dockerfile.dev'),
      });
      assert.match(packed.dockerfile, /^\.dockerfile\.[0-9a-f]{20}$/);
      const chunks: Buffer[] = [];
      for await (const chunk of packed.tar) chunks.push(Buffer.from(chunk as Uint8Array));
      const tarFile = path.join(dir, 'ctx.tar');
      writeFileSync(tarFile, Buffer.concat(chunks));
      const names = await entriesOf(Readable.from([Buffer.concat(chunks)]));
      assert.deepEqual(names, [packed.dockerfile], 'the ignore file next to the Dockerfile applies');
      const text = execFileSync('tar', ['-xOf', tarFile, packed.dockerfile], { encoding: 'utf8' });
      assert.equal(text, 'FROM busybox\n');
      const fromStdin = packContext({
        contextDir: path.join(dir, 'ctx'),
        dockerfilePath: path.join(dir, 'ctx', 'Dockerfile'),
        dockerfileText: 'FROM scratch\n',
      });
      const stdinNames = await entriesOf(fromStdin.tar);
      assert.deepEqual(stdinNames, [fromStdin.dockerfile, 'a.txt'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
