import * as assert from 'node:assert/strict';
import {
  parseCsvFields,
  parseGoDuration,
  parseGoInt,
  parseRamInBytes,
} from '../../../../engine/src/dockerfile/instructions/goValues';

describe('Go value syntaxes BuildKit relies on', () => {
  it('reads durations as time.ParseDuration does', () => {
    const ok: Array<[string, number]> = [
      ['0', 0],
      ['30s', 30e9],
      ['1m30s', 90e9],
      ['1.5h', 5400e9],
      ['.5s', 0.5e9],
      ['250ms', 250e6],
      ['10µs', 10e3],
      ['-1s', -1e9],
    ];
    for (const [s, ns] of ok) assert.deepEqual(parseGoDuration(s), { value: ns }, s);
    assert.deepEqual(parseGoDuration(''), { error: 'time: invalid duration ""' });
    assert.deepEqual(parseGoDuration('5'), { error: 'time: missing unit in duration "5"' });
    assert.deepEqual(parseGoDuration('5d'), { error: 'time: unknown unit "d" in duration "5d"' });
    assert.deepEqual(parseGoDuration('s'), { error: 'time: invalid duration "s"' });
  });

  it('reads integers with strconv limits and messages', () => {
    assert.deepEqual(parseGoInt('42', { base: 10, signed: true }), { value: 42 });
    assert.deepEqual(parseGoInt('0755', { base: 8, signed: false }), { value: 0o755 });
    assert.deepEqual(parseGoInt('9', { base: 8, signed: false }), {
      error: 'strconv.ParseUint: parsing "9": invalid syntax',
    });
    assert.deepEqual(parseGoInt('99999999999', { base: 10, signed: true }), {
      error: 'strconv.ParseInt: parsing "99999999999": value out of range',
    });
  });

  it('reads sizes as go-units RAMInBytes does', () => {
    assert.equal(parseRamInBytes('64m'), 64 * 1024 * 1024);
    assert.equal(parseRamInBytes('1.5g'), 1.5 * 1024 ** 3);
    assert.equal(parseRamInBytes('512kb'), 512 * 1024);
    assert.equal(parseRamInBytes('100'), 100);
    assert.equal(parseRamInBytes('lots'), undefined);
  });

  it('splits CSV fields with quotes', () => {
    assert.deepEqual(parseCsvFields('type=cache,target=/x'), { value: ['type=cache', 'target=/x'] });
    assert.deepEqual(parseCsvFields('"a,b",c'), { value: ['a,b', 'c'] });
    assert.deepEqual(parseCsvFields('"say ""hi""",x'), { value: ['say "hi"', 'x'] });
    assert.deepEqual(parseCsvFields('a"b'), { error: 'bare " in non-quoted-field' });
    assert.deepEqual(parseCsvFields('"ab'), { error: 'extraneous or missing " in quoted-field' });
  });
});
