// Daemon benchmark: the real docker CLI against berthd, the podman service and (when installed)
// dockerd, side by side in one run, rounds interleaved so the machine's noise hits everyone alike.
// Each daemon has private state in a temp dir and the same busybox image, loaded with `docker load`.
//
//   run --rm      `docker run --rm --network none busybox true`, wall time of the CLI
//   20 parallel   20 `docker run -d --network none busybox sleep 60` at once: time until all
//                 have returned (every container started); removed afterwards, untimed
//   idle RSS      the daemon's process tree (berthd; podman service; dockerd + its containerd)
//                 once started with the image loaded, and again after the workload
//
//   node out/bench/daemon.js [--quick]        as root; writes bench/results/daemon.json
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeBusyboxLayout } from '../test/helpers/busybox-image';
import { dockerClient, haveDockerd, PrivateDockerd } from '../test/helpers/dockerd';

const root = path.resolve(__dirname, '..', '..');
const quick = process.argv.includes('--quick');
const rounds = quick ? 8 : 30;
const warmup = 2;
const parallelRounds = quick ? 2 : 5;
const parallel = 20;

interface Sample {
  median: number;
  p99: number;
  min: number;
  n: number;
}

function summarize(values: number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p99: at(0.99), min: sorted[0], n: sorted.length };
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

interface Contender {
  name: string;
  host: string;
  /** PIDs whose process trees make up the daemon (containers' processes excluded). */
  daemonPids(): number[];
  stop(): Promise<void>;
}

