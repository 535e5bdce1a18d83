// `node out/bench/rootless.js [--runs N]`: `berth run --rm busybox true` rootless against rootful,
// side by side in one run. Rootful runs as root with a store of its own; rootless runs as the
// unprivileged test user of .ci/rootless-user (berth-rootless), whose berth enters its user
// namespace through berth-userns first. Both go through `runuser` (to the user, or to root), so the
// only difference is the mode; runs alternate so that load on the machine hits both alike.
// Writes bench/results/rootless.json. Needs root and the test user.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeBusyboxLayout, skopeoPush } from '../test/helpers/busybox-image';
import { startRegistry } from '../test/helpers/registry';
import { stageBerthForUser, stopKeeper } from '../test/helpers/rootless';

const repo = path.join(__dirname, '..', '..');
const user = process.env.BERTH_ROOTLESS_USER || 'berth-rootless';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new Error('run as root (it runs berth both as root and as the test user)');
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 15;
  const uid = idOf('-u');
  const gid = idOf('-g');
  const work = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-rootless-'));
  chmodSync(work, 0o755);
  const registry = await startRegistry();
  try {
    const stage = stageBerthForUser(work);
    const image = `${registry.address}/library/busybox:bench`;
    skopeoPush(makeBusyboxLayout(path.join(work, 'layout')), image);
    const homes = { rootful: path.join(work, 'root-home'), rootless: path.join(work, 'user-home') };
    for (const [mode, home] of Object.entries(homes)) {
      mkdirSync(path.join(home, 'run'), { recursive: true, mode: 0o700 });
      if (mode === 'rootless') execFileSync('chown', ['-R', `${uid}:${gid}`, home]);
    }
    const command = (mode: 'rootful' | 'rootless', args: string[]): string[] => {
      const home = homes[mode];
      const env = [
        `HOME=${home}`,
        `XDG_RUNTIME_DIR=${path.join(home, 'run')}`,
        'PATH=/usr/bin:/bin:/usr/sbin:/sbin',
      ];
      const root = mode === 'rootful' ? ['--root', path.join(home, 'store')] : [];
      return [
        '-u',
        mode === 'rootful' ? 'root' : user,
        '--',
        'env',
        '-i',
        ...env,
        process.execPath,
        path.join(stage, 'bin/berth'),
        ...root,
        '--insecure-registry',
        registry.address,
        ...args,
      ];
    };
    const run = (mode: 'rootful' | 'rootless', args: string[]): number => {
      const start = process.hrtime.bigint();
      const r = spawnSync('runuser', command(mode, args), { cwd: stage, encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (r.status !== 0) throw new Error(`berth ${args.join(' ')} (${mode}) failed: ${r.stderr}`);
      return ms;
    };
    const times: Record<'rootful' | 'rootless', number[]> = { rootful: [], rootless: [] };
    for (const mode of ['rootful', 'rootless'] as const) {
      run(mode, ['pull', '-q', image]);
      // Warm-up: V8's code cache and the image's snapshots are made on the first run.
      run(mode, ['run', '--rm', image, 'true']);
    }
    for (let i = 0; i < runs; i++) {
      for (const mode of i % 2 ? (['rootless', 'rootful'] as const) : (['rootful', 'rootless'] as const))
        times[mode].push(run(mode, ['run', '--rm', image, 'true']));
    }
    const result = {
      benchmark: 'berth run --rm busybox true, rootless vs rootful (ms, wall time through runuser)',
      date: new Date().toISOString(),
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))),
      runs,
      rootful: { median: Number(median(times.rootful).toFixed(1)), samples: times.rootful.map(Math.round) },
      rootless: {
        median: Number(median(times.rootless).toFixed(1)),
        samples: times.rootless.map(Math.round),
      },
      ratio: Number((median(times.rootless) / median(times.rootful)).toFixed(2)),
      target: 'rootless ≤ 1.5 × rootful',
    };
    const out = path.join(repo, 'bench', 'results', 'rootless.json');
    writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
    console.log(`wrote ${out}`);
  } finally {
    // The keeper of the user's namespaces (berth-userns.c): every rootless run after the first joined it.
    stopKeeper(path.join(work, 'user-home', 'run'));
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
