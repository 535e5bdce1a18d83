import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheFileFor, loadWithCodeCache, readCache } from '../../../engine/src/cli/code-cache';

/** A bundle whose answer depends on its bytes; both variants have the same length. */
function bundleSource(answer: 'A' | 'B'): string {
  const body = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
  return `${body}\nexports.answer = () => '${answer}' + f7(0) + require('node:path').sep;\n`;
}

describe('code cache of the CLI bundle (bin/berth)', () => {
  let dir: string;
  let cacheHome: string;
  let bundle: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-code-cache-'));
    cacheHome = join(dir, 'cache');
    bundle = join(dir, 'berth.js');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cacheFile = () => {
    const bytes = readFileSync(bundle);
    return cacheFileFor(bundle, createHash('sha256').update(bytes).digest(), cacheHome);
  };
  const load = (command?: string) => {
    const loaded = loadWithCodeCache(bundle, module, cacheHome);
    const answer = (loaded.exports.answer as () => string)();
    loaded.save(command);
    return answer;
  };
  const bundleHash = () => createHash('sha256').update(readFileSync(bundle)).digest();

  it('writes a cache after the first run and uses it on the next (the file is left alone)', () => {
    writeFileSync(bundle, bundleSource('A'));
    assert.equal(load(), `A7/`);
    const file = cacheFile();
    assert.ok(existsSync(file), 'no cache written after the first run');
    const old = new Date(Date.now() - 3600_000);
    utimesSync(file, old, old);
    assert.equal(load(), `A7/`);
    assert.equal(readdirSync(join(cacheHome, 'berth', 'v8')).length, 1);
    // Not written again: V8 took it (a rejected cache is replaced after the run).
    assert.equal(Math.round(statSync(file).mtimeMs / 1000), Math.round(old.getTime() / 1000));
  });

  it('is written again by a run of a command it holds no run of, and then holds both', () => {
    writeFileSync(bundle, bundleSource('A'));
    assert.equal(load('images'), 'A7/');
    const file = cacheFile();
    assert.deepEqual(readCache(file, bundleHash())?.commands, ['images']);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(file, old, old);
    assert.equal(load('images'), 'A7/');
    assert.equal(load(), 'A7/', 'a run that names no command');
    assert.equal(Math.round(statSync(file).mtimeMs / 1000), Math.round(old.getTime() / 1000));
    assert.equal(load('volume ls'), 'A7/');
    assert.deepEqual(readCache(file, bundleHash())?.commands, ['images', 'volume ls']);
    assert.equal(load('images'), 'A7/', 'from the rewritten cache');
    assert.equal(load('bad,name'), 'A7/');
    assert.deepEqual(readCache(file, bundleHash())?.commands, ['images', 'volume ls']);
    // The list is under the checksum: an edited one makes the whole cache void.
    const edited = readFileSync(file);
    edited[edited.indexOf('images')] = 'I'.charCodeAt(0);
    writeFileSync(file, edited);
    assert.equal(readCache(file, bundleHash()), undefined);
  });

  it('never uses the cache of other bytes, even of the same length under the same name', () => {
    writeFileSync(bundle, bundleSource('A'));
    load();
    const aCache = cacheFile();
    const aBytes = readFileSync(aCache);
    writeFileSync(bundle, bundleSource('B'));
    assert.equal(readFileSync(bundle).length, Buffer.byteLength(bundleSource('A')));
    // A's cache put where B's would be: its header names A's bytes, so it is ignored.
    writeFileSync(cacheFile(), aBytes);
    assert.equal(
      readCache(cacheFile(), createHash('sha256').update(readFileSync(bundle)).digest()),
      undefined,
    );
    assert.equal(load(), `B7/`);
    assert.notDeepEqual(readFileSync(cacheFile()), aBytes, "B's own cache replaces the wrong one");
  });

  it('ignores a damaged or truncated cache and writes a good one', () => {
    writeFileSync(bundle, bundleSource('A'));
    load();
    const file = cacheFile();
    const good = readFileSync(file);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 100] ^= 0xff;
    writeFileSync(file, damaged);
    assert.equal(readCache(file, createHash('sha256').update(readFileSync(bundle)).digest()), undefined);
    assert.equal(load(), `A7/`);
    assert.ok(readCache(file, createHash('sha256').update(readFileSync(bundle)).digest()));
    writeFileSync(file, good.subarray(0, 40));
    assert.equal(load(), `A7/`);
    writeFileSync(file, 'not a cache');
    assert.equal(load(), `A7/`);
  });

  it('ignores a cache that someone else could have written: writable by group or others, or (as root) owned by another user', () => {
    writeFileSync(bundle, bundleSource('A'));
    load();
    const file = cacheFile();
    const hash = createHash('sha256').update(readFileSync(bundle)).digest();
    assert.ok(readCache(file, hash), 'our own cache is used');
    chmodSync(file, 0o666);
    assert.equal(readCache(file, hash), undefined, 'a world-writable cache was trusted');
    chmodSync(file, 0o664);
    assert.equal(readCache(file, hash), undefined, 'a group-writable cache was trusted');
    chmodSync(file, 0o644);
    if (process.geteuid?.() === 0) {
      chownSync(file, 65534, 65534);
      assert.equal(readCache(file, hash), undefined, "root trusted another user's cache");
    }
    const link = `${file}.link`;
    renameSync(file, link);
    symlinkSync(link, file);
    assert.equal(readCache(file, hash), undefined, 'a cache reached through a symlink was trusted');
  });

  it('reads a bundle that is not ASCII as UTF-8 (only an ASCII one is read as latin1)', () => {
    writeFileSync(bundle, `exports.answer = () => 'caf\u00e9 \u2192 ' + 'x'.length;\n`);
    assert.equal(load(), 'caf\u00e9 \u2192 1');
    assert.equal(load(), 'caf\u00e9 \u2192 1', 'from its cache');
  });

  it('never writes through a link put at its temp name', () => {
    writeFileSync(bundle, bundleSource('A'));
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'untouched');
    const file = cacheFile();
    mkdirSync(dirname(file), { recursive: true });
    symlinkSync(victim, `${file}.${process.pid}.tmp`);
    assert.equal(load(), 'A7/');
    assert.equal(readFileSync(victim, 'utf8'), 'untouched');
  });

  it("removes other bundles' caches once they are a day old, and keeps recent ones", () => {
    writeFileSync(bundle, bundleSource('A'));
    load();
    const v8Dir = join(cacheHome, 'berth', 'v8');
    const stale = join(v8Dir, 'berth-0123-v20.0.0.bin');
    const recent = join(v8Dir, 'berth-4567-v20.0.0.bin');
    const unrelated = join(v8Dir, 'other-89ab-v20.0.0.bin');
    for (const f of [stale, recent, unrelated]) writeFileSync(f, 'x');
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    utimesSync(stale, dayAgo, dayAgo);
    utimesSync(unrelated, dayAgo, dayAgo);
    writeFileSync(bundle, bundleSource('B'));
    load();
    const left = readdirSync(v8Dir).sort();
    assert.ok(!left.includes('berth-0123-v20.0.0.bin'), 'a stale cache was kept');
    assert.ok(left.includes('berth-4567-v20.0.0.bin') && left.includes('other-89ab-v20.0.0.bin'));
    assert.equal(left.filter((f) => f.endsWith('.tmp')).length, 0);
  });
});
