import * as assert from 'node:assert/strict';
import { chooseRootlessNetwork, parseRootlessNetwork } from '../../../engine/src/rootless/network-choice';
import { pastaArgs, slirpArgs } from '../../../engine/src/rootless/rootless-netns';

describe('rootless network tool (pasta or slirp4netns)', () => {
  const both = { pasta: true, slirp4netns: true };
  it('defaults to pasta, takes what was asked for, falls back to the other with a warning', () => {
    assert.deepEqual(chooseRootlessNetwork(undefined, both), { tool: 'pasta' });
    assert.deepEqual(chooseRootlessNetwork('slirp4netns', both), { tool: 'slirp4netns' });
    assert.deepEqual(chooseRootlessNetwork(undefined, { pasta: false, slirp4netns: true }), {
      tool: 'slirp4netns',
    });
    const fallback = chooseRootlessNetwork('pasta', { pasta: false, slirp4netns: true });
    assert.equal(fallback.tool, 'slirp4netns');
    assert.match(fallback.warning!, /pasta is not installed \(apt-get install passt\)/);
    const none = chooseRootlessNetwork(undefined, { pasta: false, slirp4netns: false });
    assert.equal(none.tool, undefined);
    assert.match(none.warning!, /install pasta or slirp4netns/);
    assert.throws(() => parseRootlessNetwork('vpnkit', '--rootless-network'), /use pasta or slirp4netns/);
  });

  it("keeps the namespace's link closed: nothing published through it, no way to the host's loopback", () => {
    const args = pastaArgs('/ns', '/ns.pid');
    const value = (flag: string): string[] => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
    // pasta's defaults would publish every port listened on and map the host's loopback in.
    assert.deepEqual(value('--tcp-ports'), ['none']);
    assert.deepEqual(value('--udp-ports'), ['none']);
    assert.deepEqual(value('--tcp-ns'), ['none']);
    assert.deepEqual(value('--udp-ns'), ['none']);
    assert.ok(args.includes('--no-map-gw'));
    assert.deepEqual(value('--netns'), ['/ns']);
    assert.ok(slirpArgs('/ns').includes('--disable-host-loopback'));
  });
});
