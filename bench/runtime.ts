// Runtime benchmark: a container running `true` from one busybox bundle, side by side in one run,
// rounds interleaved so that the machine's noise hits every contender alike.
//
//   berth (library)  create + start + wait in this process, as the daemon does; delete timed apart
//   runc run         Debian's runc
//   crun run         Debian's crun 1.8, inside `unshare -m` with /sys/fs/cgroup/unified unmounted
//                    (it refuses this hybrid cgroup host otherwise); the wrapper alone is timed too
//   berth-runtime    the CLI: `berth-runtime run`, a new Node process
//
//   node out/bench/runtime.js [--quick]        as root; writes bench/results/runtime.json
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultSpec, Runtime } from '../engine/src/runtime';
import { makeBusyboxRootfs } from '../test/helpers/busybox-rootfs';
import { machine, now, quick, repoRoot, type Sample, summarize, timed, writeResult } from './common';

const rounds = quick ? 10 : 60;
const warmup = quick ? 2 : 5;

const ticksPerMs = 100 / 1000; // USER_HZ
/**
 * CPU time used so far, ms: this process (precise) and its reaped children (clock ticks from
 * /proc/self/stat). A container's processes are all reaped by its parent chain up to us, so the
 * sum counts everything one container start cost, whoever ran it, whatever the machine's load.
 */
function cpuMs(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const children = (Number(f[13]) + Number(f[14])) / ticksPerMs;
  const own = process.cpuUsage();
  return (own.user + own.system) / 1000 + children;
}

/** Max RSS (KiB) of a command, from /usr/bin/time. */
function maxRss(cmd: string, args: string[], cwd: string): number {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return Number(r.stderr.trim().split('\n').at(-1));
}

