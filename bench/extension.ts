// Extension benchmark: activation time, and one Containers-view refresh with 200 containers, side by
// side with how Container Tools lists containers since 1.23 (the docker CLI:
// `docker container ls --all --format "{{json .}}"`, spawned and parsed), against the same engine.
// The engine is a fake serving 200 containers over a Unix socket, so that both sides read the same
// bytes and the figure is the client's work, not an engine's.
//
//   node out/bench/extension.js [--quick]        writes bench/results/extension.json
import type Docker from 'dockerode';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { loadView } from '../client/src/tree/load';

const root = path.resolve(__dirname, '..', '..');
const quick = process.argv.includes('--quick');
const CONTAINERS = 200;

interface Sample {
  readonly median: number;
  readonly p99: number;
  readonly min: number;
  readonly n: number;
}

function summarize(values: number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p99: at(0.99), min: sorted[0], n: sorted.length };
}

async function measure(
  fn: () => Promise<unknown>,
  runs: number,
  warmup = Math.max(3, runs >> 2),
): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return summarize(times);
}

/** 200 containers as Docker's GET /containers/json returns them: mixed states, ports, compose groups. */
function fakeContainers(): Docker.ContainerInfo[] {
  const states = ['running', 'running', 'running', 'exited', 'paused', 'created'];
  return Array.from({ length: CONTAINERS }, (_, i) => {
    const state = states[i % states.length];
    const project = i % 4 === 0 ? `project-${i % 10}` : undefined;
    const labels: Record<string, string> = {
      'org.opencontainers.image.source': `https://example.com/app-${i}`,
    };
    if (project)
      Object.assign(labels, {
        'com.docker.compose.project': project,
        'com.docker.compose.service': `svc-${i}`,
      });
    const id = (i.toString(16).padStart(4, '0') + 'ab'.repeat(30)).slice(0, 64);
    return {
      Id: id,
      Names: [`/container-${i}`],
      Image: `registry.example.com/team/app-${i % 17}:v${i % 5}`,
      ImageID: `sha256:${'cd'.repeat(32)}`,
      Command: 'docker-entrypoint.sh node server.js',
      Created: 1_700_000_000 + i * 60,
      Ports:
        i % 3 === 0
          ? [
              { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8000 + i, Type: 'tcp' },
              { IP: '::', PrivatePort: 80, PublicPort: 8000 + i, Type: 'tcp' },
            ]
          : [{ IP: '', PrivatePort: 9000, PublicPort: 0, Type: 'tcp' }],
      Labels: labels,
      State: state,
      Status:
        state === 'running'
          ? `Up ${i} minutes`
          : state === 'exited'
            ? `Exited (${i % 2}) ${i} minutes ago`
            : state === 'paused'
              ? 'Up 5 minutes (Paused)'
              : 'Created',
      HostConfig: { NetworkMode: 'bridge' },
      NetworkSettings: {
        Networks: {
          bridge: {
            NetworkID: 'n'.repeat(64),
            EndpointID: 'e'.repeat(64),
            Gateway: '172.17.0.1',
            IPAddress: `172.17.${i >> 8}.${i & 255}`,
            IPPrefixLen: 16,
            IPv6Gateway: '',
            GlobalIPv6Address: '',
            GlobalIPv6PrefixLen: 0,
            MacAddress: '02:42:ac:11:00:02',
          },
        },
      },
      Mounts: [
        {
          Type: 'volume',
          Name: `data-${i}`,
          Source: `/var/lib/docker/volumes/data-${i}/_data`,
          Destination: '/data',
          Driver: 'local',
          Mode: 'z',
          RW: true,
          Propagation: '',
        },
      ],
    } as unknown as Docker.ContainerInfo;
  });
}

