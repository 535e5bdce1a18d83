// What the engine benchmarks (daemon, network, runtime) share: timing and summaries, the docker CLI
// against a private daemon (berthd, the podman service, dockerd, each with its state in a temp dir),
// the busybox image as a docker-archive, and the result file with the machine and its load.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeBusyboxLayout } from '../test/helpers/busybox-image';
import { dockerClient, PrivateDockerd } from '../test/helpers/dockerd';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const quick = process.argv.includes('--quick');

/** Milliseconds on a monotonic clock. */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export interface Sample {
  median: number;
  p99: number;
  min: number;
  max: number;
  n: number;
}

/** Median (the lower middle of an even count), p99, min, max and count of a series. */
export function summarize(values: number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p99: at(0.99), min: sorted[0], max: sorted.at(-1)!, n: sorted.length };
}

/** `summarize` for every series of a map (contender → values). */
export function summarizeAll<K extends string>(series: Record<K, number[]>): Record<K, Sample> {
  return Object.fromEntries(Object.entries<number[]>(series).map(([k, v]) => [k, summarize(v)])) as Record<
    K,
    Sample
  >;
}

/** The machine a result was measured on, with its load average (1, 5, 15 min) at the end of the run. */
export function machine(): { cpus: number; model?: string; node: string; kernel: string; loadavg: number[] } {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    node: process.version,
    kernel: os.release(),
    loadavg: os.loadavg(),
  };
}

/** Writes bench/results/<name>.json and says so. */
export function writeResult(name: string, result: object): void {
  const out = path.join(repoRoot, 'bench', 'results', `${name}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${path.relative(repoRoot, out)}`);
}

/** Runs a command to completion; resolves with its wall time in ms (rejects on a non-zero exit). */
export function timed(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(now() - start)
        : reject(new Error(`${path.basename(cmd)} ${args.join(' ')}: exit ${code}: ${stderr}`)),
    );
  });
}

const dockerEnv = (host: string): NodeJS.ProcessEnv => ({
  ...process.env,
  DOCKER_HOST: host,
  DOCKER_CLI_HINTS: 'false',
});

/** The docker CLI against `host`, to completion; answers its stdout (throws on failure). */
export function docker(host: string, args: string[], input?: Buffer): string {
  return execFileSync(dockerClient, args, {
    env: dockerEnv(host),
    input,
    maxBuffer: 1 << 26,
    timeout: 300_000,
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString();
}

/** The docker CLI against `host`; resolves with its wall time in ms. */
export function timedDocker(host: string, args: string[]): Promise<number> {
  return timed(dockerClient, args, { env: dockerEnv(host) });
}

/** The busybox image (made from Debian's busybox-static) as a docker-archive, for `docker load`. */
export function busyboxArchive(scratch: string): Buffer {
  const layout = path.join(scratch, 'busybox-layout');
  makeBusyboxLayout(layout);
  const archive = path.join(scratch, 'busybox.tar');
  execFileSync('skopeo', [
    'copy',
    '--quiet',
    `oci:${layout}:latest`,
    `docker-archive:${archive}:busybox:latest`,
  ]);
  return readFileSync(archive);
}

/** A daemon of this run, with its state in a temp dir, answering the docker CLI on `host`. */
export interface PrivateDaemon {
  name: string;
  host: string;
  /** The daemon's own process (its process tree is the daemon; containers excluded). */
  pid: number;
  stop(): Promise<void>;
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

/**
 * This machine's environment without the sandbox's NODE_EXTRA_CA_CERTS. With it, Node 20 builds its
 * whole root certificate store at every start (~80 ms of CPU, 100-200 ms of wall time at load 5,
 * ~2 MiB resident for good) before any of our code runs; a usual machine has no such variable, and
 * the Go peers read certificates only when they verify one. Benchmarks run Berth's processes in this
 * environment; the images and daemon benchmarks also measure them with the variable set.
 */
export function usualEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** bin/berthd with its data and exec roots under `dir`, and `args` (e.g. --config-file). */
export async function startBerthd(
  dir: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<PrivateDaemon> {
  const socket = path.join(dir, 'run', 'berth.sock');
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin', 'berthd'),
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'run'),
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env },
  );
  const host = `unix://${socket}`;
  await waitForDaemon(host, child, 'berthd');
  return { name: 'berthd', host, pid: child.pid!, stop: () => stopChild(child) };
}

/**
 * `podman system service` with its storage under `dir` and a containers.conf fitted to this VM,
 * followed by `containersConf` (more sections, e.g. [network]).
 */
export async function startPodman(dir: string, containersConf = ''): Promise<PrivateDaemon> {
  mkdirSync(dir, { recursive: true });
  // This VM's hard limits and hybrid cgroups (see /work/shared/tools/peers-setup.sh): podman's
  // rootful ulimit defaults fail, crun 1.8 refuses the hybrid hierarchy, so runc and cgroupfs.
  writeFileSync(
    path.join(dir, 'containers.conf'),
    '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' +
      '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' +
      containersConf,
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
    pid: child.pid!,
    stop: async () => {
      await stopChild(child);
      // podman's overlay mounts under its graph root outlive the service: unmount before removal.
      execFileSync('sh', ['-c', `grep -o ' ${dir}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
    },
  };
}

/** dockerd (and its containerd) on a private socket and state dir (test/helpers/dockerd.ts). */
export async function startDockerd(): Promise<PrivateDaemon> {
  const d = new PrivateDockerd();
  await d.start();
  const pid = Number(readFileSync(path.join(d.dir, 'dockerd.pid'), 'utf8'));
  return { name: 'dockerd', host: `unix://${d.socket}`, pid, stop: () => d.stop() };
}

/** Stops every daemon, reporting (not throwing) a failure to stop one. */
export async function stopAll(daemons: PrivateDaemon[]): Promise<void> {
  for (const d of daemons) await d.stop().catch((err: Error) => console.error(`${d.name}: ${err.message}`));
}
