// What a CLI command loads at start: Node's built-in modules that only some verbs use must not be
// loaded by the others (each one cost a cold `berth pull` a few ms; see docs/benchmarks.md, images).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipBecause } from '../../helpers/skip';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const berthBin = join(repoRoot, 'bin', 'berth');
const bundle = join(repoRoot, 'dist', 'engine', 'cli', 'berth.js');

/** Loaded only by the verbs that need them: node-tar (assert), the builder, the runtime, helpers. */
const notAtStart = [
  'child_process',
  'assert',
  'dns/promises',
  'internal/fs/promises',
  'internal/readline/interface',
  'internal/fs/rimraf',
  'internal/fs/streams',
  'worker_threads',
];

describe('what a berth command loads at start', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(function () {
    if (!existsSync(bundle)) skipBecause(this, 'needs the CLI bundle: run npm run build');
    // A normal user's in-process command enters a user namespace first (subordinate ids needed).
    if (process.getuid?.() !== 0) skipBecause(this, 'needs root: berth --root runs in-process as root');
    dir = mkdtempSync(join(tmpdir(), 'berth-start-cost-'));
  });
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('berth images on a store (stdin /dev/null, as in scripts) loads none of the verb-only modules', () => {
    const report = join(dir, 'modules.txt');
    const preload = join(dir, 'report.js');
    writeFileSync(
      preload,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(report)}, process.moduleLoadList.join('\\n')));\n`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
    delete env.NODE_EXTRA_CA_CERTS;
    // Twice: the second run starts from the code cache the first one wrote.
    for (let i = 0; i < 2; i++) {
      const out = execFileSync(
        process.execPath,
        ['-r', preload, berthBin, '--root', join(dir, 'root'), 'images'],
        {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ).toString();
      assert.match(out, /^REPOSITORY\s+TAG/);
    }
    const loaded = new Set(
      readFileSync(report, 'utf8')
        .split('\n')
        .filter((m) => m.startsWith('NativeModule '))
        .map((m) => m.slice('NativeModule '.length)),
    );
    assert.ok(loaded.has('http') && loaded.has('crypto'), 'the report lists what the pull path needs');
    for (const m of notAtStart) assert.ok(!loaded.has(m), `berth images loaded ${m}`);
  });
});