/** Answers /_ping, /version and /containers/json (with or without a /v1.xx prefix) on a Unix socket. */
async function startFakeEngine(socketPath: string, containers: Docker.ContainerInfo[]): Promise<http.Server> {
  const body = JSON.stringify(containers);
  const version = JSON.stringify({
    Version: '28.2.2',
    ApiVersion: '1.47',
    MinAPIVersion: '1.24',
    Os: 'linux',
    Arch: 'amd64',
    Platform: { Name: 'fake engine' },
  });
  const server = http.createServer((req, res) => {
    const route = (req.url ?? '').replace(/^\/v1\.\d+/, '').split('?')[0];
    const headers = { 'Content-Type': 'application/json', 'Api-Version': '1.47' };
    if (route === '/_ping')
      return void res.writeHead(200, { ...headers, 'Content-Type': 'text/plain' }).end('OK');
    if (route === '/version') return void res.writeHead(200, headers).end(version);
    if (route === '/containers/json') return void res.writeHead(200, headers).end(body);
    res.writeHead(404, headers).end(JSON.stringify({ message: `the fake engine does not serve ${req.url}` }));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return server;
}

async function activationSamples(
  runs: number,
): Promise<{ codeLoading: Sample; activate: Sample; total: Sample }> {
  const child = path.join(__dirname, 'extensionActivation.js');
  const bundle = path.join(root, 'dist', 'client', 'extension.js');
  const loading: number[] = [];
  const activating: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, [child, bundle, root]);
    const result = JSON.parse(stdout) as { codeLoadingMs: number; activateMs: number };
    loading.push(result.codeLoadingMs);
    activating.push(result.activateMs);
    totals.push(result.codeLoadingMs + result.activateMs);
  }
  return { codeLoading: summarize(loading), activate: summarize(activating), total: summarize(totals) };
}

async function main(): Promise<void> {
  const engineBundle = path.join(root, 'dist', 'client', 'engine.js');
  if (!existsSync(engineBundle))
    throw new Error('dist/client/engine.js is missing: run `npm run build` first');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createDockerClient } = require(engineBundle) as typeof import('../client/src/engine/bundle');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-ext-'));
  const socketPath = path.join(dir, 'engine.sock');
  const server = await startFakeEngine(socketPath, fakeContainers());
  const runs = quick ? 15 : 60;
  try {
    const docker = createDockerClient(socketPath);
    const rows: object[] = [];

    const berth = await measure(async () => {
      const nodes = await loadView(docker, 'containers', { filter: '', showDangling: false });
      if (nodes.length === 0) throw new Error('the view came back empty');
    }, runs);
    let peer: Sample | undefined;
    let peerName = 'docker CLI not installed';
    try {
      peerName = `docker ${execFileSync('docker', ['--version'], { encoding: 'utf8' })
        .trim()
        .replace(/^Docker version /, '')}`;
      const env = { ...process.env, DOCKER_HOST: `unix://${socketPath}`, DOCKER_CONFIG: dir };
      peer = await measure(
        async () => {
          const { stdout } = await promisify(execFile)(
            'docker',
            ['container', 'ls', '--all', '--no-trunc', '--format', '{{json .}}'],
            { env, maxBuffer: 1 << 24 },
          );
          const rows = stdout
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as unknown);
          if (rows.length !== CONTAINERS) throw new Error(`docker listed ${rows.length} containers`);
        },
        Math.ceil(runs / 2),
      );
    } catch (err) {
      console.error(`peer skipped: ${(err as Error).message}`);
    }
    rows.push({
      metric: `Containers view refresh, ${CONTAINERS} containers (list + view nodes)`,
      berth,
      peer,
      peerOverBerth: peer ? round(peer.median / berth.median) : undefined,
    });

    const activation = await activationSamples(quick ? 8 : 25);
    rows.push({
      metric: 'activation: code loading + activate() (stand-in vscode API)',
      berth: activation.total,
    });
    rows.push({ metric: 'activation: code loading', berth: activation.codeLoading });
    rows.push({ metric: 'activation: activate()', berth: activation.activate });

    const result = {
      benchmark: 'extension',
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        node: process.version,
        loadavg: os.loadavg().map((l) => round(l)),
      },
      unit: 'ms; median, p99 and count per metric',
      peer: `${peerName}, as Container Tools lists containers (spawn + JSON lines)`,
      targets: { activationMs: 50, refresh200Ms: 100 },
      quick,
      rows,
    };
    const out = path.join(root, 'bench', 'results', 'extension.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    for (const row of rows as { metric: string; berth: Sample; peer?: Sample }[]) {
      const peerText = row.peer ? `  peer ${row.peer.median.toFixed(1)}` : '';
      console.log(
        `${row.metric}: ${row.berth.median.toFixed(1)} (p99 ${row.berth.p99.toFixed(1)})${peerText}`,
      );
    }
    console.log(`wrote ${path.relative(root, out)}`);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
