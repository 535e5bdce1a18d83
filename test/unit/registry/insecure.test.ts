import * as assert from 'node:assert/strict';
import { isInsecureRegistry } from '../../../engine/src/registry/insecure';

describe('insecure registries', () => {
  const resolver = (table: Record<string, string[]>) => async (host: string) => {
    if (!table[host]) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return table[host];
  };
  const never = resolver({});

  it('treats local registries as insecure without configuration, and nothing else', async () => {
    assert.equal(await isInsecureRegistry('localhost:5000', [], never), true);
    assert.equal(await isInsecureRegistry('127.0.0.2:5000', [], never), true);
    assert.equal(await isInsecureRegistry('[::1]:5000', [], never), true);
    assert.equal(await isInsecureRegistry('10.1.2.3:5000', [], never), false);
    assert.equal(await isInsecureRegistry('registry.example.com', [], never), false);
  });

  it('matches configured hosts with or without their port', async () => {
    assert.equal(await isInsecureRegistry('reg.lan:5000', ['reg.lan:5000'], never), true);
    assert.equal(await isInsecureRegistry('reg.lan:5000', ['reg.lan'], never), true);
    assert.equal(await isInsecureRegistry('reg.lan:5001', ['reg.lan:5000'], never), false);
  });

  it('matches IP addresses against CIDR ranges, IPv4 and IPv6', async () => {
    const ranges = ['10.0.0.0/8', 'fd00:1::/32'];
    assert.equal(await isInsecureRegistry('10.20.30.40:5000', ranges, never), true);
    assert.equal(await isInsecureRegistry('11.0.0.1:5000', ranges, never), false);
    assert.equal(await isInsecureRegistry('[fd00:1:2::5]:5000', ranges, never), true);
    assert.equal(await isInsecureRegistry('[fd00:2::5]:5000', ranges, never), false);
    assert.equal(await isInsecureRegistry('192.168.1.7', ['192.168.1.7/32'], never), true);
  });

  it('matches a host name when an address it resolves to lies in a range; unresolvable means secure', async () => {
    const dns = resolver({ 'reg.lan': ['192.168.5.9'], 'public.example': ['93.184.216.34'] });
    assert.equal(await isInsecureRegistry('reg.lan:5000', ['192.168.0.0/16'], dns), true);
    assert.equal(await isInsecureRegistry('public.example', ['192.168.0.0/16'], dns), false);
    assert.equal(await isInsecureRegistry('nowhere.lan', ['192.168.0.0/16'], dns), false);
  });

  it('says which entry is malformed', async () => {
    for (const bad of ['10.0.0.0/33', 'reg.lan/8', '10.0.0.0/8/1', 'fd00::/129', '10.0.0.0/x']) {
      await assert.rejects(isInsecureRegistry('10.1.1.1', [bad], never), (err: Error) =>
        err.message.includes(`"${bad}" is neither a host[:port] nor a CIDR range`),
      );
    }
  });
});
