// Network benchmark: the real docker CLI against berthd and the podman service, side by side in one
// run, rounds interleaved so the machine's noise hits both alike. Each daemon has private state in a
// temp dir, the same busybox image, and a default bridge network of its own (a bridge name and
// subnet unique to this run; podman's is a CNI conflist of the same plugins, as podman writes them).
//
//   run --rm      `docker run --rm busybox true` on the default bridge network, wall time of the CLI
//   throughput    a 256 MiB download from busybox httpd in a container, through a port published on
//                 127.0.0.1, read by this process: MiB/s
//
//   node out/bench/network.js [--quick]        as root; writes bench/results/network.json
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeBusyboxLayout } from '../test/helpers/busybox-image';
import { dockerClient } from '../test/helpers/dockerd';

const root = path.resolve(__dirname, '..', '..');
const quick = process.argv.includes('--quick');
const rounds = quick ? 8 : 20;
const warmup = 2;
const downloadRounds = quick ? 3 : 5;
const downloadMiB = 256;

interface Sample {
  median: number;
  min: number;
  max: number;
  n: number;
}

function summarize(values: number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)],
    min: sorted[0],
    max: sorted.at(-1)!,
    n: sorted.length,
  };
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

interface Contender {
  name: string;
  host: string;
  bridge: string;
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

/** A /24 nobody routes, named for this run. */
function uniqueSubnet(): { subnet: string; gateway: string } {
  const base = `10.${64 + randomInt(190)}.${randomInt(256)}`;
  return { subnet: `${base}.0/24`, gateway: `${base}.1` };
}

function deleteLink(name: string): void {
  try {
    execFileSync('ip', ['link', 'delete', name], { stdio: 'ignore' });
  } catch {
    // never made, or gone
  }
}

async function startBerthd(scratch: string): Promise<Contender> {
  const dir = path.join(scratch, 'berthd');
  mkdirSync(dir, { recursive: true });
  const bridge = `bb${randomBytes(3).toString('hex')}`;
  const { subnet, gateway } = uniqueSubnet();
  const config = path.join(dir, 'daemon.json');
  writeFileSync(
    config,
    JSON.stringify({ bridge, bip: `${gateway}/24`, 'default-address-pools': [{ base: subnet, size: 24 }] }),
  );
  const socket = path.join(dir, 'run', 'berth.sock');
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'bin', 'berthd'),
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'run'),
      '--config-file',
      config,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const host = `unix://${socket}`;
  await waitForDaemon(host, child, 'berthd');
  return {
    name: 'berthd',
    host,
    bridge,
    stop: async () => {
      await stopChild(child);
      deleteLink(bridge);
    },
  };
}

