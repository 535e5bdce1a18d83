// Daemon benchmark: the real docker CLI against berthd, the podman service and (when installed)
// dockerd, side by side in one run, rounds interleaved so the machine's noise hits everyone alike.
// Each daemon has private state in a temp dir and the same busybox image, loaded with `docker load`.
//
//   run --rm      `docker run --rm --network none busybox true`, wall time of the CLI
//   20 parallel   20 `docker run -d --network none busybox sleep 60` at once: time until all
//                 have returned (every container started); removed afterwards, untimed
//   idle RSS      the daemon's process tree (berthd; podman service; dockerd + its containerd)
//                 once started with the image loaded, and again after the workload; berthd runs
//                 without the sandbox's NODE_EXTRA_CA_CERTS (common.ts, usualEnvironment), and its
//                 idle RSS with the variable set is measured apart at the end
//
//   node out/bench/daemon.js [--quick]        as root; writes bench/results/daemon.json
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { haveDockerd } from '../test/helpers/dockerd';
import {
  busyboxArchive,
  docker,
  machine,
  now,
  type PrivateDaemon,
  quick,
  type Sample,
  startBerthd,
  startDockerd,
  startPodman,
  stopAll,
  summarizeAll,
  timedDocker,
  usualEnvironment,
  writeResult,
} from './common';

const rounds = quick ? 8 : 30;
const warmup = 2;
const parallelRounds = quick ? 2 : 5;
const parallel = 20;

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
async function idleRss(c: PrivateDaemon): Promise<number> {
  await new Promise((r) => setTimeout(r, 3000));
  return treeRssKiB([c.pid]);
}

/** Idle RSS of a berthd started in this machine's own environment, the busybox image loaded. */
async function berthdIdleRssWithSandboxEnv(dir: string, image: Buffer): Promise<number> {
  const daemon = await startBerthd(dir);
  try {
    docker(daemon.host, ['load'], image);
    return await idleRss(daemon);
  } finally {
    await daemon.stop();
  }
}

function version(host: string): string {
  return docker(host, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})']).trim();
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the daemon benchmark needs root (it runs containers)');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-daemon-'));
  const contenders: PrivateDaemon[] = [];
  try {
    const image = busyboxArchive(scratch);

    contenders.push(await startBerthd(path.join(scratch, 'berthd'), [], usualEnvironment()));
    contenders.push(await startPodman(path.join(scratch, 'podman')));
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
    const idleWithSandboxCaCertsKiB = await berthdIdleRssWithSandboxEnv(
      path.join(scratch, 'berthd-ca'),
      image,
    );

    const runSummary = summarizeAll(runRm);
    const parallelSummary = summarizeAll(parallelStart);
    const ratio = (m: Record<string, Sample>, peer: string) =>
      m[peer] ? +(m[peer].median / m.berthd.median).toFixed(2) : null;
    const result = {
      benchmark: 'daemon',
      date: new Date().toISOString(),
      machine: machine(),
      unit: 'ms (median, p99, min, count); RSS in KiB',
      client: docker(contenders[0].host, ['version', '--format', '{{.Client.Version}}']).trim(),
      versions,
      quick,
      workload: {
        runRm: '`docker run --rm --network none busybox true`, wall time of the docker CLI',
        parallelStart: `${parallel} \`docker run -d --network none busybox sleep 60\` at once, until all returned`,
      },
      results: { runRm: runSummary, parallelStart: parallelSummary, rss, idleWithSandboxCaCertsKiB },
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
    const f = (x: Sample | undefined) => (x ? `${x.median.toFixed(0)} (p99 ${x.p99.toFixed(0)})` : 'n/a');
    console.log(`daemon benchmark, ${rounds} rounds, load ${os.loadavg()[0].toFixed(1)}:`);
    for (const c of contenders) {
      console.log(
        `  ${c.name.padEnd(8)} run --rm ${f(runSummary[c.name])}  ${parallel} parallel ${f(parallelSummary[c.name])}` +
          `  idle RSS ${(rss[c.name].idleAfterStartKiB / 1024).toFixed(1)} MiB` +
          ` / ${((rss[c.name].idleAfterWorkloadKiB ?? 0) / 1024).toFixed(1)} MiB after`,
      );
    }
    console.log(
      `  berthd idle RSS with the sandbox's NODE_EXTRA_CA_CERTS: ${(idleWithSandboxCaCertsKiB / 1024).toFixed(1)} MiB`,
    );
    writeResult('daemon', result);
  } finally {
    await stopAll(contenders);
    if (existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`daemon benchmark: ${err.message}`);
  process.exit(1);
});
