import * as assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../../../engine/src/cli/args';
import { ProgressRenderer } from '../../../engine/src/cli/render/progress';
import { renderRows, renderTable } from '../../../engine/src/cli/render/table';
import { humanDuration, humanSize } from '../../../engine/src/cli/render/units';

const specs = [
  { name: 'all', short: 'a', type: 'boolean' as const, description: '' },
  { name: 'quiet', short: 'q', type: 'boolean' as const, description: '' },
  { name: 'format', short: 'f', type: 'string' as const, description: '' },
  { name: 'insecure-registry', type: 'list' as const, description: '' },
];

describe('berth CLI pieces', () => {
  it('parses flags the docker way', () => {
    const a = parseArgs(
      [
        '-qa',
        '--format=json',
        'x',
        '--insecure-registry',
        'h1',
        '--insecure-registry=h2',
        '-f',
        '{{.ID}}',
        '--',
        '-not-a-flag',
      ],
      specs,
    );
    assert.equal(a.flags.get('quiet'), true);
    assert.equal(a.flags.get('all'), true);
    assert.equal(a.flags.get('format'), '{{.ID}}');
    assert.deepEqual(a.flags.get('insecure-registry'), ['h1', 'h2']);
    assert.deepEqual(a.positional, ['x', '-not-a-flag']);
    assert.throws(() => parseArgs(['--nope'], specs), UsageError);
    assert.throws(() => parseArgs(['--format'], specs), /needs an argument/);
    assert.deepEqual(parseArgs(['pull', '-q', 'x'], specs, { stopAtPositional: true }).positional, [
      'pull',
      '-q',
      'x',
    ]);
  });

  it('prints sizes and ages like go-units', () => {
    assert.equal(humanSize(0), '0B');
    assert.equal(humanSize(999), '999B');
    assert.equal(humanSize(1982354), '1.98MB');
    assert.equal(humanSize(4_260_000), '4.26MB');
    assert.equal(humanSize(72_800_000), '72.8MB');
    assert.equal(humanSize(1_000_000_000), '1GB');
    assert.equal(humanDuration(30_000), '30 seconds');
    assert.equal(humanDuration(3 * 3_600_000), '3 hours');
    assert.equal(humanDuration(3 * 365 * 24 * 3_600_000), '3 years');
  });

  it('renders tables, json lines and templates', () => {
    const rows = [{ a: 'x', b: 'long value' }];
    const cols = [
      { header: 'A', field: 'A', value: (r: (typeof rows)[0]) => r.a },
      { header: 'B', field: 'B', value: (r: (typeof rows)[0]) => r.b },
    ];
    assert.equal(renderTable(rows, cols), 'A         B\nx         long value\n');
    const fields = (r: (typeof rows)[0]) => ({ A: r.a, B: r.b });
    assert.equal(renderRows(rows, cols, 'json', fields), '{"A":"x","B":"long value"}\n');
    assert.equal(renderRows(rows, cols, '{{.A}}:{{.B}}', fields), 'x:long value\n');
    assert.equal(
      renderRows(rows, cols, 'table {{.A}}\\t{{.B}}', fields),
      'A         B\nx         long value\n',
    );
  });

  it('prints progress as plain lines without a terminal, one per state change', () => {
    let out = '';
    const r = new ProgressRenderer({ write: (t) => (out += t) }, false);
    r.message({ status: 'Pulling from library/busybox', id: 'latest' });
    r.message({ status: 'Downloading', id: 'abc', progressDetail: { current: 1, total: 10 } });
    r.message({ status: 'Downloading', id: 'abc', progressDetail: { current: 5, total: 10 } });
    r.message({ status: 'Pull complete', id: 'abc' });
    r.message({ status: 'Digest: sha256:x' });
    assert.equal(
      out,
      'latest: Pulling from library/busybox\nabc: Downloading\nabc: Pull complete\nDigest: sha256:x\n',
    );
  });

  it('draws bars in place on a terminal', () => {
    let out = '';
    const r = new ProgressRenderer({ write: (t) => (out += t) }, true, 100);
    r.message({ status: 'Downloading', id: 'abc', progressDetail: { current: 500_000, total: 1_000_000 } });
    r.message({ status: 'Downloading', id: 'abc', progressDetail: { current: 1_000_000, total: 1_000_000 } });
    assert.match(out, /abc: Downloading \[=+>\s+\]\s+500kB\/1MB/);
    assert.ok(out.includes('\x1b[1A'), 'moves the cursor up to redraw');
  });
});
