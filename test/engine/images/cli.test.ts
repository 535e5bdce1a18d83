// `bin/berth` as a user runs it: output formats, exit codes and messages.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LayoutImage, makeBusyboxLayout, skopeoPush } from '../../helpers/busybox-image';
import { haveBusybox } from '../../helpers/busybox-rootfs';
import { haveRegistry, startRegistry, type TestRegistry } from '../../helpers/registry';
import { skipBecause } from '../../helpers/skip';

const berthBin = join(__dirname, '../../../../bin/berth');

describe('berth CLI (image verbs)', function () {
  let work: string;
  let registry: TestRegistry;
  let image: LayoutImage;
  let root: string;

  /** Runs berth asynchronously (the registry's clients in this process keep working meanwhile). */
  function berth(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [berthBin, '--root', root, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    });
  }

  before(async function () {
    if (!haveRegistry() || !haveBusybox()) {
      skipBecause(this, 'needs docker-registry, skopeo and busybox-static (apt, see .ci/setup)');
    }
    work = mkdtempSync(join(tmpdir(), 'berth-cli-'));
    root = join(work, 'root');
    image = makeBusyboxLayout(join(work, 'layout'));
    registry = await startRegistry();
    skopeoPush(image, `${registry.address}/library/busybox:1.36`);
  });
  after(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('pull prints plain progress lines and the name when not on a terminal', async () => {
    const r = await berth('pull', `${registry.address}/library/busybox:1.36`);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], '1.36: Pulling from library/busybox');
    assert.ok(lines.includes(`${image.layers[0].digest.slice(7, 19)}: Pull complete`), r.stdout);
    assert.ok(lines.includes(`Digest: ${image.manifestDigest}`));
    assert.equal(lines[lines.length - 1], `${registry.address}/library/busybox:1.36`);
    assert.ok(!r.stdout.includes('\x1b['), 'no terminal escapes in plain output');
  });

  it('images, tag, inspect and --format', async () => {
    assert.equal((await berth('tag', `${registry.address}/library/busybox:1.36`, 'busybox:mine')).status, 0);
    const table = await berth('images');
    const [header, ...rows] = table.stdout.trim().split('\n');
    assert.match(header, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    assert.ok(
      rows.some((r) => /^busybox\s+mine\s+[0-9a-f]{12}\s+\d+ years ago\s+\d+(\.\d+)?MB$/.test(r)),
      table.stdout,
    );
    const json = (await berth('images', '--format', 'json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(json.every((j) => j.ID === image.configDigest.slice(7, 19)));
    assert.equal((await berth('images', '-q')).stdout, `${image.configDigest.slice(7, 19)}\n`);
    assert.equal(
      (await berth('images', '--format', '{{.Repository}}:{{.Tag}}', 'busybox')).stdout,
      'busybox:mine\n',
    );
    const inspected = JSON.parse((await berth('inspect', 'busybox:mine')).stdout);
    assert.equal(inspected[0].Id, image.configDigest);
    assert.deepEqual(inspected[0].RootFS.Layers, [image.layers[0].diffId]);
    assert.equal(
      (await berth('inspect', '-f', '{{.Os}}/{{.Architecture}}', 'busybox:mine')).stdout,
      'linux/amd64\n',
    );
  });

  it('history works in-process too, as a table and with --no-trunc', async () => {
    const table = await berth('history', 'busybox:mine');
    assert.equal(table.status, 0, table.stderr);
    const [header, row, ...more] = table.stdout.trim().split('\n');
    assert.match(header, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    assert.match(
      row,
      new RegExp(`^${image.configDigest.slice(7, 19)}\\s+\\d+ years ago\\s+berth test helper\\s+\\d`),
    );
    assert.deepEqual(more, []);
    const full = await berth('history', '--no-trunc', '--format', '{{.ID}} {{.CreatedBy}}', 'busybox:mine');
    assert.equal(full.stdout, `${image.configDigest} berth test helper\n`);
    const missing = await berth('history', 'nothere:1');
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /nothere/);
  });

  it('push, save/load and rmi', async () => {
    const pushed = await berth('push', `${registry.address}/library/busybox:1.36`);
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.match(pushed.stdout, new RegExp(`1\\.36: digest: ${image.manifestDigest} size: \\d+`));
    const archive = join(work, 'saved.tar');
    assert.equal((await berth('save', '-o', archive, 'busybox:mine')).status, 0);
    assert.ok(existsSync(archive));
    const rmi = await berth('rmi', 'busybox:mine', `${registry.address}/library/busybox:1.36`);
    assert.equal(rmi.status, 0, rmi.stderr);
    assert.match(rmi.stdout, /^Untagged: busybox:mine\n/);
    assert.match(rmi.stdout, new RegExp(`Deleted: ${image.configDigest}\n$`));
    assert.equal((await berth('images', '-q')).stdout, '');
    const loaded = await berth('load', '-i', archive);
    assert.equal(loaded.stdout, 'Loaded image: busybox:mine\n');
  });

  it('image prune asks first, keeps tagged images, and with -a removes them and their layers', async () => {
    const declined = await berth('image', 'prune', '-a'); // stdin at its end: the answer is no
    assert.equal(declined.status, 0, declined.stderr);
    assert.match(declined.stderr, /WARNING! This will remove all images without at least one container/);
    assert.equal(declined.stdout, '');
    assert.equal((await berth('image', 'prune', '-f')).stdout, 'Total reclaimed space: 0B\n');
    assert.notEqual((await berth('images', '-q')).stdout, '', 'busybox:mine is tagged: kept');
    const pruned = await berth('image', 'prune', '-a', '-f');
    assert.equal(pruned.status, 0, pruned.stderr);
    assert.match(
      pruned.stdout,
      new RegExp(
        `^Deleted Images:\nuntagged: busybox:mine\ndeleted: ${image.configDigest}\n\nTotal reclaimed space: [1-9][0-9.]*[kM]B\n$`,
      ),
    );
    assert.equal((await berth('images', '-q')).stdout, '');
    assert.deepEqual(readdirSync(join(root, 'snapshots')), [], 'the layer went with the image');
  });

  it('says what went wrong, with docker exit codes', async () => {
    const bad = await berth('pull', 'Not/Valid');
    assert.equal(bad.status, 1);
    assert.match(
      bad.stderr,
      /invalid reference format "Not\/Valid": repository name \(Valid\) must be lowercase/,
    );
    const unreachable = await berth('pull', 'registry.invalid/x');
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.stderr, /cannot reach registry registry\.invalid: .*--insecure-registry/);
    const missing = await berth('rmi', 'nothere');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /No such image: nothere/);
    const usage = await berth('tag', 'onlyone');
    assert.equal(usage.status, 125);
    assert.match(usage.stderr, /"berth tag" requires exactly 2 arguments/);
    const flag = await berth('images', '--bogus');
    assert.equal(flag.status, 125);
    assert.match(flag.stderr, /unknown flag: --bogus\nSee 'berth images --help'/);
  });
});
