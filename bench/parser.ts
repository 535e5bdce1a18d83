// Parser benchmark: Berth's parseDockerfile (full model: syntax tree, ranges, typed instructions,
// variable references, errors) against the npm `dockerfile-ast` parser that the npm Dockerfile
// language service is built on, on the same files, in one run.
//
//   node out/bench/parser.js [--quick]        writes bench/results/parser.json
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { parseDockerfile } from '../engine/src/dockerfile';
import { corpusDir, largeDir } from './testdata';

const root = path.resolve(__dirname, '..', '..');
const quick = process.argv.includes('--quick');

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

/** Times `fn` `runs` times after `warmup` unmeasured runs; milliseconds. */
function measure(fn: () => unknown, runs: number, warmup = Math.max(3, runs >> 2)): Sample {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return summarize(times);
}

const parsers: Record<'berth' | 'peer', (text: string) => unknown> = {
  berth: (text) => parseDockerfile(text),
  peer: (text) => DockerfileParser.parse(text),
};

function peerVersion(): string {
  const manifest = path.join(root, 'node_modules', 'dockerfile-ast', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function main(): void {
  const large = readdirSync(largeDir)
    .filter((f) => f.endsWith('.Dockerfile'))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(path.join(largeDir, f), 'utf8') }));
  const corpus = readdirSync(corpusDir)
    .filter((f) => f.endsWith('Dockerfile'))
    .map((f) => readFileSync(path.join(corpusDir, f), 'utf8'));
  const runs = quick ? 20 : 100;

  const rows: Array<{ metric: string; berth: Sample; peer: Sample; peerOverBerth: number }> = [];
  const row = (metric: string, fn: (parse: (text: string) => unknown) => void, n: number) => {
    const berth = measure(() => fn(parsers.berth), n);
    const peer = measure(() => fn(parsers.peer), n);
    rows.push({ metric, berth, peer, peerOverBerth: Math.round((peer.median / berth.median) * 10) / 10 });
    console.log(
      `${metric.padEnd(44)} berth ${berth.median.toFixed(2).padStart(7)} ms   peer ${peer.median.toFixed(2).padStart(7)} ms`,
    );
  };
  for (const file of large) {
    const lines = file.text.split('\n').length;
    row(`parse ${file.name} (${lines} lines)`, (parse) => parse(file.text), runs);
  }
  row(
    `parse corpus (${corpus.length} files, total)`,
    (parse) => corpus.forEach((t) => parse(t)),
    quick ? 10 : 40,
  );

  const result = {
    benchmark: 'parser',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    unit: 'ms; median, p99 and count per metric',
    peer: `dockerfile-ast@${peerVersion()}`,
    quick,
    rows,
  };
  const out = path.join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'parser.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${path.join(out, 'parser.json')}`);
}

main();
