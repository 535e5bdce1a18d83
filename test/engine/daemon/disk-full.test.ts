// berthd's state dir on a small tmpfs: when the disk fills, each operation fails with a clear
// error (or waits, for container output), berthd keeps serving, the store stays intact, and the
// same operations succeed once there is room again.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonTestsBlocked, startBerthd, type TestDaemon } from '../../helpers/berthd';
import { makeOciLayout, skopeoPush } from '../../helpers/busybox-image';
import { skipIfBlocked } from '../../helpers/skip';

/** Every blob under the store, with whether its content matches its digest. */
function blobs(root: string): { name: string; ok: boolean }[] {
  const found: { name: string; ok: boolean }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\/blobs\/sha256$/.test(dir)) {
        found.push({
          name: e.name,
          ok: createHash('sha256').update(readFileSync(path)).digest('hex') === e.name,
        });
      }
    }
  };
  walk(root);
  return found;
}

/** Temp and partial files under the store's ingest dir and temp dirs among its snapshots. */
function leftovers(root: string): string[] {
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
  return [
    ...list(join(root, 'ingest')).map((n) => `ingest/${n}`),
    ...list(join(root, 'snapshots'))
      .filter((n) => n.startsWith('.'))
      .map((n) => `snapshots/${n}`),
  ];
}

function sortedLines(text: string): string[] {
  return text.split('\n').filter(Boolean).sort();
}

