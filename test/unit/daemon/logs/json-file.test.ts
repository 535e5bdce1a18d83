import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEntry } from '../../../../engine/src/api/backend';
import { JsonFileWriter, parseLogTime } from '../../../../engine/src/daemon/logs/json-file';
import { readJsonLogs, type LogReadOptions } from '../../../../engine/src/daemon/logs/reader';

const all: LogReadOptions = { stdout: true, stderr: true, since: 0, until: 0, follow: false };

async function collect(it: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(`${e.stream}:${e.data.toString()}`);
  return out;
}

const never = new Promise<void>(() => {});

describe('json-file logs', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-logs-'));
    path = join(dir, 'c-json.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one Docker json-file line per output line, keeping partial lines until complete', () => {
    const w = new JsonFileWriter(path, { maxSize: 0, maxFile: 1 });
    w.write('stdout', Buffer.from('hel'));
    w.write('stdout', Buffer.from('lo\nwor'));
    w.write('stderr', Buffer.from('oops\n'));
    w.flush();
    w.close();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => [l.stream, l.log]),
      [
        ['stdout', 'hello\n'],
        ['stderr', 'oops\n'],
        ['stdout', 'wor'],
      ],
    );
    assert.match(lines[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it('rotates by size and keeps max-file files, and reads them back in order', async () => {
    const w = new JsonFileWriter(path, { maxSize: 200, maxFile: 3 });
    for (let i = 0; i < 20; i++) w.write('stdout', Buffer.from(`line ${i}\n`));
    w.close();
    assert.ok(existsSync(`${path}.1`) && existsSync(`${path}.2`));
    assert.ok(!existsSync(`${path}.3`));
    const got = await collect(readJsonLogs(path, 3, all, never, new AbortController().signal));
    const numbers = got.map((l) => Number(/line (\d+)/.exec(l)![1]));
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
    );
    assert.equal(numbers[numbers.length - 1], 19);
    assert.ok(numbers[0] > 0, 'the oldest lines were rotated away');
  });

  it('applies tail, stream selection and since/until', async () => {
    const lines = [
      { log: 'a\n', stream: 'stdout', time: '2024-01-01T00:00:01.000000000Z' },
      { log: 'b\n', stream: 'stderr', time: '2024-01-01T00:00:02.000000000Z' },
      { log: 'c\n', stream: 'stdout', time: '2024-01-01T00:00:03.500000000Z' },
      { log: 'd\n', stream: 'stdout', time: '2024-01-01T00:00:04.000000000Z' },
    ];
    writeFileSync(path, lines.map((l) => JSON.stringify(l) + '\n').join('') + '{"log":"torn');
    const signal = new AbortController().signal;
    assert.deepEqual(await collect(readJsonLogs(path, 1, { ...all, tail: 2 }, never, signal)), [
      'stdout:c\n',
      'stdout:d\n',
    ]);
    assert.deepEqual(await collect(readJsonLogs(path, 1, { ...all, tail: 0 }, never, signal)), []);
    assert.deepEqual(await collect(readJsonLogs(path, 1, { ...all, stdout: false }, never, signal)), [
      'stderr:b\n',
    ]);
    const t = parseLogTime('2024-01-01T00:00:03.500000000Z');
    assert.deepEqual(await collect(readJsonLogs(path, 1, { ...all, since: t }, never, signal)), [
      'stdout:c\n',
      'stdout:d\n',
    ]);
    assert.deepEqual(
      await collect(
        readJsonLogs(path, 1, { ...all, until: parseLogTime('2024-01-01T00:00:02Z') }, never, signal),
      ),
      ['stdout:a\n', 'stderr:b\n'],
    );
  });

  it('follows new lines, across a rotation, until the container stops', async () => {
    const w = new JsonFileWriter(path, { maxSize: 120, maxFile: 2 });
    w.write('stdout', Buffer.from('first\n'));
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const it = readJsonLogs(path, 2, { ...all, follow: true }, stopped, new AbortController().signal)[
      Symbol.asyncIterator
    ]();
    assert.equal((await it.next()).value.data.toString(), 'first\n');
    const next = it.next();
    w.write('stdout', Buffer.from('second\n'));
    assert.equal((await next).value.data.toString(), 'second\n');
    // Each write forces a rotation (two lines exceed max-size); the follower moves to the new file.
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const pending = it.next();
      w.write('stdout', Buffer.from(`more ${i}\n`));
      seen.push((await pending).value.data.toString());
    }
    assert.deepEqual(seen, ['more 0\n', 'more 1\n', 'more 2\n', 'more 3\n', 'more 4\n']);
    assert.ok(existsSync(`${path}.1`));
    w.close();
    stop();
    assert.equal((await it.next()).done, true);
  });

  it('throws when a write fails, keeping the file parseable and the bytes not written', () => {
    const w = new JsonFileWriter(path, { maxSize: 0, maxFile: 1 });
    w.write('stdout', Buffer.from('kept\n'));
    // Simulate the failure: close the fd underneath so the next write fails.
    (w as unknown as { fd: number }).fd = 987654;
    assert.throws(() => w.write('stdout', Buffer.from('not yet\nand more')), /EBADF/);
    assert.equal(w.unwritten('stdout'), 'not yet\nand more'.length, 'its owner can feed them again');
    appendFileSync(path, '');
    assert.deepEqual(
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).log),
      ['kept\n'],
    );
  });
});
