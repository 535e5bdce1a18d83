// Images benchmark, Berth side by side with its peers in one run, on a local docker-registry:
//   1. cold pull of the busybox test image: berth pull (into its store, the image removed before each,
//      as podman's are; and into a fresh store) vs podman pull vs skopeo copy (to an OCI dir),
//      and a pull through a running berthd (the docker CLI on its API, the image removed before each)
//   2. a generated ~200 MB, 4-layer image: pull throughput, berth vs skopeo (and podman), and like
//      for like: skopeo copy followed by `tar -xzf` of each layer (pulled and unpacked, as berth does)
//   3. the same image's blob transfer alone (downloaded, verified, stored; nothing unpacked): the
//      pull's downloadBlob in a process of its own (images-fetch.ts) vs skopeo copy
//   4. unpacking one ~50 MB gzip layer: berth's unpackLayer vs `tar -xzf`
// Medians go to bench/results/images.json. Run: npm run build && node out/bench/images.js [--runs N]
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { linuxFileCalls } from '../engine/src/runtime/linux/fs';
import { unpackLayer } from '../engine/src/store/layers/unpack';
import { makeBusyboxLayout, makeOciLayout, skopeoEnv, skopeoPush } from '../test/helpers/busybox-image';
import { makePodman } from '../test/helpers/podman';
import { usualEnvironment } from './common';
import { startRegistry } from '../test/helpers/registry';

const repoRoot = join(__dirname, '..', '..');
const berthBin = join(repoRoot, 'bin', 'berth');
const berthdBin = join(repoRoot, 'bin', 'berthd');
const fetchScript = join(__dirname, 'images-fetch.js');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

/** The berth CLI runs without the sandbox's NODE_EXTRA_CA_CERTS (see usualEnvironment); the busybox
 * case measures it both ways. */
const berthEnv = usualEnvironment();
const sandboxCaCerts = process.env.NODE_EXTRA_CA_CERTS;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** GNU time: the CPU a command takes, which the machine's load inflates far less than wall time. */
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpuFile = join(tmpdir(), `berth-bench-cpu-${process.pid}`);

/**
 * Wall-clock milliseconds of a command, from spawn to exit; throws if it fails. With `cpu`, the
 * command runs under GNU time and its CPU milliseconds (user + system, its children's too) are
 * pushed there.
 */
function timeCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  cpu?: number[],
): Promise<number> {
  const measureCpu = cpu !== undefined && gnuTime !== undefined;
  if (measureCpu) {
    args = ['-f', '%U %S', '-o', cpuFile, command, ...args];
    command = gnuTime!;
  }
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (measureCpu && code === 0) {
        const [user, system] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
        cpu!.push((user + system) * 1000);
      }
      if (code === 0) resolve(ms);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr}`));
    });
  });
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Files of mixed content (text-like and random) so gzip does what it does on real layers. */
function makeLayerDir(dir: string, megabytes: number): void {
  mkdirSync(dir, { recursive: true });
  const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor '.repeat(20);
  for (let i = 0; i < megabytes; i++) {
    const half = Buffer.concat([
      randomBytes(512 * 1024),
      Buffer.from(words.repeat(Math.ceil((512 * 1024) / words.length))).subarray(0, 512 * 1024),
    ]);
    const sub = join(dir, `d${i % 8}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.bin`), half);
  }
}

/** A berthd of the benchmark's own (private roots, no bridge network); resolves once it is ready. */
async function startBerthd(dir: string): Promise<{ env: NodeJS.ProcessEnv; stop(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'berthd.sock');
  const args = ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec')];
  const child: ChildProcess = spawn(
    process.execPath,
    [berthdBin, ...args, '-H', `unix://${socket}`, '-b', 'none'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`berthd did not start within 60 s:\n${log}`)), 60_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes('berthd is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`berthd exited (${code}):\n${log}`));
    });
  });
  return {
    env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** `docker rmi -f` on berthd; nothing to remove (the first run) is fine. */
function removeFromBerthd(env: NodeJS.ProcessEnv, ref: string): void {
  try {
    execFileSync('docker', ['rmi', '-f', ref], { env, stdio: 'ignore' });
  } catch {
    // not there yet
  }
}

interface Case {
  name: string;
  unit: string;
  berth: number;
  peers: Record<string, number>;
  /** berth relative to the named peer; > 1 means berth is better. */
  ratio: { peer: string; value: number; meaning: string };
  target?: string;
  runs: number;
  /** Median CPU milliseconds (user + system) per run, of the commands measured with GNU time. */
  cpuMs?: Record<string, number>;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new Error('the images benchmark needs root (podman storage, owners on unpack)');
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-images-'));
  const loadAtStart = loadavg();
  const registry = await startRegistry();
  const podman = makePodman([registry.address]);
  const berthd = await startBerthd(join(work, 'berthd'));
  const cases: Case[] = [];
  try {
    // ---- 1. busybox cold pull ----------------------------------------------------------------
    const busybox = makeBusyboxLayout(join(work, 'busybox'));
    const small = `${registry.address}/bench/busybox:latest`;
    skopeoPush(busybox, small);
    const times: Record<string, number[]> = {
      berth: [],
      berthFreshStore: [],
      berthCaCerts: [],
      berthd: [],
      podman: [],
      skopeo: [],
    };
    const cpu: Record<string, number[]> = { berth: [], berthFreshStore: [], podman: [], skopeo: [] };
    // A cold pull as podman's and berthd's are measured: the store exists, the image (its blobs and
    // its layer's snapshot with it) was removed just before. A pull into a store made for it, which
    // also creates the store, is timed apart.
    const keptRoot = join(work, 'berth-small');
    const berthPull = (root: string) => [berthBin, '--root', root, 'pull', '-q', small];
    const berthRmi = () =>
      spawnSync(process.execPath, [berthBin, '--root', keptRoot, 'rmi', '-f', small], {
        env: berthEnv,
        stdio: 'ignore',
      });
    for (let i = 0; i < runs; i++) {
      berthRmi();
      times.berth.push(await timeCommand(process.execPath, berthPull(keptRoot), berthEnv, cpu.berth));
      const freshRoot = join(work, `berth-small-${i}`);
      times.berthFreshStore.push(
        await timeCommand(process.execPath, berthPull(freshRoot), berthEnv, cpu.berthFreshStore),
      );
      rmSync(freshRoot, { recursive: true, force: true });
      if (sandboxCaCerts) {
        berthRmi();
        times.berthCaCerts.push(await timeCommand(process.execPath, berthPull(keptRoot)));
      }
      // Through the daemon: its image (and so its only layer's snapshot and blobs) removed first.
      removeFromBerthd(berthd.env, small);
      times.berthd.push(await timeCommand('docker', ['pull', '-q', small], berthd.env));
      execFileSync('podman', ['rmi', '-a', '-f'], { env: podman.env, stdio: 'ignore' });
      times.podman.push(
        await timeCommand('podman', ['pull', '-q', '--tls-verify=false', small], podman.env, cpu.podman),
      );
      const dir = join(work, `skopeo-small-${i}`);
      times.skopeo.push(
        await timeCommand(
          'skopeo',
          ['copy', '-q', '--src-tls-verify=false', `docker://${small}`, `oci:${dir}:x`],
          skopeoEnv(),
          cpu.skopeo,
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    }
    const smallMedians = Object.fromEntries(
      Object.entries(times)
        .filter(([, v]) => v.length > 0)
        .map(([k, v]) => [k, median(v)]),
    );
    cases.push({
      name: 'cold pull of busybox from a local registry',
      unit: 'ms',
      berth: smallMedians.berth,
      peers: {
        podman: smallMedians.podman,
        skopeo: smallMedians.skopeo,
        'docker CLI → berthd (berth through its daemon)': smallMedians.berthd,
        'berth CLI into a store made for this pull (creates the store too)': smallMedians.berthFreshStore,
        ...(sandboxCaCerts && {
          'berth CLI with the sandbox NODE_EXTRA_CA_CERTS (Node builds its CA store at start)':
            smallMedians.berthCaCerts,
        }),
      },
      ratio: {
        peer: 'podman',
        value: smallMedians.podman / smallMedians.berth,
        meaning: 'podman time / berth time',
      },
      target: '≤ podman pull; stretch ≤ skopeo copy',
      runs,
      ...(gnuTime && { cpuMs: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)])) }),
    });
    console.log('busybox cold pull (ms):', smallMedians, 'CPU (ms):', cases[cases.length - 1].cpuMs);

    // ---- 2. ~200 MB, 4 layers ------------------------------------------------------------------
    const layerDirs = [0, 1, 2, 3].map((i) => {
      const d = join(work, `big-layer-${i}`);
      makeLayerDir(d, 50);
      return d;
    });
    const big = makeOciLayout(join(work, 'big'), layerDirs, { tag: 'big' });
    for (const d of layerDirs) rmSync(d, { recursive: true, force: true });
    const bigRef = `${registry.address}/bench/big:1`;
    skopeoPush(big, bigRef);
    const compressed = big.layers.reduce((a, l) => a + l.size, 0);
    const bigRuns = Math.max(3, Math.ceil(runs / 2));
    const bigTimes: Record<string, number[]> = {
      berth: [],
      berthd: [],
      berthFetch: [],
      skopeo: [],
      skopeoTar: [],
      podman: [],
    };
    const bigCpu: Record<string, number[]> = {
      berth: [],
      berthFetch: [],
      skopeo: [],
      skopeoTar: [],
      podman: [],
    };
    for (let i = 0; i < bigRuns; i++) {
      const root = join(work, `berth-big-${i}`);
      bigTimes.berth.push(
        await timeCommand(
          process.execPath,
          [berthBin, '--root', root, 'pull', '-q', bigRef],
          berthEnv,
          bigCpu.berth,
        ),
      );
      rmSync(root, { recursive: true, force: true });
      bigTimes.berthFetch.push(
        await timeCommand(process.execPath, [fetchScript, root, bigRef], berthEnv, bigCpu.berthFetch),
      );
      rmSync(root, { recursive: true, force: true });
      removeFromBerthd(berthd.env, bigRef);
      bigTimes.berthd.push(await timeCommand('docker', ['pull', '-q', bigRef], berthd.env));
      removeFromBerthd(berthd.env, bigRef);
      const dir = join(work, `skopeo-big-${i}`);
      bigTimes.skopeo.push(
        await timeCommand(
          'skopeo',
          ['copy', '-q', '--src-tls-verify=false', `docker://${bigRef}`, `oci:${dir}:x`],
          skopeoEnv(),
          bigCpu.skopeo,
        ),
      );
      rmSync(dir, { recursive: true, force: true });
      // Like for like: skopeo's copy, then each layer unpacked in order, as a script would do it.
      const rootfs = join(work, `skopeo-tar-rootfs-${i}`);
      const steps: number[] = [];
      bigTimes.skopeoTar.push(
        await timeIt(async () => {
          await timeCommand(
            'skopeo',
            ['copy', '-q', '--src-tls-verify=false', `docker://${bigRef}`, `oci:${dir}:x`],
            skopeoEnv(),
            steps,
          );
          mkdirSync(rootfs);
          for (const l of big.layers) {
            const blob = join(dir, 'blobs/sha256', l.digest.slice(7));
            await timeCommand('tar', ['-xzf', blob, '-C', rootfs], process.env, steps);
          }
        }),
      );
      if (steps.length > 0) bigCpu.skopeoTar.push(steps.reduce((a, b) => a + b, 0));
      rmSync(dir, { recursive: true, force: true });
      rmSync(rootfs, { recursive: true, force: true });
      execFileSync('podman', ['rmi', '-a', '-f'], { env: podman.env, stdio: 'ignore' });
      bigTimes.podman.push(
        await timeCommand('podman', ['pull', '-q', '--tls-verify=false', bigRef], podman.env, bigCpu.podman),
      );
    }
    const mbps = (ms: number) => compressed / 1e6 / (ms / 1000);
    const bigMedians = Object.fromEntries(Object.entries(bigTimes).map(([k, v]) => [k, mbps(median(v))]));
    const { berthFetch: berthFetchMbps, ...pullMedians } = bigMedians;
    const cpuMedians = (keys: string[]) =>
      Object.fromEntries(keys.filter((k) => bigCpu[k].length > 0).map((k) => [k, median(bigCpu[k])]));
    cases.push({
      name: `pull throughput, ${Math.round(compressed / 1e6)} MB compressed in 4 layers (berth and podman also unpack; skopeo only copies the blobs)`,
      unit: 'MB/s',
      berth: pullMedians.berth,
      peers: {
        skopeo: pullMedians.skopeo,
        podman: pullMedians.podman,
        'skopeo copy + tar -xzf of each layer (pulled and unpacked, like berth)': pullMedians.skopeoTar,
        'docker CLI → berthd (berth through its daemon)': pullMedians.berthd,
      },
      ratio: {
        peer: 'skopeo',
        value: pullMedians.berth / pullMedians.skopeo,
        meaning: 'berth throughput / skopeo throughput',
      },
      target: '≥ 0.8',
      runs: bigRuns,
      ...(gnuTime && { cpuMs: cpuMedians(['berth', 'skopeo', 'skopeoTar', 'podman']) }),
    });
    console.log('200 MB pull throughput (MB/s):', pullMedians, 'CPU (ms):', cases[cases.length - 1].cpuMs);
    cases.push({
      name: `blob transfer alone, the same ${Math.round(compressed / 1e6)} MB (downloaded, verified and stored, nothing unpacked): the pull's downloadBlob in its own process vs skopeo copy`,
      unit: 'MB/s',
      berth: berthFetchMbps,
      peers: { skopeo: pullMedians.skopeo },
      ratio: {
        peer: 'skopeo',
        value: berthFetchMbps / pullMedians.skopeo,
        meaning: 'berth throughput / skopeo throughput',
      },
      target: 'none (the ≥ 0.8 target is on the full pull); shows where the full pull spends its time',
      runs: bigRuns,
      ...(gnuTime && {
        cpuMs: { berth: median(bigCpu.berthFetch), skopeo: median(bigCpu.skopeo) },
      }),
    });
    console.log(
      '200 MB blob transfer alone (MB/s): berth',
      berthFetchMbps,
      'CPU (ms):',
      cases[cases.length - 1].cpuMs,
    );

    // ---- 4. unpack one layer -------------------------------------------------------------------
    const layer = join(big.layoutDir, 'blobs/sha256', big.layers[0].digest.slice(7));
    const unpackTimes: Record<string, number[]> = { berth: [], tar: [] };
    for (let i = 0; i < runs; i++) {
      const a = join(work, `unpack-berth-${i}`);
      mkdirSync(a);
      unpackTimes.berth.push(
        await timeIt(() =>
          unpackLayer(createReadStream(layer, { highWaterMark: 1 << 20 }), 'gzip', a, {
            calls: linuxFileCalls,
            asRoot: true,
            whiteouts: 'overlay',
          }),
        ),
      );
      rmSync(a, { recursive: true, force: true });
      const b = join(work, `unpack-tar-${i}`);
      mkdirSync(b);
      unpackTimes.tar.push(await timeCommand('tar', ['-xzf', layer, '-C', b]));
      rmSync(b, { recursive: true, force: true });
    }
    const layerMb = statSync(layer).size / 1e6;
    cases.push({
      name: `unpack one gzip layer (${layerMb.toFixed(1)} MB compressed, 50 MB of files)`,
      unit: 'ms',
      berth: median(unpackTimes.berth),
      peers: { 'tar -xzf': median(unpackTimes.tar) },
      ratio: {
        peer: 'tar -xzf',
        value: median(unpackTimes.tar) / median(unpackTimes.berth),
        meaning: 'tar time / berth time (speed relative to tar)',
      },
      target: '≥ 0.8',
      runs,
    });
    console.log('unpack (ms):', { berth: median(unpackTimes.berth), tar: median(unpackTimes.tar) });
  } finally {
    await berthd.stop();
    podman.cleanup();
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(cpuFile, { force: true });
  }
  const result = {
    benchmark: 'images',
    date: new Date().toISOString(),
    commit: sourceCommit(),
    machine: {
      cpus: cpus().length,
      node: process.version,
      loadAverage: { start: loadAtStart, end: loadavg() },
    },
    cases,
  };
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench', 'results', 'images.json'), JSON.stringify(result, null, 2) + '\n');
  for (const c of cases) {
    const peers = Object.entries(c.peers)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ');
    console.log(
      `${c.name}: berth ${c.berth.toFixed(1)} ${c.unit}; ${peers}; ratio vs ${c.ratio.peer} ${c.ratio.value.toFixed(2)}`,
    );
  }
}

/** The commit measured, with `+` when the work tree has changes (then the figures are of those too). */
function sourceCommit(): string | undefined {
  try {
    const git = (args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    return (
      git(['rev-parse', '--short', 'HEAD']) +
      (git(['status', '--porcelain', '--untracked-files=no']) ? '+' : '')
    );
  } catch {
    return undefined; // not a git checkout
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