describe('berthd when the disk fills', function () {
  let d: TestDaemon | undefined;
  let work: string;
  let mnt: string;
  const filler = () => join(mnt, 'filler');

  /** Takes all but `leaveBytes` of the free space. */
  function fill(leaveBytes: number): void {
    const st = statfsSync(mnt);
    const free = st.bavail * st.bsize;
    if (free > leaveBytes) execFileSync('fallocate', ['-l', String(free - leaveBytes), filler()]);
  }

  before(async function () {
    skipIfBlocked(this, daemonTestsBlocked());
    this.timeout(120_000);
    work = mkdtempSync(join(tmpdir(), 'berth-diskfull-'));
    mnt = join(work, 'state');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=192m', `berth-diskfull-${process.pid}`, mnt]);
    d = await startBerthd({ withBusybox: true, extraArgs: ['--data-root', mnt] });
  });
  afterEach(() => rmSync(filler(), { force: true }));
  after(async () => {
    await d?.destroy();
    if (mnt) spawnSync('umount', ['-l', mnt]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('makes container output wait for room rather than lose it, and keeps serving', async function () {
    this.timeout(240_000);
    const daemon = d!;
    const lines = 200_000;
    fill(2 * 1024 * 1024);
    const run = await daemon.docker([
      'run',
      '-d',
      '--name',
      'chatty',
      '--network',
      'none',
      'busybox',
      'seq',
      '1',
      String(lines),
    ]);
    assert.equal(run.status, 0, run.stderr);
    // The log (about 15 MB) cannot fit: berthd still answers, the container waits to write.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const st = statfsSync(mnt);
      if (st.bavail * st.bsize < 64 * 1024) break;
      assert.ok(Date.now() < deadline, 'the log fills the disk');
      await new Promise((r) => setTimeout(r, 50));
    }
    const ps = await daemon.docker(['ps', '--format', '{{.Names}} {{.State}}']);
    assert.equal(ps.status, 0, ps.stderr);
    assert.match(ps.stdout, /^chatty running$/m, 'it waits for room instead of losing output');
    rmSync(filler(), { force: true });
    const waited = await daemon.docker(['wait', 'chatty'], { timeoutMs: 120_000 });
    assert.equal(waited.stdout.trim(), '0', waited.stderr);
    const logs = await daemon.docker(['logs', 'chatty'], { timeoutMs: 120_000 });
    const numbers = logs.stdout.split('\n').filter(Boolean).map(Number);
    const firstWrong = numbers.findIndex((n, i) => n !== i + 1);
    assert.equal(firstWrong, -1, `line ${firstWrong} is ${numbers[firstWrong]}`);
    assert.equal(numbers.length, lines);
    await daemon.docker(['rm', 'chatty']);
  });

  it('refuses a load larger than the free space with a clear error, leaving the store intact', async function () {
    this.timeout(240_000);
    const daemon = d!;
    const layer = join(work, 'layer');
    mkdirSync(layer, { recursive: true });
    writeFileSync(join(layer, 'big.bin'), randomBytes(24 * 1024 * 1024));
    const layout = makeOciLayout(join(work, 'layout'), [layer], { tag: 'big', gzipLevel: 1 });
    const tar = join(work, 'big.tar');
    execFileSync('tar', ['-C', layout.layoutDir, '-cf', tar, '.']);
    const imagesBefore = sortedLines(
      (await daemon.docker(['images', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'])).stdout,
    );
    fill(8 * 1024 * 1024);
    const load = await daemon.docker(['load', '-i', tar]);
    assert.notEqual(load.status, 0, 'the load fails');
    console.log(`      load said: ${(load.stderr + load.stdout).trim()}`);
    assert.match(load.stderr + load.stdout, /no space left on device/i);
    assert.match(load.stderr + load.stdout, /free (some )?(disk )?space|prune/i, 'says what to do');
    assert.equal((await daemon.docker(['version'])).status, 0, 'berthd keeps serving');
    assert.deepEqual(
      sortedLines((await daemon.docker(['images', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'])).stdout),
      imagesBefore,
    );
    const stored = blobs(mnt);
    assert.deepEqual(
      stored.filter((b) => !b.ok),
      [],
      'every visible blob matches its digest (no partial blob)',
    );
    assert.deepEqual(leftovers(mnt), [], 'the failed load removed what it had written');
    rmSync(filler(), { force: true });
    const again = await daemon.docker(['load', '-i', tar]);
    assert.equal(again.status, 0, again.stderr);
    assert.ok(
      sortedLines((await daemon.docker(['images', '-q', '--no-trunc'])).stdout).includes(layout.configDigest),
    );
  });

  it('fails a build with a clear error, leaving no half-made image, then builds with room', async function () {
    this.timeout(240_000);
    const daemon = d!;
    const context = join(work, 'ctx');
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, 'big.bin'), randomBytes(16 * 1024 * 1024));
    writeFileSync(join(context, 'Dockerfile'), 'FROM busybox\nCOPY big.bin /big.bin\n');
    const imagesBefore = sortedLines((await daemon.docker(['images', '-q', '--no-trunc'])).stdout);
    fill(4 * 1024 * 1024);
    const build = await daemon.docker(['build', '-t', 'fullbuild', context]);
    assert.notEqual(build.status, 0, 'the build fails');
    const said = (build.stderr + build.stdout).trim().split('\n').slice(-2).join(' | ');
    console.log(`      build said: ${said}`);
    assert.match(build.stderr + build.stdout, /no space left on device/i);
    assert.doesNotMatch(build.stderr + build.stdout, /not a valid tar/, 'the context was fine');
    assert.match(build.stderr + build.stdout, /free space/);
    assert.deepEqual(
      sortedLines((await daemon.docker(['images', '-q', '--no-trunc'])).stdout),
      imagesBefore,
      'nothing half-made',
    );
    assert.deepEqual(
      blobs(mnt).filter((b) => !b.ok),
      [],
    );
    assert.deepEqual(leftovers(mnt), [], 'the failed build removed what it had written');
    assert.equal((await daemon.docker(['version'])).status, 0, 'berthd keeps serving');
    const contexts = join(mnt, 'build', 'contexts');
    assert.deepEqual(
      existsSync(contexts) ? readdirSync(contexts) : [],
      [],
      'the half-unpacked context is gone',
    );
    rmSync(filler(), { force: true });
    const again = await daemon.docker(['build', '-t', 'fullbuild', context]);
    assert.equal(again.status, 0, again.stderr);
  });

  it('fails a docker cp into a volume with a clear error, leaving no partial file, then copies with room', async function () {
    this.timeout(240_000);
    const daemon = d!;
    const src = join(work, 'cp-src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'small.txt'), 'small\n');
    writeFileSync(join(src, 'big.bin'), randomBytes(16 * 1024 * 1024));
    const vol = `fullvol-${process.pid}`;
    assert.equal((await daemon.docker(['volume', 'create', vol])).status, 0);
    const created = await daemon.docker([
      'create',
      '--name',
      'cpbox',
      '-v',
      `${vol}:/data`,
      'busybox',
      'true',
    ]);
    assert.equal(created.status, 0, created.stderr);
    const volumeDir = JSON.parse((await daemon.docker(['volume', 'inspect', vol])).stdout)[0]
      .Mountpoint as string;
    fill(4 * 1024 * 1024);
    const cp = await daemon.docker(['cp', src, 'cpbox:/data/']);
    assert.notEqual(cp.status, 0, `the copy fails: ${cp.stdout}`);
    console.log(`      cp said: ${cp.stderr.trim()}`);
    assert.match(cp.stderr, /no space left on device/i);
    assert.match(cp.stderr, /free space/i, 'says what to do');
    assert.equal((await daemon.docker(['version'])).status, 0, 'berthd keeps serving');
    // What was written whole may stay (as with Docker); no file is left cut short.
    const bigCopy = join(volumeDir, 'cp-src', 'big.bin');
    if (existsSync(bigCopy)) {
      assert.deepEqual(readFileSync(bigCopy), readFileSync(join(src, 'big.bin')), 'no partial big.bin');
    }
    rmSync(filler(), { force: true });
    const again = await daemon.docker(['cp', src, 'cpbox:/data/']);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(readFileSync(bigCopy), readFileSync(join(src, 'big.bin')));
    assert.equal(readFileSync(join(volumeDir, 'cp-src', 'small.txt'), 'utf8'), 'small\n');
    await daemon.docker(['rm', '-v', 'cpbox']);
    await daemon.docker(['volume', 'rm', vol]);
  });

  it('fails a pull whose blobs do not fit with a clear error, leaving the store intact, then pulls with room', async function () {
    this.timeout(240_000);
    const daemon = d!;
    const layer = join(work, 'pull-layer');
    mkdirSync(layer, { recursive: true });
    writeFileSync(join(layer, 'big.bin'), randomBytes(24 * 1024 * 1024));
    const layout = makeOciLayout(join(work, 'pull-layout'), [layer], { tag: 'v1', gzipLevel: 1 });
    const ref = `${daemon.registry!.address}/team/toobig:v1`;
    skopeoPush(layout, ref);
    const imagesBefore = sortedLines(
      (await daemon.docker(['images', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'])).stdout,
    );
    fill(8 * 1024 * 1024);
    const pull = await daemon.docker(['pull', ref]);
    assert.notEqual(pull.status, 0, 'the pull fails');
    console.log(`      pull said: ${(pull.stderr + pull.stdout).trim().split('\n')[0]}`);
    assert.match(pull.stderr + pull.stdout, /no space left on device/i);
    assert.match(pull.stderr + pull.stdout, /free (some )?(disk )?space|prune/i, 'says what to do');
    assert.equal((await daemon.docker(['version'])).status, 0, 'berthd keeps serving');
    assert.deepEqual(
      sortedLines((await daemon.docker(['images', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'])).stdout),
      imagesBefore,
    );
    assert.deepEqual(
      blobs(mnt).filter((b) => !b.ok),
      [],
      'every visible blob matches its digest (no partial blob)',
    );
    assert.deepEqual(leftovers(mnt), [], 'the failed download removed what it had written');
    rmSync(filler(), { force: true });
    const again = await daemon.docker(['pull', ref]);
    assert.equal(again.status, 0, again.stderr);
    const created = await daemon.docker(['create', '--name', 'pulledbig', ref]);
    assert.equal(created.status, 0, created.stderr);
    const copied = await daemon.docker(['cp', 'pulledbig:/big.bin', join(work, 'pulled-big.bin')]);
    assert.equal(copied.status, 0, copied.stderr);
    assert.deepEqual(readFileSync(join(work, 'pulled-big.bin')), readFileSync(join(layer, 'big.bin')));
    await daemon.docker(['rm', 'pulledbig']);
  });
});
