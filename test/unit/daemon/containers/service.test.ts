import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputChunk, StdioSession } from '../../../../engine/src/api/backend';
import type { ContainerInspect } from '../../../../engine/src/api/types';
import { defaultConfig } from '../../../../engine/src/daemon/config';
import { Daemon } from '../../../../engine/src/daemon/daemon';
import { fullSupport } from '../../../../engine/src/daemon/spec/limits';
import { silentLogger } from '../../../../engine/src/daemon/logger';
import { linuxDaemonCalls, type DaemonCalls } from '../../../../engine/src/runtime/linux/daemon-calls';
import { loadImages } from '../../../../engine/src/store/archive/load';
import { Store } from '../../../../engine/src/store/store';
import { makeBusyboxRootfs } from '../../../helpers/busybox-rootfs';
import { makeOciLayout } from '../../../helpers/busybox-image';
import { FakeRuntime } from './fake-runtime';
import { execFileSync } from 'node:child_process';

/** Mounts are recorded, not made (no root here); FIFOs are real. */
function fakeCalls(): DaemonCalls & { mounts: string[] } {
  const mounts: string[] = [];
  return {
    mounts,
    mount: (_s, target) => void mounts.push(target),
    umount2: () => undefined,
    mkfifo: (path, mode) => linuxDaemonCalls.mkfifo(path, mode),
    setWindowSize: () => undefined,
    setBlocking: (fd) => linuxDaemonCalls.setBlocking(fd),
  };
}

