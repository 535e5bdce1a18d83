import * as assert from 'node:assert/strict';
import { Isolation, isolationRules } from '../../../engine/src/network/isolation';
import { isolationTable } from '../../../engine/src/network';

describe('isolation between networks (nftables)', () => {
  it('drops forwarding between different bridges, and out of internal ones', () => {
    const text = isolationRules('berth', [
      { name: 'berth0', internal: false },
      { name: 'br-a', internal: false },
      { name: 'br-i', internal: true },
    ]);
    assert.match(text, /^table inet berth \{\}\ndelete table inet berth\n/);
    assert.match(text, /type filter hook forward priority filter - 1; policy accept;/);
    assert.match(text, /iifname "berth0" oifname \{ "br-a", "br-i" \} drop/);
    assert.match(text, /iifname "br-a" oifname \{ "berth0", "br-i" \} drop/);
    assert.match(text, /iifname "br-i" oifname != "br-i" drop/);
    assert.match(text, /oifname "br-i" iifname != "br-i" drop/);
  });

  it('removes the table when there is nothing to isolate', () => {
    assert.equal(
      isolationRules('berth', [{ name: 'berth0', internal: false }]),
      'table inet berth {}\ndelete table inet berth\n',
    );
  });

  it('applies scripts in order and names the table after the exec root', async () => {
    const seen: string[] = [];
    const iso = new Isolation('t', async (s) => {
      await new Promise((r) => setTimeout(r, seen.length ? 0 : 5));
      seen.push(s);
    });
    await Promise.all([iso.apply([]), iso.apply([{ name: 'a', internal: true }])]);
    assert.equal(seen.length, 2);
    assert.doesNotMatch(seen[0], /chain/);
    assert.match(seen[1], /chain forward/);
    assert.equal(isolationTable('/run/berth'), 'berth');
    assert.match(isolationTable('/tmp/x/run'), /^berth_[0-9a-f]{8}$/);
  });
});
