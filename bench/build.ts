// Build benchmark, Berth side by side with BuildKit (a private dockerd from Debian's docker.io,
// DOCKER_BUILDKIT=1) and buildah, in one run, each through its own CLI, on the same context:
// FROM busybox, 5 RUN and a COPY of a 10 MiB file (after the second RUN). Berth is measured twice:
// its own CLI (a Node start per build) and, like for like with BuildKit, the same docker CLI
// (DOCKER_BUILDKIT=0: the classic POST /build) against a private berthd the bench starts.
//   1. cold build (--no-cache: every step runs)
//   2. fully cached rebuild
//   3. rebuild after changing the copied file: only COPY and the RUN steps after it run again
// The tools take turns in every round so they share the machine's load. Medians go to
// bench/results/build.json. Run as root: npm run build && node out/bench/build.js [--runs N]
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '../engine/src/build';
import { RuntimeExecutor } from '../engine/src/build/runtime-executor';
import { Store } from '../engine/src/store/store';
import { makeBusyboxLayout } from '../test/helpers/busybox-image';
import { startBerthd, type TestDaemon } from '../test/helpers/berthd';
import { PrivateDockerd } from '../test/helpers/dockerd';
import { makePodman } from '../test/helpers/podman';
import { usualEnvironment } from './common';

const repoRoot = join(__dirname, '..', '..');
const berthBin = join(repoRoot, 'bin', 'berth');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