function collect(session: StdioSession): { text: () => string; chunks: OutputChunk[] } {
  const chunks: OutputChunk[] = [];
  session.onOutput((c) => chunks.push(c));
  return { chunks, text: () => Buffer.concat(chunks.map((c) => c.data)).toString() };
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('container service (fake runtime)', function () {
  this.timeout(20000);
  let dir: string;
  let runtime: FakeRuntime;
  let daemon: Daemon;
  let store: Store;

  function newDaemon(): Daemon {
    const config = { ...defaultConfig({}, 0), dataRoot: join(dir, 'data'), execRoot: join(dir, 'run') };
    return new Daemon({
      config,
      logger: silentLogger,
      runtime,
      calls: fakeCalls(),
      store,
      seccomp: { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [] },
      initBinary: '/bin/true',
      host: {
        hostname: 'testhost',
        nofileHard: 1024,
        cgroup: fullSupport('1'),
        resolvConf: () => 'nameserver 10.0.0.2\n',
        hostsFile: () => '',
      },
    });
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-svc-'));
    makeBusyboxRootfs(join(dir, 'rootfs'));
    makeOciLayout(join(dir, 'layout'), [join(dir, 'rootfs')], { cmd: ['echo', 'from-image'] });
    execFileSync('tar', ['-cf', join(dir, 'layout.tar'), '-C', join(dir, 'layout'), '.']);
    store = Store.open(join(dir, 'data'));
    const loaded = await loadImages(store, createReadStream(join(dir, 'layout.tar')));
    store.tag(loaded[0].image.id, 'busybox:latest');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    runtime = new FakeRuntime();
    daemon = newDaemon();
    await daemon.start();
  });
  afterEach(async () => {
    for (const c of await daemon.containers.list({ all: true, size: false, filters: {} })) {
      await daemon.containers.remove(c.Id, { force: true, volumes: true, link: false });
    }
    daemon.shutdown();
  });

  it('creates with the image config merged, a generated name, and Docker errors for bad requests', async () => {
    const { Id } = await daemon.containers.create(undefined, { Image: 'busybox', Env: ['A=1'] });
    const c: ContainerInspect = await daemon.containers.inspect(Id, false);
    assert.deepEqual(c.Config.Cmd, ['echo', 'from-image']);
    assert.ok(c.Config.Env!.includes('A=1'));
    assert.match(c.Name, /^\/[a-z]+_[a-z]+\d?$/);
    assert.equal(c.State.Status, 'created');
    await daemon.containers.create('web', { Image: 'busybox' });
    await assert.rejects(
      daemon.containers.create('web', { Image: 'busybox' }),
      (e: Error & { kind?: string }) => e.kind === 'conflict' && /already in use/.test(e.message),
    );
    await assert.rejects(
      daemon.containers.create(undefined, { Image: 'nothere' }),
      (e: Error & { kind?: string }) => e.kind === 'not-found',
    );
    await assert.rejects(
      daemon.containers.create(undefined, {
        Image: 'busybox',
        HostConfig: { RestartPolicy: { Name: 'always', MaximumRetryCount: 2 } },
      }),
      /maximum retry count/,
    );
    await assert.rejects(
      daemon.containers.create(undefined, {
        Image: 'busybox',
        HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always' } },
      }),
      /AutoRemove/,
    );
    await assert.rejects(daemon.containers.create('-bad', { Image: 'busybox' }), /Invalid container name/);
  });

  it('runs like `docker run`: attach and wait before start, output then the exit code', async () => {
    const { Id } = await daemon.containers.create(undefined, { Image: 'busybox', Cmd: ['fail', '3'] });
    const session = await daemon.containers.attach(Id, {
      stdin: false,
      stdout: true,
      stderr: true,
      logs: false,
      stream: true,
    });
    const out = collect(session);
    const { result } = await daemon.containers.wait(Id, 'next-exit', new AbortController().signal);
    await daemon.containers.start(Id);
    assert.deepEqual(await result, { StatusCode: 3 });
    await session.ended;
    assert.equal(out.text(), 'failing\n');
    assert.equal(out.chunks[0].stream, 2);
    const c = await daemon.containers.inspect(Id, false);
    assert.equal(c.State.Status, 'exited');
    assert.equal(c.State.ExitCode, 3);
    const { entries } = await daemon.containers.logs(
      Id,
      { stdout: true, stderr: true, follow: false, since: 0, until: 0 },
      new AbortController().signal,
    );
    const lines: string[] = [];
    for await (const e of entries) lines.push(`${e.stream}:${e.data}`);
    assert.deepEqual(lines, ['stderr:failing\n']);
    await assert.rejects(
      daemon.containers.stop(Id),
      (e: Error & { kind?: string }) => e.kind === 'not-modified',
    );
  });

  it('stops with the stop signal, then SIGKILL after the timeout; refuses rm of a running container', async () => {
    const { Id: graceful } = await daemon.containers.create(undefined, {
      Image: 'busybox',
      Cmd: ['trap', '0'],
    });
    await daemon.containers.start(graceful);
    await assert.rejects(
      daemon.containers.start(graceful),
      (e: Error & { kind?: string }) => e.kind === 'not-modified',
    );
    await assert.rejects(
      daemon.containers.remove(graceful, { force: false, volumes: false, link: false }),
      /stop the container before removing/,
    );
    await daemon.containers.stop(graceful, undefined, 5);
    assert.equal((await daemon.containers.inspect(graceful, false)).State.ExitCode, 0);

    const { Id: stubborn } = await daemon.containers.create(undefined, {
      Image: 'busybox',
      Cmd: ['ignore-term'],
    });
    await daemon.containers.start(stubborn);
    await daemon.containers.stop(stubborn, undefined, 0);
    assert.equal((await daemon.containers.inspect(stubborn, false)).State.ExitCode, 137);
    assert.deepEqual(
      runtime.signals.filter(([id]) => id === stubborn).map(([, s]) => s),
      ['SIGTERM', 'SIGKILL'],
    );
  });

  it('writes updated limits into a running container, saves them for a created one, keeps them on refusal', async () => {
    const { Id: created } = await daemon.containers.create(undefined, { Image: 'busybox', Cmd: ['sleep'] });
    await daemon.containers.update(created, { Memory: 64 << 20 });
    assert.equal(runtime.updates.length, 0, 'a created container has no cgroup yet');
    assert.equal((await daemon.containers.inspect(created, false)).HostConfig.Memory, 64 << 20);

    await daemon.containers.start(created);
    const { Warnings } = await daemon.containers.update(created, { Memory: 96 << 20, PidsLimit: 50 });
    assert.deepEqual(Warnings, []);
    assert.deepEqual(runtime.updates, [
      {
        id: created,
        resources: { memory: { limit: 96 << 20, swap: 192 << 20 }, cpu: undefined, pids: { limit: 50 } },
      },
    ]);

    await daemon.containers.pause(created);
    await daemon.containers.update(created, { NanoCpus: 5e8 });
    assert.deepEqual(runtime.updates[1].resources.cpu, { period: 100000, quota: 50000 });

    // The cgroup refuses: a 409 naming why, and the saved limits stay as they were.
    runtime.update = () => {
      throw new Error('write memory.max: device or resource busy');
    };
    await assert.rejects(
      daemon.containers.update(created, { Memory: 8 << 20 }),
      (e: Error & { kind?: string }) =>
        e.kind === 'conflict' && /memory\.max: device or resource busy/.test(e.message),
    );
    assert.equal((await daemon.containers.inspect(created, false)).HostConfig.Memory, 96 << 20);
  });

  it('reports a missing executable as Docker does (400, exit code 127)', async () => {
    const { Id } = await daemon.containers.create(undefined, { Image: 'busybox', Cmd: ['missing'] });
    await assert.rejects(
      daemon.containers.start(Id),
      (e: Error & { kind?: string }) =>
        e.kind === 'invalid' && /executable file not found in \$PATH/.test(e.message),
    );
    const c = await daemon.containers.inspect(Id, false);
    assert.equal(c.State.ExitCode, 127);
    assert.equal(c.State.Status, 'created');
  });

  it('restarts on failure with back-off up to the retry limit', async () => {
    const { Id } = await daemon.containers.create(undefined, {
      Image: 'busybox',
      Cmd: ['fail', '1'],
      HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } },
    });
    const started = Date.now();
    await daemon.containers.start(Id);
    await until(
      () =>
        daemon.containerService.get(Id).RestartCount === 2 &&
        daemon.containerService.get(Id).State.Status === 'exited',
      'two restarts',
    );
    // 100 ms then 200 ms of back-off.
    assert.ok(Date.now() - started >= 300, `restarted after ${Date.now() - started} ms`);
    assert.equal(daemon.containerService.get(Id).State.ExitCode, 1);
  });

  it('removes --rm containers after they exit and answers `removed` waiters', async () => {
    const { Id } = await daemon.containers.create(undefined, {
      Image: 'busybox',
      Cmd: ['echo', 'bye'],
      HostConfig: { AutoRemove: true },
    });
    const { result } = await daemon.containers.wait(Id, 'removed', new AbortController().signal);
    await daemon.containers.start(Id);
    assert.deepEqual(await result, { StatusCode: 0 });
    await assert.rejects(
      daemon.containers.inspect(Id, false),
      (e: Error & { kind?: string }) => e.kind === 'not-found',
    );
  });

  it('makes anonymous volumes for image VOLUMEs and removes them with -v', async () => {
    const { Id } = await daemon.containers.create(undefined, { Image: 'busybox', Volumes: { '/data': {} } });
    const c = await daemon.containers.inspect(Id, false);
    assert.equal(c.Mounts.length, 1);
    const name = c.Mounts[0].Name!;
    assert.match(name, /^[0-9a-f]{64}$/);
    assert.ok((await daemon.volumes.list({})).Volumes.some((v) => v.Name === name));
    await assert.rejects(daemon.volumes.remove(name, false), /volume is in use/);
    await daemon.containers.remove(Id, { force: false, volumes: true, link: false });
    assert.ok(!(await daemon.volumes.list({})).Volumes.some((v) => v.Name === name));
  });

  it('re-adopts running containers and records exits that happened while berthd was away', async () => {
    const { Id: running } = await daemon.containers.create('keeps', {
      Image: 'busybox',
      Cmd: ['trap', '42'],
    });
    const { Id: ended } = await daemon.containers.create('ends', { Image: 'busybox', Cmd: ['sleep'] });
    await daemon.containers.start(running);
    await daemon.containers.start(ended);
    // berthd goes away; one container exits meanwhile, with its status kept by the supervisor.
    daemon.shutdown();
    const c = runtime.containers.get(ended)!;
    runtime.containers.delete(ended);
    runtime.recorded.set(ended, { exitCode: 5, oomKilled: false });
    c.exit({ exitCode: 5, oomKilled: false });
    daemon = newDaemon();
    await daemon.start();
    assert.equal((await daemon.containers.inspect(running, false)).State.Status, 'running');
    const e = await daemon.containers.inspect(ended, false);
    assert.equal(e.State.Status, 'exited');
    assert.equal(e.State.ExitCode, 5);
    await daemon.containers.stop(running);
    assert.equal((await daemon.containers.inspect(running, false)).State.ExitCode, 42);
  });

  it('lists running containers by default and filters like docker ps', async () => {
    const { Id: a } = await daemon.containers.create('alpha', {
      Image: 'busybox',
      Cmd: ['sleep'],
      Labels: { tier: 'web' },
    });
    await daemon.containers.create('beta', { Image: 'busybox' });
    await daemon.containers.start(a);
    const names = async (o: object) =>
      (await daemon.containers.list({ all: false, size: false, filters: {}, ...o })).map((c) => c.Names[0]);
    assert.deepEqual(await names({}), ['/alpha']);
    assert.deepEqual(await names({ all: true }), ['/beta', '/alpha']);
    assert.deepEqual(await names({ all: true, filters: { label: ['tier=web'] } }), ['/alpha']);
    assert.deepEqual(await names({ all: true, filters: { status: ['created'] } }), ['/beta']);
    assert.deepEqual(await names({ all: true, filters: { name: ['^/bet'] } }), ['/beta']);
  });
});
