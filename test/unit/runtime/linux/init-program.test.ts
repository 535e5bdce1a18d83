import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InitProgram, Message, Op } from '../../../../engine/src/runtime/linux/init-program';
import { MS } from '../../../../engine/src/runtime/linux/constants';

const cSource = readFileSync(
  join(__dirname, '../../../../../engine/src/runtime/linux/init/berth-init.h'),
  'utf8',
);

function cEnum(prefix: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const m of cSource.matchAll(new RegExp(`\\b${prefix}_([A-Z0-9_]+) = (\\d+),`, 'g')))
    found.set(m[1], Number(m[2]));
  return found;
}

describe('InitProgram', () => {
  it('uses the op codes berth-init.h defines', () => {
    const c = cEnum('OP');
    const ts = new Map(Object.entries(Op).filter(([, v]) => typeof v === 'number') as [string, number][]);
    assert.deepEqual(ts, c);
  });

  it('uses the message codes berth-init.h defines', () => {
    const c = cEnum('MSG');
    const ts = new Map(
      Object.entries(Message).filter(([, v]) => typeof v === 'number') as [string, number][],
    );
    assert.deepEqual(ts, c);
  });

  it('records each call as readable text with flag names', () => {
    const p = new InitProgram();
    p.mount('proc', '/proc', 'proc', MS.NOSUID | MS.NODEV | MS.NOEXEC, null, 1);
    p.capset(0x20000420n, 0x20000420n, 0n);
    assert.deepEqual(p.texts, [
      'mount("proc", "/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, null, IN_ROOT)',
      'capset(e=0x20000420, p=0x20000420, i=0x0)',
    ]);
  });

  it('encodes ops as tagged little-endian arguments', () => {
    const p = new InitProgram();
    p.sethostname('box');
    p.setrlimit(7, 1024n, 0xffffffffffffffffn);
    const b = p.encode();
    assert.equal(b.toString('latin1', 0, 4), 'BRTH');
    assert.equal(b.readUInt32LE(4), 2);
    // sethostname: code, argc 1, bytes "box"
    assert.equal(b.readUInt32LE(8), Op.SETHOSTNAME);
    assert.equal(b.readUInt32LE(12), 1);
    assert.equal(b.readUInt8(16), 1);
    assert.equal(b.readUInt32LE(17), 3);
    assert.equal(b.toString('utf8', 21, 24), 'box');
    // setrlimit: RLIM_INFINITY travels as -1 (all bits set)
    assert.equal(b.readUInt32LE(24), Op.SETRLIMIT);
    assert.equal(b.readBigInt64LE(24 + 8 + 9 + 9 + 1), -1n);
  });
});
