import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotatedPath } from '../../../../engine/src/daemon/logs/json-file';
import { OutputSpool } from '../../../../engine/src/daemon/logs/spool';

describe('output spool', () => {
  let dir: string;
  let fifo: string;
  let readFd: number;
  let writeFd: number;
  const log = () => join(dir, 'c-json.log');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-spool-'));
    fifo = join(dir, 'stdout');
    execFileSync('mkfifo', [fifo]);
    readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    writeFd = openSync(fifo, constants.O_RDWR);
  });
  afterEach(() => {
    for (const fd of [readFd, writeFd]) {
      try {
        closeSync(fd);
      } catch {
        // closed by the test
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every entry of the log and its rotated files, oldest first. */
  function entries(maxFile = 1): string[] {
    const files = Array.from({ length: maxFile }, (_, n) => rotatedPath(log(), n)).reverse();
    return files.flatMap((f) => {
      let text = '';
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { log: string }).log);
    });
  }

  it('resumes after an abandoned spool (a killed berthd) without losing or repeating a line', () => {
    const delivered: string[] = [];
    const a = new OutputSpool(dir, { path: log(), rotation: { maxSize: 0, maxFile: 1 } }, (_s, d) =>
      delivered.push(d.toString()),
    );
    writeSync(writeFd, 'a1\na2\npar');
    assert.equal(a.take('stdout', readFd), true);
    a.process();
    assert.deepEqual(entries(), ['a1\n', 'a2\n']);
    assert.deepEqual(delivered, ['a1\na2\npar']);
    // Killed after writing an entry but before its checkpoint: the entry is in the log, the
    // checkpoint does not cover it.
    appendFileSync(log(), JSON.stringify({ log: 'par', stream: 'stdout', time: '' }) + '\n');
    writeSync(writeFd, 'tial\nb1\n');
    const b = new OutputSpool(dir, { path: log(), rotation: { maxSize: 0, maxFile: 1 } }, () => undefined);
    b.take('stdout', readFd);
    b.process();
    closeSync(writeFd);
    assert.equal(b.take('stdout', readFd), false, 'end of file once the writer is gone');
    b.finish();
    b.close();
    assert.deepEqual(entries(), ['a1\n', 'a2\n', 'partial\n', 'b1\n']);
  });

  it('keeps every line across rotations and spool generations', () => {
    const rotation = { maxSize: 64 * 1024, maxFile: 100 };
    let spool = new OutputSpool(dir, { path: log(), rotation }, () => undefined);
    let next = 0;
    for (let round = 0; round < 12; round++) {
      let text = '';
      for (let i = 0; i < 4000; i++) text += `line ${next++}\n`;
      text += `half ${round}-`; // an unterminated line at every abandonment
      writeSync(writeFd, text);
      spool.take('stdout', readFd);
      spool.process();
      writeSync(writeFd, 'end\n');
      // Abandoned without close, as a SIGKILL leaves it; the next one picks up.
      spool = new OutputSpool(dir, { path: log(), rotation }, () => undefined);
    }
    spool.take('stdout', readFd);
    spool.finish();
    spool.close();
    const expected: string[] = [];
    next = 0;
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 4000; i++) expected.push(`line ${next++}\n`);
      expected.push(`half ${round}-end\n`);
    }
    assert.deepEqual(entries(rotation.maxFile), expected);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.spool')).length,
      2,
      'one spool per stream: old generations are gone',
    );
  });
});