async function startPodman(scratch: string): Promise<Contender> {
  const dir = path.join(scratch, 'podman');
  const netDir = path.join(dir, 'networks');
  mkdirSync(netDir, { recursive: true });
  const bridge = `bp${randomBytes(3).toString('hex')}`;
  const network = `bench-${bridge}`;
  const { subnet, gateway } = uniqueSubnet();
  // podman's default network as podman 4 writes it for the CNI backend, with our bridge and subnet.
  writeFileSync(
    path.join(netDir, `${network}.conflist`),
    JSON.stringify({
      cniVersion: '0.4.0',
      name: network,
      plugins: [
        {
          type: 'bridge',
          bridge,
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: path.join(dir, 'ipam'),
            routes: [{ dst: '0.0.0.0/0' }],
            ranges: [[{ subnet, gateway }]],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        { type: 'firewall', backend: '' },
        { type: 'tuning' },
      ],
    }),
  );
  // This VM's hard limits and hybrid cgroups (see /work/shared/tools/peers-setup.sh).
  writeFileSync(
    path.join(dir, 'containers.conf'),
    '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' +
      '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' +
      `[network]\nnetwork_backend = "cni"\nnetwork_config_dir = "${netDir}"\ndefault_network = "${network}"\n`,
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
    bridge,
    stop: async () => {
      await stopChild(child);
      execFileSync('sh', ['-c', `grep -o ' ${dir}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
      deleteLink(bridge);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** GETs a URL, discarding the body; resolves with the bytes received and the MiB/s. */
function download(port: number, file: string): Promise<{ bytes: number; mibPerSecond: number }> {
  return new Promise((resolve, reject) => {
    const start = now();
    const req = request({ host: '127.0.0.1', port, path: `/${file}`, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ bytes, mibPerSecond: bytes / 2 ** 20 / ((now() - start) / 1000) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls until the published port serves the file (httpd is up behind it). */
async function waitServed(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await download(port, 'ready')).bytes > 0) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`nothing served on 127.0.0.1:${port} within 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the network benchmark needs root (bridge networking)');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-network-'));
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
    const versions: Record<string, string> = {};
    for (const c of contenders) {
      docker(c.host, ['load'], image);
      versions[c.name] = docker(c.host, ['version', '--format', '{{.Server.Version}}']).trim();
    }

    const runRm = Object.fromEntries(contenders.map((c) => [c.name, [] as number[]]));
    for (let round = 0; round < warmup + rounds; round++) {
      for (const c of contenders) {
        const ms = await timedDocker(c.host, ['run', '--rm', 'busybox', 'true']);
        if (round >= warmup) runRm[c.name].push(ms);
      }
    }

    // One server per engine, the file in the container's tmpfs so disks play no part.
    const ports: Record<string, number> = {};
    for (const c of contenders) {
      ports[c.name] = await freePort();
      docker(c.host, [
        'run',
        '-d',
        '--name',
        'bench-httpd',
        '--tmpfs',
        '/www',
        '-p',
        `127.0.0.1:${ports[c.name]}:80`,
        'busybox',
        'sh',
        '-c',
        `dd if=/dev/zero of=/www/big bs=1M count=${downloadMiB} 2>/dev/null && echo ok > /www/ready && exec httpd -f -p 80 -h /www`,
      ]);
      await waitServed(ports[c.name]);
      await download(ports[c.name], 'big'); // warm-up
    }
    const throughput = Object.fromEntries(contenders.map((c) => [c.name, [] as number[]]));
    for (let round = 0; round < downloadRounds; round++) {
      for (const c of contenders) {
        const d = await download(ports[c.name], 'big');
        if (d.bytes !== downloadMiB * 2 ** 20) throw new Error(`${c.name}: ${d.bytes} bytes downloaded`);
        throughput[c.name].push(d.mibPerSecond);
      }
    }
    for (const c of contenders) docker(c.host, ['rm', '-f', 'bench-httpd']);

    const s = (m: Record<string, number[]>) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [k, summarize(v)]));
    const runSummary = s(runRm);
    const throughputSummary = s(throughput);
    const result = {
      benchmark: 'network',
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        node: process.version,
        kernel: os.release(),
        loadavg: os.loadavg(),
      },
      client: docker(contenders[0].host, ['version', '--format', '{{.Client.Version}}']).trim(),
      versions,
      quick,
      workload: {
        runRm:
          '`docker run --rm busybox true` on the default bridge network, wall time of the docker CLI (ms)',
        throughput: `a ${downloadMiB} MiB GET from busybox httpd through -p 127.0.0.1:<port>:80 (MiB/s)`,
      },
      results: { runRm: runSummary, throughput: throughputSummary },
      ratios: {
        runRmPodmanOverBerthd: +(runSummary.podman.median / runSummary.berthd.median).toFixed(2),
        throughputBerthdOverPodman: +(
          throughputSummary.berthd.median / throughputSummary.podman.median
        ).toFixed(2),
      },
    };
    const out = path.join(root, 'bench', 'results', 'network.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    console.log(`network benchmark, ${rounds} rounds, load ${os.loadavg()[0].toFixed(1)}:`);
    for (const c of contenders) {
      console.log(
        `  ${c.name.padEnd(8)} run --rm ${runSummary[c.name].median.toFixed(0)} ms` +
          `  throughput ${throughputSummary[c.name].median.toFixed(0)} MiB/s`,
      );
    }
    console.log(`wrote ${path.relative(root, out)}`);
  } finally {
    for (const c of contenders)
      await c.stop().catch((err: Error) => console.error(`${c.name}: ${err.message}`));
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`network benchmark: ${err.message}`);
  process.exit(1);
});
