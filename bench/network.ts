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
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  busyboxArchive,
  docker,
  machine,
  now,
  type PrivateDaemon,
  quick,
  startBerthd,
  startPodman,
  stopAll,
  summarizeAll,
  timedDocker,
  writeResult,
} from './common';

const rounds = quick ? 8 : 20;
const warmup = 2;
const downloadRounds = quick ? 3 : 5;
const downloadMiB = 256;

/** A private daemon with a default bridge network of its own. */
interface Contender extends PrivateDaemon {
  bridge: string;
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

/** The daemon as a contender whose bridge is deleted once it stops (the bridge outlives it). */
function ownBridge(daemon: PrivateDaemon, bridge: string): Contender {
  return {
    ...daemon,
    bridge,
    stop: async () => {
      await daemon.stop();
      deleteLink(bridge);
    },
  };
}

/** berthd whose default bridge network has a name and subnet of this run. */
async function berthdOnOwnBridge(scratch: string): Promise<Contender> {
  const dir = path.join(scratch, 'berthd');
  mkdirSync(dir, { recursive: true });
  const bridge = `bb${randomBytes(3).toString('hex')}`;
  const { subnet, gateway } = uniqueSubnet();
  const config = path.join(dir, 'daemon.json');
  writeFileSync(
    config,
    JSON.stringify({ bridge, bip: `${gateway}/24`, 'default-address-pools': [{ base: subnet, size: 24 }] }),
  );
  const daemon = await startBerthd(dir, ['--config-file', config]);
  return ownBridge(daemon, bridge);
}

/** The podman service whose default network is a CNI bridge with a name and subnet of this run. */
async function podmanOnOwnBridge(scratch: string): Promise<Contender> {
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
  const daemon = await startPodman(
    dir,
    `[network]\nnetwork_backend = "cni"\nnetwork_config_dir = "${netDir}"\ndefault_network = "${network}"\n`,
  );
  return ownBridge(daemon, bridge);
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
    const image = busyboxArchive(scratch);
    contenders.push(await berthdOnOwnBridge(scratch));
    contenders.push(await podmanOnOwnBridge(scratch));
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

    const runSummary = summarizeAll(runRm);
    const throughputSummary = summarizeAll(throughput);
    const result = {
      benchmark: 'network',
      date: new Date().toISOString(),
      machine: machine(),
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
    console.log(`network benchmark, ${rounds} rounds, load ${os.loadavg()[0].toFixed(1)}:`);
    for (const c of contenders) {
      console.log(
        `  ${c.name.padEnd(8)} run --rm ${runSummary[c.name].median.toFixed(0)} ms` +
          `  throughput ${throughputSummary[c.name].median.toFixed(0)} MiB/s`,
      );
    }
    writeResult('network', result);
  } finally {
    await stopAll(contenders);
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`network benchmark: ${err.message}`);
  process.exit(1);
});
