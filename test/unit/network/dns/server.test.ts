import * as assert from 'node:assert/strict';
import { silentLogger } from '../../../../engine/src/daemon/logger';
import { parseQuery, RCODE, TYPE } from '../../../../engine/src/network/dns/message';
import { DnsRecords } from '../../../../engine/src/network/dns/records';
import { DnsServer } from '../../../../engine/src/network/dns/server';
import type { NetnsCalls } from '../../../../engine/src/runtime/linux/netns';

function query(name: string, type: number): Buffer {
  const labels = name.split('.').flatMap((l) => [Buffer.from([l.length]), Buffer.from(l)]);
  return Buffer.concat([
    Buffer.from([0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    ...labels,
    Buffer.from([0, 0, type, 0, 1]),
  ]);
}

const noNetns: NetnsCalls = {
  create: () => assert.fail('no namespaces here'),
  remove: () => assert.fail('no namespaces here'),
  bindSocket: () => assert.fail('no sockets here'),
};

describe('embedded DNS: records and answers', () => {
  const records = new DnsRecords();
  records.add('ep1', {
    networkId: 'n1',
    networkName: 'front',
    names: ['web', 'www', 'abc123'],
    address: '10.0.0.2',
  });
  records.add('ep2', { networkId: 'n1', networkName: 'front', names: ['api', 'www'], address: '10.0.0.3' });
  records.add('ep3', { networkId: 'n2', networkName: 'back', names: ['db'], address: '10.1.0.2' });
  const server = new DnsServer(records, noNetns, silentLogger);
  const front = { networks: new Set(['n1']), upstream: [] };

  it('looks names up on the networks a container is on, by name, alias and name.network', () => {
    assert.deepEqual(records.lookup('web', new Set(['n1'])), ['10.0.0.2']);
    assert.deepEqual(records.lookup('www', new Set(['n1'])), ['10.0.0.2', '10.0.0.3']);
    assert.deepEqual(records.lookup('web.front', new Set(['n1'])), ['10.0.0.2']);
    assert.deepEqual(records.lookup('db', new Set(['n1'])), []);
    assert.deepEqual(records.lookup('db', new Set(['n1', 'n2'])), ['10.1.0.2']);
    assert.equal(records.reverse('10.0.0.3', new Set(['n1'])), 'api.front');
    assert.equal(records.reverse('10.1.0.2', new Set(['n1'])), undefined);
  });

  it('answers A queries for known names, empty AAAA, PTR for known addresses', async () => {
    const a = (await server.answer(query('WWW', TYPE.A), front, 'udp'))!;
    assert.equal(a.readUInt16BE(6), 2);
    const aaaa = (await server.answer(query('web', TYPE.AAAA), front, 'udp'))!;
    assert.equal(aaaa.readUInt16BE(2) & 0xf, RCODE.NOERROR);
    assert.equal(aaaa.readUInt16BE(6), 0);
    const ptr = (await server.answer(query('3.0.0.10.in-addr.arpa', TYPE.PTR), front, 'tcp'))!;
    assert.equal(ptr.readUInt16BE(6), 1);
  });

  it('fails names it does not own when there is no upstream resolver, and ignores non-queries', async () => {
    const r = (await server.answer(query('db', TYPE.A), front, 'udp'))!;
    assert.equal(parseQuery(query('db', TYPE.A))!.id, r.readUInt16BE(0));
    assert.equal(r.readUInt16BE(2) & 0xf, RCODE.SERVFAIL);
    assert.equal(await server.answer(Buffer.from('garbage'), front, 'udp'), undefined);
  });

  it('forgets an endpoint', () => {
    records.remove('ep2');
    assert.deepEqual(records.lookup('api', new Set(['n1'])), []);
  });
});
