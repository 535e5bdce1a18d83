// CLI benchmark: `berth` as a client of berthd next to the docker CLI, against berthd and against
// the podman service, rounds interleaved in one run. Each daemon has private state in a temp dir and
// the busybox image, loaded with `docker load`.
//
//   run --rm   `run --rm --network none busybox true`, wall time of the CLI process
//   ps         `ps -a` with nothing running: the CLI's own start-up and one API call
//
//   node out/bench/cli.js [--quick]        as root; writes bench/results/cli.json
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  busyboxArchive,
  docker,
  machine,
  type PrivateDaemon,
  quick,
  repoRoot,
  startBerthd,
  startPodman,
  stopAll,
  summarizeAll,
  timed,
  timedDocker,
  usualEnvironment,
  writeResult,
} from './common';

const rounds = quick ? 8 : 20;
const warmup = 2;
const berthBin = path.join(repoRoot, 'bin', 'berth');

function timedBerth(host: string, args: string[]): Promise<number> {
  return timed(process.execPath, [berthBin, ...args], { env: { ...usualEnvironment(), DOCKER_HOST: host } });
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-cli-'));
  const daemons: PrivateDaemon[] = [];
  try {
    const image = busyboxArchive(scratch);
    const berthd = await startBerthd(path.join(scratch, 'berthd'));
    daemons.push(berthd);
    const podman = await startPodman(path.join(scratch, 'podman'));
    daemons.push(podman);
    for (const d of daemons) docker(d.host, ['load'], image);

    const run = ['run', '--rm', '--network', 'none', 'busybox', 'true'];
    const ps = ['ps', '-a'];
    const series = {
      'run --rm: berth → berthd': [] as number[],
      'run --rm: docker → berthd': [] as number[],
      'run --rm: docker → podman': [] as number[],
      'ps: berth → berthd': [] as number[],
      'ps: docker → berthd': [] as number[],
      'ps: docker → podman': [] as number[],
    };
    for (let i = 0; i < warmup + rounds; i++) {
      const sample = [
        await timedBerth(berthd.host, run),
        await timedDocker(berthd.host, run),
        await timedDocker(podman.host, run),
        await timedBerth(berthd.host, ps),
        await timedDocker(berthd.host, ps),
        await timedDocker(podman.host, ps),
      ];
      if (i < warmup) continue;
      Object.values(series).forEach((s, k) => s.push(sample[k]));
    }
    const summary = summarizeAll(series);
    for (const [name, s] of Object.entries(summary))
      console.log(`${name.padEnd(28)} median ${s.median.toFixed(1)} ms`);
    writeResult('cli', { machine: machine(), rounds, results: summary });
  } finally {
    await stopAll(daemons);
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
