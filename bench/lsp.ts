// Side-by-side LSP benchmark: Berth's language server against the npm Dockerfile language server
// (dockerfile-language-server-nodejs, which wraps dockerfile-language-service and dockerfile-utils),
// both driven the same way through the real protocol over stdio, on the same files, in one run.
//
//   node out/bench/lsp.js [--quick]        writes bench/results/lsp.json
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serverNodeFlags } from '../server/src/protocol';
import { LspClient, type ServerCommand } from './lspClient';
import { corpusDir, largeDir } from './testdata';

const root = path.resolve(__dirname, '..', '..');

const quick = process.argv.includes('--quick');

const berth: ServerCommand = {
  name: 'berth',
  command: process.execPath,
  // As bin/berth-lsp and the extension start it.
  args: [...serverNodeFlags, path.join(root, 'dist', 'server', 'server.js'), '--stdio'],
};
const peer: ServerCommand = {
  name: 'dockerfile-language-server-nodejs',
  command: process.execPath,
  args: [require.resolve('dockerfile-language-server-nodejs/bin/docker-langserver'), '--stdio'],
};

interface Sample {
  readonly median: number;
  readonly p99: number;
  readonly min: number;
  readonly n: number;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function summarize(values: number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p99: at(0.99), min: sorted[0], n: sorted.length };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface Iterations {
  /** Opens of a large file that was not open (no earlier version to build on). */
  cold: number;
  diagnostics: number;
  requests: number;
  tokens: number;
  /** Untimed edit rounds of the whole corpus after opening it, so both servers are measured warm. */
  corpusWarmup: number;
  corpusRounds: number;
}

const iterations: Record<string, Iterations> = {
  berth: quick
    ? { cold: 5, diagnostics: 10, requests: 200, tokens: 5, corpusWarmup: 2, corpusRounds: 5 }
    : { cold: 10, diagnostics: 30, requests: 1000, tokens: 20, corpusWarmup: 3, corpusRounds: 10 },
  // The peer is 30–1000× slower on these; fewer iterations keep the run short and its medians stable.
  [peer.name]: quick
    ? { cold: 2, diagnostics: 3, requests: 10, tokens: 1, corpusWarmup: 2, corpusRounds: 3 }
    : { cold: 3, diagnostics: 10, requests: 50, tokens: 1, corpusWarmup: 3, corpusRounds: 5 },
};

type Metrics = Record<string, Sample | number>;

/** Sends a full-text change and waits for the diagnostics that answer it. */
async function diagnose(client: LspClient, uri: string, text: string): Promise<number> {
  const published = client.nextDiagnostics(uri);
  return time(async () => {
    await client.replace(uri, text);
    await published;
  });
}

function lastInstructionLine(text: string): number {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (/^[A-Za-z]/.test(lines[i])) return i;
  return 0;
}

/**
 * Diagnostics after each of `n` edits alternating between two texts (so that a server cannot
 * answer from a cache keyed on content), and the server's CPU time per edit.
 */
async function benchEdits(
  client: LspClient,
  uri: string,
  texts: readonly [string, string],
  label: string,
  metrics: Metrics,
  n: number,
): Promise<void> {
  const diagnostics: number[] = [];
  const cpuBefore = client.cpuTime();
  for (let i = 0; i < n; i++) diagnostics.push(await diagnose(client, uri, texts[i % 2]));
  metrics[label] = summarize(diagnostics);
  metrics[`${label}: server CPU per run (ms)`] = round((client.cpuTime() - cpuBefore) / n);
}

/** A blank line inserted at the start of the middle line: an edit in the middle of the file. */
function withMiddleLine(text: string): string {
  let middle = text.indexOf('\n', Math.floor(text.length / 2)) + 1;
  if (middle <= 0) middle = text.length;
  return `${text.slice(0, middle)}\n${text.slice(middle)}`;
}

async function benchLargeFile(
  client: LspClient,
  file: string,
  metrics: Metrics,
  n: Iterations,
): Promise<void> {
  const name = path.basename(file, '.Dockerfile');
  const uri = pathToFileURL(file).href;
  const text = readFileSync(file, 'utf8');

  // Opening a file: everything computed from scratch, with no earlier version to build on.
  const cold: number[] = [];
  for (let i = 0; i < n.cold; i++) {
    cold.push(
      await time(async () => {
        const opened = client.nextDiagnostics(uri);
        await client.open(uri, text);
        await opened;
      }),
    );
    const cleared = client.nextDiagnostics(uri);
    await client.close(uri);
    await cleared;
  }
  metrics[`diagnostics ${name}, on open (from scratch)`] = summarize(cold);
  const opened = client.nextDiagnostics(uri);
  await client.open(uri, text);
  await opened;

  // Typing: at the end of the file, and in its middle.
  await benchEdits(client, uri, [`${text}\n`, text], `diagnostics ${name}`, metrics, n.diagnostics);
  const middle = withMiddleLine(text);
  await benchEdits(client, uri, [middle, text], `diagnostics ${name}, edit mid-file`, metrics, n.diagnostics);

  const line = lastInstructionLine(text);
  const position = { line, character: 1 };
  const completion: number[] = [];
  const hover: number[] = [];
  for (let i = 0; i < n.requests; i++) completion.push(await time(() => client.completion(uri, position)));
  for (let i = 0; i < n.requests; i++) hover.push(await time(() => client.hover(uri, position)));
  metrics[`completion ${name}`] = summarize(completion);
  metrics[`hover ${name}`] = summarize(hover);

  if (n.tokens > 0) {
    const tokens: number[] = [];
    for (let i = 0; i < n.tokens; i++) tokens.push(await time(() => client.semanticTokens(uri)));
    metrics[`semantic tokens ${name}`] = summarize(tokens);
  }
  await client.close(uri);
}

/**
 * The lowest RSS over an idle window. Edits leave garbage that V8 collects and returns to the
 * system only once the process is idle (its memory reducer starts about 8 s after activity), so
 * the RSS of a server the user is not typing into is the minimum over a window longer than that.
 */
async function restingRss(client: LspClient, windowMs = 12_000): Promise<number> {
  let lowest = client.rss();
  const until = Date.now() + windowMs;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    lowest = Math.min(lowest, client.rss());
  }
  return lowest;
}