function docker(host: string, args: string[], input?: Buffer): string {
  return execFileSync(dockerClient, args, {
    env: { ...process.env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false' },
    input,
    maxBuffer: 1 << 26,
    timeout: 300_000,
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString();
}

/** Runs the docker CLI to completion; resolves with its wall time in ms (rejects on failure). */
function timedDocker(host: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(dockerClient, args, {
      env: { ...process.env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(now() - start)
        : reject(new Error(`docker ${args.join(' ')}: exit ${code}: ${stderr}`)),
    );
  });
}

async function waitForDaemon(host: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      docker(host, ['version', '--format', '{{.Server.Version}}']);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${what} did not answer on ${host} within 60 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function startBerthd(scratch: string): Promise<Contender> {
  const dir = path.join(scratch, 'berthd');
  const socket = path.join(dir, 'run', 'berth.sock');
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'bin', 'berthd'),
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'run'),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const host = `unix://${socket}`;
  await waitForDaemon(host, child, 'berthd');
  return { name: 'berthd', host, daemonPids: () => [child.pid!], stop: () => stopChild(child) };
}

async function startPodman(scratch: string): Promise<Contender> {
  const dir = path.join(scratch, 'podman');
  mkdirSync(dir, { recursive: true });
  // This VM's hard limits and hybrid cgroups (see /work/shared/tools/peers-setup.sh): podman's
  // rootful ulimit defaults fail, crun 1.8 refuses the hybrid hierarchy, so runc and cgroupfs.
  writeFileSync(
    path.join(dir, 'containers.conf'),
    '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' +
      '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
  );
  writeFileSync(
    path.join(dir, 'storage.conf'),
    `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/run"\n`,
  );
  const socket = path.join(dir, 'podman.sock');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], {
    env: {
      ...process.env,
      CONTAINERS_CONF: path.join(dir, 'containers.conf'),
      CONTAINERS_STORAGE_CONF: path.join(dir, 'storage.conf'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const host = `unix://${socket}`;
  await waitForDaemon(host, child, 'podman system service');
  return {
    name: 'podman',
    host,
    daemonPids: () => [child.pid!],
    stop: async () => {
      await stopChild(child);
      // podman's overlay mounts under its graph root outlive the service: unmount before removal.
      execFileSync('sh', ['-c', `grep -o ' ${dir}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
    },
  };
}

async function startDockerd(): Promise<Contender> {
  const d = new PrivateDockerd();
  await d.start();
  const pid = Number(readFileSync(path.join(d.dir, 'dockerd.pid'), 'utf8'));
  return { name: 'dockerd', host: `unix://${d.socket}`, daemonPids: () => [pid], stop: () => d.stop() };
}

/** Children of a process, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** RSS (KiB) of a daemon's process tree; the tree holds no container while it is idle. */
function treeRssKiB(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]);
    } catch {
      continue;
    }
    total += treeRssKiB(childrenOf(pid));
  }
  return total;
}

/** RSS once the daemon has been quiet for a moment (its timers and GC have run). */
async function idleRss(c: Contender): Promise<number> {
  await new Promise((r) => setTimeout(r, 3000));
  return treeRssKiB(c.daemonPids());
}

function version(host: string): string {
  return docker(host, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})']).trim();
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the daemon benchmark needs root (it runs containers)');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-daemon-'));
  const contenders: Contender[] = [];
  try {
    const layout = path.join(scratch, 'busybox-layout');
    makeBusyboxLayout(layout);
    const archive = path.join(scratch, 'busybox.tar');
    execFileSync('skopeo', [
      'copy',
      '--quiet',
      `oci:${layout}:latest`,
      `docker-archive:${archive}:busybox:latest`,
    ]);
    const image = readFileSync(archive);

    contenders.push(await startBerthd(scratch));
    contenders.push(await startPodman(scratch));
    if (haveDockerd()) contenders.push(await startDockerd());
    const rss: Record<string, { idleAfterStartKiB: number; idleAfterWorkloadKiB?: number }> = {};
    const versions: Record<string, string> = {};
    for (const c of contenders) {
      docker(c.host, ['load'], image);
      versions[c.name] = version(c.host);
      rss[c.name] = { idleAfterStartKiB: await idleRss(c) };
    }

    const runRm = Object.fromEntries(contenders.map((c) => [c.name, [] as number[]]));
    for (let round = 0; round < warmup + rounds; round++) {
      for (const c of contenders) {
        const ms = await timedDocker(c.host, ['run', '--rm', '--network', 'none', 'busybox', 'true']);
        if (round >= warmup) runRm[c.name].push(ms);
      }
    }

    const parallelStart = Object.fromEntries(contenders.map((c) => [c.name, [] as number[]]));
    for (let round = 0; round < parallelRounds; round++) {
      for (const c of contenders) {
        const t0 = now();
        await Promise.all(
          Array.from({ length: parallel }, () =>
            timedDocker(c.host, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '60']),
          ),
        );
        parallelStart[c.name].push(now() - t0);
        const ids = docker(c.host, ['ps', '-aq']).split('\n').filter(Boolean);
        if (ids.length) docker(c.host, ['rm', '-f', ...ids]);
      }
    }
    for (const c of contenders) rss[c.name].idleAfterWorkloadKiB = await idleRss(c);

    const s = (m: Record<string, number[]>) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [k, summarize(v)]));
    const runSummary = s(runRm);
    const parallelSummary = s(parallelStart);
    const ratio = (m: Record<string, Sample>, peer: string) =>
      m[peer] ? +(m[peer].median / m.berthd.median).toFixed(2) : null;
    const result = {
      benchmark: 'daemon',
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        node: process.version,
        kernel: os.release(),
        loadavg: os.loadavg(),
      },
      unit: 'ms (median, p99, min, count); RSS in KiB',
      client: docker(contenders[0].host, ['version', '--format', '{{.Client.Version}}']).trim(),
      versions,
      quick,
      workload: {
        runRm: '`docker run --rm --network none busybox true`, wall time of the docker CLI',
        parallelStart: `${parallel} \`docker run -d --network none busybox sleep 60\` at once, until all returned`,
      },
      results: { runRm: runSummary, parallelStart: parallelSummary, rss },
      ratios: {
        runRm: {
          podmanOverBerthd: ratio(runSummary, 'podman'),
          dockerdOverBerthd: ratio(runSummary, 'dockerd'),
        },
        parallelStart: {
          podmanOverBerthd: ratio(parallelSummary, 'podman'),
          dockerdOverBerthd: ratio(parallelSummary, 'dockerd'),
        },
      },
    };
    const out = path.join(root, 'bench', 'results', 'daemon.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    const f = (x: Sample | undefined) => (x ? `${x.median.toFixed(0)} (p99 ${x.p99.toFixed(0)})` : 'n/a');
    console.log(`daemon benchmark, ${rounds} rounds, load ${os.loadavg()[0].toFixed(1)}:`);
    for (const c of contenders) {
      console.log(
        `  ${c.name.padEnd(8)} run --rm ${f(runSummary[c.name])}  ${parallel} parallel ${f(parallelSummary[c.name])}` +
          `  idle RSS ${(rss[c.name].idleAfterStartKiB / 1024).toFixed(1)} MiB` +
          ` / ${((rss[c.name].idleAfterWorkloadKiB ?? 0) / 1024).toFixed(1)} MiB after`,
      );
    }
    console.log(`wrote ${path.relative(root, out)}`);
  } finally {
    for (const c of contenders)
      await c.stop().catch((err: Error) => console.error(`${c.name}: ${err.message}`));
    if (existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`daemon benchmark: ${err.message}`);
  process.exit(1);
});
