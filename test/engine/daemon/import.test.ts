// `docker import` through the real docker CLI: a tarball `docker export` wrote becomes an image that
// runs; a compressed one too; a hostile or badly requested one is refused and leaves nothing.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthdForSuite, daemonTestsBlocked, type TestDaemon } from '../../helpers/berthd';
import { craftTar } from '../../unit/store/layers/crafted-tar';

describe('docker import against berthd', function () {
  let d: TestDaemon;
  let rootfs: string;

  berthdForSuite(daemonTestsBlocked, (started) => (d = started));

  async function ok(args: string[]): Promise<string> {
    const r = await d.docker(args, { timeoutMs: 120_000 });
    assert.equal(r.status, 0, `docker ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  before(async function () {
    if (!d) return;
    await ok([
      'run',
      '--name',
      'exported',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'echo imported > /note',
    ]);
    rootfs = join(d.dir, 'rootfs.tar');
    await ok(['export', '-o', rootfs, 'exported']);
  });

  it('makes an image of an exported root filesystem, with the changes and the message', async () => {
    const out = await ok([
      'import',
      '-c',
      'CMD ["cat", "/note"]',
      '-c',
      'ENV FROM_IMPORT=yes',
      '-m',
      'from a tarball',
      rootfs,
      'imported:1',
    ]);
    const id = out.trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal((await ok(['inspect', '-f', '{{.Id}}', 'imported:1'])).trim(), id);
    assert.equal(await ok(['run', '--rm', '--network', 'none', 'imported:1']), 'imported\n');
    assert.equal(
      (await ok(['inspect', '-f', '{{json .Config.Env}}', 'imported:1'])).trim(),
      '["FROM_IMPORT=yes"]',
    );
    assert.equal((await ok(['history', '--format', '{{.Comment}}', 'imported:1'])).trim(), 'from a tarball');
  });

  it('reads a gzip-compressed tarball, and names the source in the history by default', async () => {
    const gz = join(d.dir, 'rootfs.tar.gz');
    execFileSync('sh', ['-c', `gzip -c "${rootfs}" > "${gz}"`]);
    await ok(['import', gz, 'imported:gz']);
    assert.equal(await ok(['run', '--rm', '--network', 'none', 'imported:gz', 'cat', '/note']), 'imported\n');
    assert.equal(
      (await ok(['history', '--format', '{{.Comment}}', 'imported:gz'])).trim(),
      'Imported from -',
    );
  });

  it('refuses a tarball with an entry outside its root, and writes nothing', async () => {
    const evil = join(d.dir, 'evil.tar');
    writeFileSync(
      evil,
      craftTar([
        { path: 'ok.txt', body: 'fine' },
        { path: '../../../escaped-by-import', body: 'out' },
      ]),
    );
    const r = await d.docker(['import', evil, 'evil:1']);
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /cannot be imported: refusing layer entry "\.\.\/\.\.\/\.\.\/escaped-by-import"/);
    assert.notEqual((await d.docker(['image', 'inspect', 'evil:1'])).status, 0, 'no image was made');
    const found = execFileSync('find', [d.dir, '-name', 'escaped-by-import'], { encoding: 'utf8' });
    assert.equal(found, '', 'the entry was not written anywhere');
  });

  it('refuses a change that is not configuration, before reading the tarball', async () => {
    const r = await d.docker(['import', '-c', 'RUN echo no', rootfs, 'refused:1']);
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /RUN is not a valid change command/);
    assert.notEqual((await d.docker(['image', 'inspect', 'refused:1'])).status, 0);
  });
});