async function benchCorpus(
  client: LspClient,
  files: string[],
  metrics: Metrics,
  n: Iterations,
): Promise<void> {
  const docs = files.map((file) => ({ uri: pathToFileURL(file).href, text: readFileSync(file, 'utf8') }));
  const openAll = await time(async () => {
    const published = docs.map((d) => client.nextDiagnostics(d.uri));
    for (const d of docs) await client.open(d.uri, d.text);
    await Promise.all(published);
  });
  metrics[`open corpus, cold (${docs.length} files)`] = round(openAll);
  metrics['rss with corpus open (MB)'] = round(client.rss() / 1e6);
  // One round edits every file (alternating two texts) and waits for all their diagnostics.
  let edits = 0;
  const editRound = () =>
    time(async () => {
      edits++;
      const published = docs.map((d) => client.nextDiagnostics(d.uri));
      for (const d of docs) await client.replace(d.uri, edits % 2 ? `${d.text}\n` : d.text);
      await Promise.all(published);
    });
  // The first rounds run while the JIT compiles the server's code; the targets are for a server
  // the user has been editing with, and the cold figure is reported above.
  for (let i = 0; i < n.corpusWarmup; i++) await editRound();
  const rounds: number[] = [];
  const cpuBefore = client.cpuTime();
  for (let i = 0; i < n.corpusRounds; i++) rounds.push(await editRound());
  metrics[`diagnostics corpus (${docs.length} files)`] = summarize(rounds);
  metrics['diagnostics corpus: server CPU per round (ms)'] = round(
    (client.cpuTime() - cpuBefore) / n.corpusRounds,
  );
  metrics['rss right after the edits (MB)'] = round(client.rss() / 1e6);
  metrics['rss at rest with corpus open (MB)'] = round((await restingRss(client)) / 1e6);
  let problems = 0;
  for (const d of docs) problems += client.diagnostics.get(d.uri)?.length ?? 0;
  metrics['problems reported on corpus'] = problems;
}

async function run(server: ServerCommand, largeFiles: string[], corpus: string[]): Promise<Metrics> {
  const metrics: Metrics = {};
  const n = iterations[server.name];
  const client = await LspClient.start(server);
  try {
    // The corpus first, so RSS is measured with exactly the corpus open.
    await benchCorpus(client, corpus, metrics, n);
    for (const file of largeFiles) await benchLargeFile(client, file, metrics, n);
  } finally {
    await client.stop();
  }
  return metrics;
}

function peerVersion(): string {
  const manifest = path.join(
    path.dirname(require.resolve('dockerfile-language-server-nodejs/package.json')),
    'package.json',
  );
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function format(value: Sample | number | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') return String(value);
  return `${value.median.toFixed(2)} (p99 ${value.p99.toFixed(2)}, n=${value.n})`;
}

async function main(): Promise<void> {
  // The machine is shared: the 1-minute load average says how much the figures were disturbed.
  const loadAtStart = os.loadavg()[0];
  const largeFiles = readdirSync(largeDir)
    .filter((f) => f.endsWith('.Dockerfile'))
    .map((f) => path.join(largeDir, f));
  const corpus = readdirSync(corpusDir)
    .filter((f) => f.endsWith('.Dockerfile'))
    .map((f) => path.join(corpusDir, f));

  const results: Record<string, Metrics> = {};
  // --only=berth skips the (slow) peer, for quick iterations; reports always come from full runs.
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  for (const server of [berth, peer].filter((s) => !only || s.name === only)) {
    process.stderr.write(`${server.name}…\n`);
    results[server.name] = await run(server, largeFiles, corpus);
  }

  const rows = Object.keys(results.berth).map((metric) => {
    const ours = results.berth[metric];
    const theirs = results[peer.name]?.[metric];
    const ratio =
      typeof ours === 'object' && typeof theirs === 'object'
        ? Math.round((theirs.median / ours.median) * 10) / 10
        : undefined;
    return { metric, berth: ours, peer: theirs, peerOverBerth: ratio };
  });
  const report = {
    benchmark: 'lsp',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      loadAverage: { start: loadAtStart, end: os.loadavg()[0] },
    },
    unit: 'ms unless named otherwise; median, p99 and count per metric',
    peer: `${peer.name}@${peerVersion()}`,
    quick,
    rows,
  };
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'results', 'lsp.json'), `${JSON.stringify(report, null, 2)}\n`);

  console.log(`| metric | Berth | ${peer.name} | peer / Berth |`);
  console.log('| --- | --- | --- | --- |');
  for (const row of rows) {
    console.log(
      `| ${row.metric} | ${format(row.berth)} | ${format(row.peer)} | ${row.peerOverBerth ?? '—'}× |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
