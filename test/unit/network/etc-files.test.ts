import * as assert from 'node:assert/strict';
import { nameservers, resolvConf, upstreamServers } from '../../../engine/src/network/etc-files';

describe('generated resolv.conf', () => {
  const host = 'nameserver 127.0.0.53\nnameserver 10.9.9.9\nsearch corp.example\noptions edns0\n';
  const base = { host, dns: [], dnsSearch: [], dnsOptions: [], hostNetwork: false };

  it("keeps the host's reachable resolvers on the default bridge", () => {
    assert.equal(resolvConf(base), 'nameserver 10.9.9.9\nsearch corp.example\noptions edns0\n');
    assert.deepEqual(upstreamServers({ ...base, host: 'nameserver 127.0.0.53\n' }), ['8.8.8.8', '8.8.4.4']);
  });

  it('names only the embedded DNS server on user-defined networks, with ndots:0', () => {
    assert.equal(
      resolvConf({ ...base, embeddedDns: '127.0.0.11' }),
      'nameserver 127.0.0.11\nsearch corp.example\noptions ndots:0 edns0\n\n# ExtServers: [127.0.0.53 10.9.9.9]\n',
    );
    assert.match(
      resolvConf({ ...base, dns: ['1.1.1.1'], embeddedDns: '127.0.0.11' }),
      /ExtServers: \[1\.1\.1\.1\]/,
    );
    assert.deepEqual(nameservers(host), ['127.0.0.53', '10.9.9.9']);
  });
});