const dockerfile = `FROM busybox
RUN echo one > /1
RUN echo two > /2
COPY big.bin /big.bin
RUN echo three > /3
RUN echo four > /4
RUN echo five > /5
`;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Wall-clock milliseconds from spawn to exit, and what the command printed on stderr. */
function timeCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ms: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolve({ ms, stderr });
      else reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr}`));
    });
  });
}

interface Ratio {
  peer: string;
  value: number;
  meaning: string;
}

interface BenchCase {
  name: string;
  unit: 'ms';
  berth: number;
  /** The docker CLI (classic builder) against berthd; absent for the in-process library case. */
  berthd?: number;
  peers: { buildkit: number; buildah: number };
  ratio: Ratio;
  berthdRatio?: Ratio;
  target: string;
  runs: number;
  samples: Record<string, number[]>;
}

interface Tool {
  name: string;
  build(options: { noCache: boolean }): Promise<{ ms: number; stderr: string }>;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new Error('the build benchmark needs root (overlay mounts, dockerd, buildah)');
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-build-'));
  const context = join(work, 'context');
  mkdirSync(context);
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  writeFileSync(join(context, 'big.bin'), randomBytes(10 * 1024 * 1024));

  const layout = join(work, 'busybox-layout');
  makeBusyboxLayout(layout);
  const layoutTar = join(work, 'busybox-layout.tar');
  execFileSync('tar', ['-C', layout, '-cf', layoutTar, '.']);

  // Berth: its own state dir, busybox loaded and named.
  const berthRoot = join(work, 'berth');
  execFileSync(berthBin, ['--root', berthRoot, 'load', '-i', layoutTar], { stdio: 'ignore' });
  const loadedId = execFileSync(berthBin, ['--root', berthRoot, 'images', '-q', '--no-trunc'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')[0];
  execFileSync(berthBin, ['--root', berthRoot, 'tag', loadedId, 'busybox:latest']);

  // berthd: private data root, socket, bridge and pool; busybox loaded through the docker CLI.
  const berthd: TestDaemon = await startBerthd();
  const busyboxArchive = join(work, 'busybox-archive.tar');
  execFileSync('skopeo', [
    'copy',
    '--quiet',
    `oci:${layout}:latest`,
    `docker-archive:${busyboxArchive}:busybox:latest`,
  ]);
  const loaded = await berthd.docker(['load', '-i', busyboxArchive]);
  if (loaded.status !== 0) throw new Error(`docker load into berthd failed: ${loaded.stderr}`);
  const berthdEnv = { ...berthd.env, DOCKER_BUILDKIT: '0' };

  const dockerd = new PrivateDockerd();
  await dockerd.start();
  dockerd.loadBusybox();
  const dockerEnv = { ...process.env, DOCKER_HOST: `unix://${dockerd.socket}`, DOCKER_BUILDKIT: '1' };

  const podman = makePodman();
  execFileSync(
    'skopeo',
    ['copy', '--quiet', `oci:${layout}:latest`, 'containers-storage:docker.io/library/busybox:latest'],
    {
      env: podman.env,
    },
  );

  const tools: Tool[] = [
    {
      name: 'berth',
      build: ({ noCache }) =>
        timeCommand(
          berthBin,
          [
            '--root',
            berthRoot,
            'build',
            '--progress',
            'plain',
            '-t',
            'bench:latest',
            ...(noCache ? ['--no-cache'] : []),
            context,
          ],
          usualEnvironment(),
        ),
    },
    {
      name: 'berthd',
      build: ({ noCache }) =>
        timeCommand(
          '/usr/bin/docker',
          ['build', '-q', '-t', 'bench:latest', ...(noCache ? ['--no-cache'] : []), context],
          berthdEnv,
        ),
    },
    {
      name: 'buildkit',
      build: ({ noCache }) =>
        timeCommand(
          '/usr/bin/docker',
          [
            'build',
            '--progress',
            'plain',
            '--network',
            'host',
            '-t',
            'bench:latest',
            ...(noCache ? ['--no-cache'] : []),
            context,
          ],
          dockerEnv,
        ),
    },
    {
      name: 'buildah',
      build: ({ noCache }) =>
        timeCommand(
          'buildah',
          [
            'bud',
            '--layers',
            '--network',
            'host',
            '-q',
            '-t',
            'bench:latest',
            ...(noCache ? ['--no-cache'] : []),
            context,
          ],
          podman.env,
        ),
    },
  ];

  const times: Record<string, Record<string, number[]>> = { cold: {}, cached: {}, changed: {} };
  for (const phase of Object.keys(times)) for (const t of tools) times[phase][t.name] = [];
  // What berthd will do per request: the library in a process that is already running.
  const library: number[] = [];
  const libraryBuild = async () => {
    const store = Store.open(berthRoot);
    const start = process.hrtime.bigint();
    await buildImage(
      { contextDir: context, tags: ['bench:latest'] },
      { store, executor: new RuntimeExecutor() },
    );
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const berthRebuilt: number[] = [];
  try {
    // A first build of each fills caches that are not the build cache (image metadata, page cache).
    for (const t of tools) await t.build({ noCache: false });
    for (let round = 0; round < runs; round++) {
      for (const t of tools) times.cold[t.name].push((await t.build({ noCache: true })).ms);
      for (const t of tools) times.cached[t.name].push((await t.build({ noCache: false })).ms);
      await libraryBuild(); // warm
      library.push(await libraryBuild());
      // Change the copied file once per round; every tool rebuilds from the same change.
      writeFileSync(join(context, 'big.bin'), randomBytes(10 * 1024 * 1024));
      for (const t of tools) {
        const { ms, stderr } = await t.build({ noCache: false });
        times.changed[t.name].push(ms);
        if (t.name === 'berth')
          berthRebuilt.push(
            (stderr.match(/^#\d+ \[\d\/\d\] (RUN|COPY)/gm) ?? []).length -
              (stderr.match(/CACHED/g) ?? []).length,
          );
      }
    }
  } finally {
    await dockerd.stop();
    podman.cleanup();
    await berthd.destroy(); // SIGTERM to its PID, then its temp dir (data root, socket) removed
  }

  const medians = (phase: string) =>
    Object.fromEntries(tools.map((t) => [t.name, median(times[phase][t.name])]));
  const cases: BenchCase[] = [
    {
      name: 'cold build (--no-cache)',
      phase: 'cold',
      target: '≤ BuildKit (1,690 ms on this machine when quiet)',
    },
    {
      name: 'fully cached rebuild (CLI: a new process each time)',
      phase: 'cached',
      target: '≤ 100 ms and ≤ BuildKit (101 ms)',
    },
    {
      name: 'rebuild after changing the copied 10 MiB file',
      phase: 'changed',
      target: 'only COPY and the 3 RUN after it run',
    },
  ].map((c) => {
    const m = medians(c.phase);
    return {
      name: c.name,
      unit: 'ms',
      berth: m.berth,
      berthd: m.berthd,
      peers: { buildkit: m.buildkit, buildah: m.buildah },
      ratio: {
        peer: 'buildkit',
        value: m.buildkit / m.berth,
        meaning: 'BuildKit time / Berth CLI time (> 1: Berth is faster)',
      },
      berthdRatio: {
        peer: 'buildkit',
        value: m.buildkit / m.berthd,
        meaning: 'BuildKit time / berthd time, both through the docker CLI (> 1: berthd is faster)',
      },
      target: c.target,
      runs,
      samples: times[c.phase],
    };
  });
  cases.push({
    name: 'fully cached rebuild, the library in a running process (what berthd does per request)',
    unit: 'ms',
    berth: median(library),
    peers: { buildkit: medians('cached').buildkit, buildah: medians('cached').buildah },
    ratio: {
      peer: 'buildkit',
      value: medians('cached').buildkit / median(library),
      meaning: 'BuildKit time (its CLI against a running dockerd) / Berth time (> 1: Berth is faster)',
    },
    target: '≤ 100 ms and ≤ BuildKit (101 ms)',
    runs,
    samples: { berth: library },
  });
  const result = {
    benchmark: 'build',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, loadAverage: loadavg()[0] },
    dockerfile,
    berthStepsRebuiltAfterChange: berthRebuilt,
    cases,
  };
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench', 'results', 'build.json'), JSON.stringify(result, null, 2) + '\n');
  for (const c of cases) {
    process.stdout.write(
      `${c.name}: berth ${c.berth.toFixed(0)} ms, berthd ${c.berthd?.toFixed(0) ?? '-'} ms, BuildKit ${c.peers.buildkit.toFixed(0)} ms, buildah ${c.peers.buildah.toFixed(0)} ms\n`,
    );
  }
  process.stdout.write(
    `berth steps rebuilt after the change: ${berthRebuilt.join(', ')} (expected 4: COPY + 3 RUN)\n`,
  );
  rmSync(work, { recursive: true, force: true });
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
