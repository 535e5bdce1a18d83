import * as assert from 'node:assert/strict';
import {
  buildResponse,
  parseQuery,
  RCODE,
  reverseAddress,
  TYPE,
  withId,
} from '../../../../engine/src/network/dns/message';

/** A query as a resolver sends it: header, one question, optionally an EDNS OPT record. */
function query(name: string, type: number, id = 0x1234, edns = false): Buffer {
  const labels = name.split('.').flatMap((l) => [Buffer.from([l.length]), Buffer.from(l)]);
  const header = Buffer.from([id >> 8, id & 255, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, edns ? 1 : 0]);
  const question = Buffer.concat([...labels, Buffer.from([0, type >> 8, type & 255, 0, 1])]);
  const opt = edns ? Buffer.from([0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0]) : Buffer.alloc(0);
  return Buffer.concat([header, question, opt]);
}

describe('embedded DNS: wire format', () => {
  it('parses the first question of a query, in lower case', () => {
    const q = parseQuery(query('Web.Example', TYPE.A, 0xbeef, true))!;
    assert.equal(q.id, 0xbeef);
    assert.equal(q.name, 'web.example');
    assert.equal(q.type, TYPE.A);
    assert.equal(q.qclass, 1);
    assert.equal(q.questionEnd, 12 + 1 + 3 + 1 + 7 + 1 + 4);
  });

  it('refuses responses, truncated and compressed questions', () => {
    const response = query('a', TYPE.A);
    response[2] |= 0x80;
    assert.equal(parseQuery(response), undefined);
    assert.equal(parseQuery(query('web', TYPE.A).subarray(0, 15)), undefined);
    const pointer = Buffer.concat([
      query('a', TYPE.A).subarray(0, 12),
      Buffer.from([0xc0, 0x0c, 0, 1, 0, 1]),
    ]);
    assert.equal(parseQuery(pointer), undefined);
    assert.equal(parseQuery(Buffer.alloc(5)), undefined);
  });

  it('builds an answer with A records pointing at the question name', () => {
    const msg = query('web', TYPE.A, 7, true);
    const q = parseQuery(msg)!;
    const r = buildResponse(
      msg,
      q,
      [
        { type: TYPE.A, address: '10.1.2.3' },
        { type: TYPE.A, address: '10.1.2.4' },
      ],
      RCODE.NOERROR,
    );
    assert.equal(r.readUInt16BE(0), 7);
    const flags = r.readUInt16BE(2);
    assert.ok(flags & 0x8000, 'QR');
    assert.ok(flags & 0x0100, 'RD copied');
    assert.ok(flags & 0x0080, 'RA');
    assert.equal(flags & 0xf, 0);
    assert.deepEqual(
      [r.readUInt16BE(4), r.readUInt16BE(6), r.readUInt16BE(8), r.readUInt16BE(10)],
      [1, 2, 0, 0],
    );
    const first = q.questionEnd;
    assert.equal(r.readUInt16BE(first), 0xc00c);
    assert.equal(r.readUInt16BE(first + 2), TYPE.A);
    assert.equal(r.readUInt32BE(first + 6), 600);
    assert.equal(r.readUInt16BE(first + 10), 4);
    assert.deepEqual([...r.subarray(first + 12, first + 16)], [10, 1, 2, 3]);
    assert.equal(r.length, first + 2 * 16);
  });

  it('builds PTR answers and empty answers with a response code', () => {
    const msg = query('3.2.1.10.in-addr.arpa', TYPE.PTR);
    const q = parseQuery(msg)!;
    const r = buildResponse(msg, q, [{ type: TYPE.PTR, name: 'web.front' }], RCODE.NOERROR);
    const rdata = r.subarray(q.questionEnd + 12);
    assert.deepEqual(rdata, Buffer.from([3, ...Buffer.from('web'), 5, ...Buffer.from('front'), 0]));
    const nx = buildResponse(msg, q, [], RCODE.SERVFAIL);
    assert.equal(nx.readUInt16BE(2) & 0xf, RCODE.SERVFAIL);
    assert.equal(nx.readUInt16BE(6), 0);
  });

  it('reads reverse names and swaps ids', () => {
    assert.equal(reverseAddress('4.3.2.10.in-addr.arpa'), '10.2.3.4');
    assert.equal(reverseAddress('web'), undefined);
    const copy = withId(query('a', TYPE.A, 1), 0xabcd);
    assert.equal(copy.readUInt16BE(0), 0xabcd);
  });
});