function version(cmd: string): string {
  try {
    return execFileSync(cmd, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return 'not installed';
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the runtime benchmark needs root (namespaces, cgroups)');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-rt-'));
  try {
    const rootfs = path.join(scratch, 'rootfs');
    makeBusyboxRootfs(rootfs);
    const bundle = path.join(scratch, 'bundle');
    mkdirSync(bundle);
    const spec = defaultSpec();
    spec.process!.terminal = false;
    spec.process!.args = ['true'];
    spec.root = { path: rootfs, readonly: true };
    writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));

    const cli = path.join(repoRoot, 'bin', 'berth-runtime');
    const haveCrun = version('crun') !== 'not installed' && existsSync('/sys/fs/cgroup/unified');
    const crunArgs = (id: string) => [
      '-m',
      'sh',
      '-c',
      `umount /sys/fs/cgroup/unified && exec crun --root ${scratch}/crun run ${id}`,
    ];
    const rt = new Runtime({ root: path.join(scratch, 'berth') });
    const times: Record<string, number[]> = {
      library: [],
      libraryDelete: [],
      runc: [],
      crun: [],
      crunWrapper: [],
      cli: [],
    };
    const cpu: Record<string, number> = { library: 0, runc: 0, crun: 0, crunWrapper: 0, cli: 0 };
    /** Runs `fn`, adding the CPU it cost to `cpu[key]` once past the warm-up. */
    const charged = async <T>(key: string, keep: boolean, fn: () => Promise<T>): Promise<T> => {
      const before = cpuMs();
      const result = await fn();
      if (keep) cpu[key] += cpuMs() - before;
      return result;
    };

    let n = 0;
    for (let round = 0; round < warmup + rounds; round++) {
      const keep = round >= warmup;
      const id = () => `bench-${process.pid}-${n++}`;

      const lib = id();
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      t0 = now();
      const c = await rt.create(lib, { bundle });
      await rt.start(lib);
      await c.exited;
      t1 = now();
      await rt.delete(lib);
      t2 = now();

      const runc = await charged('runc', keep, () =>
        timed('runc', ['--root', `${scratch}/runc`, 'run', id()], { cwd: bundle }),
      );
      const crun = haveCrun
        ? await charged('crun', keep, () => timed('unshare', crunArgs(id()), { cwd: bundle }))
        : NaN;
      const wrapper = haveCrun
        ? await charged('crunWrapper', keep, () =>
            timed('unshare', ['-m', 'sh', '-c', 'umount /sys/fs/cgroup/unified && exec true'], {
              cwd: bundle,
            }),
          )
        : NaN;
      const viaCli = await charged('cli', keep, () =>
        timed(cli, ['--root', `${scratch}/cli`, 'run', id()], { cwd: bundle }),
      );
      if (keep) {
        times.library.push(t1 - t0);
        times.libraryDelete.push(t2 - t0);
        times.runc.push(runc);
        if (haveCrun) times.crun.push(crun);
        if (haveCrun) times.crunWrapper.push(wrapper);
        times.cli.push(viaCli);
      }
    }

    // The library's helpers are forked by its zygote, which reaps them: their CPU reaches us
    // when the zygote ends. So its CPU is measured in a phase of its own, zygote included.
    {
      const cpuRt = new Runtime({ root: path.join(scratch, 'berth-cpu') });
      const runs = quick ? 10 : 40;
      const before = cpuMs();
      for (let i = 0; i < runs; i++) {
        const cid = `bench-cpu-${i}`;
        const c = await cpuRt.create(cid, { bundle });
        await cpuRt.start(cid);
        await c.exited;
        await cpuRt.delete(cid);
      }
      await cpuRt.close();
      cpu.library = ((cpuMs() - before) / runs) * rounds;
    }

    // Memory: this process with the runtime loaded, a running container's supervisor, and each
    // command's own peak.
    const c = await rt.run('bench-rss', { bundle: writeSleepBundle(scratch, rootfs) });
    const supervisor = Number(readFileSync(`/proc/${c.pid}/status`, 'utf8').match(/PPid:\s+(\d+)/)![1]);
    const supervisorRss = Number(
      readFileSync(`/proc/${supervisor}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1],
    );
    await rt.delete('bench-rss', { force: true });
    await rt.close();
    const rss = {
      libraryProcessKiB: Math.round(process.memoryUsage().rss / 1024),
      supervisorPerContainerKiB: supervisorRss,
      runcPeakKiB: maxRss('runc', ['--root', `${scratch}/runc`, 'run', 'bench-rss-runc'], bundle),
      crunPeakKiB: haveCrun ? maxRss('unshare', crunArgs('bench-rss-crun'), bundle) : null,
      cliPeakKiB: maxRss(cli, ['--root', `${scratch}/cli`, 'run', 'bench-rss-cli'], bundle),
    };

    const s = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.length ? summarize(v) : null]));
    const crunNet = s.crun && s.crunWrapper ? s.crun.median - s.crunWrapper.median : null;
    const result = {
      benchmark: 'runtime',
      date: new Date().toISOString(),
      machine: machine(),
      unit: 'ms; median, p99, min and count per contender',
      peers: { runc: version('runc'), crun: version('crun') },
      quick,
      workload:
        "busybox `true`, runc's default config (pid, net, ipc, uts, mount, cgroup namespaces), read-only root",
      results: {
        berthLibrary: s.library,
        berthLibraryWithDelete: s.libraryDelete,
        runcRun: s.runc,
        crunRun: s.crun,
        crunWrapperAlone: s.crunWrapper,
        crunRunNetOfWrapper: crunNet,
        berthRuntimeCli: s.cli,
      },
      ratios: {
        runcOverBerthLibrary: s.runc && s.library ? +(s.runc.median / s.library.median).toFixed(2) : null,
        runcOverBerthLibraryWithDelete:
          s.runc && s.libraryDelete ? +(s.runc.median / s.libraryDelete.median).toFixed(2) : null,
        crunNetOverBerthLibrary: crunNet && s.library ? +(crunNet / s.library.median).toFixed(2) : null,
        runcOverBerthCli: s.runc && s.cli ? +(s.runc.median / s.cli.median).toFixed(2) : null,
      },
      cpuMsPerContainer: {
        berthLibraryWithDelete: +(cpu.library / rounds).toFixed(2),
        runcRun: +(cpu.runc / rounds).toFixed(2),
        crunRunNetOfWrapper: haveCrun ? +((cpu.crun - cpu.crunWrapper) / rounds).toFixed(2) : null,
        berthRuntimeCli: +(cpu.cli / rounds).toFixed(2),
      },
      rss,
    };
    const f = (x: Sample | null) => (x ? `${x.median.toFixed(1)} (p99 ${x.p99.toFixed(1)})` : 'n/a');
    console.log(`runtime benchmark, ${rounds} rounds, load ${os.loadavg()[0].toFixed(1)}:`);
    console.log(`  berth library create+start+wait   ${f(s.library)}`);
    console.log(`  berth library + delete            ${f(s.libraryDelete)}`);
    console.log(`  runc run                          ${f(s.runc)}`);
    console.log(`  crun run (with unshare wrapper)   ${f(s.crun)}; wrapper alone ${f(s.crunWrapper)}`);
    console.log(`  berth-runtime run (CLI)           ${f(s.cli)}`);
    console.log(`  cpu ms per container: ${JSON.stringify(result.cpuMsPerContainer)}`);
    console.log(`  rss: ${JSON.stringify(rss)}`);
    writeResult('runtime', result);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function writeSleepBundle(scratch: string, rootfs: string): string {
  const dir = path.join(scratch, 'sleep-bundle');
  mkdirSync(dir);
  const spec = defaultSpec();
  spec.process!.terminal = false;
  spec.process!.args = ['sleep', '60'];
  spec.root = { path: rootfs, readonly: true };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(spec));
  return dir;
}

main().catch((err: Error) => {
  console.error(`runtime benchmark: ${err.message}`);
  process.exit(1);
});
