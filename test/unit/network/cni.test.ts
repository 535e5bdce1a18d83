import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cni, CniError, type CniNetworkList, pluginConfig } from '../../../engine/src/network/cni';

describe('CNI plugin execution', () => {
  let dir: string;
  let log: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-cni-unit-'));
    log = join(dir, 'calls.log');
    // A plugin that records what it was given and answers its name as an interface.
    const plugin = (name: string, body: string): void => {
      writeFileSync(
        join(dir, name),
        `#!/bin/sh\nconfig=$(cat)\necho "${name} $CNI_COMMAND $CNI_CONTAINERID $CNI_IFNAME $CNI_NETNS $config" >> ${log}\n${body}\n`,
      );
      chmodSync(join(dir, name), 0o755);
    };
    plugin(
      'first',
      `echo '{"cniVersion":"1.0.0","interfaces":[{"name":"first"}],"ips":[{"address":"10.0.0.2/24","gateway":"10.0.0.1","interface":0}]}'`,
    );
    plugin(
      'second',
      `[ "$CNI_COMMAND" = DEL ] && exit 0; echo "$config" | sed 's/.*"prevResult"://; s/}$//'`,
    );
    plugin(
      'broken',
      `echo '{"code":11,"msg":"failed to allocate","details":"no IP addresses available"}'; exit 1`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => writeFileSync(log, ''));

  const list = (...types: string[]): CniNetworkList => ({
    cniVersion: '1.0.0',
    name: 'net1',
    plugins: types.map((type) => ({ type, capabilities: { portMappings: true } })),
  });
  const attachment = {
    containerId: 'c1',
    netns: '/run/x',
    ifname: 'eth0',
    capabilityArgs: { portMappings: [{ hostPort: 1 }], ips: ['x'] },
  };

  it('runs ADD in order, passing each plugin the previous result, and DEL in reverse', async () => {
    const cni = new Cni({ paths: ['/nonexistent', dir] });
    const result = await cni.add(list('first', 'second'), attachment);
    assert.equal(result.interfaces![0].name, 'first');
    await cni.del(list('first', 'second'), attachment, result);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    assert.deepEqual(
      calls.map((c) => c.split(' ').slice(0, 5).join(' ')),
      [
        'first ADD c1 eth0 /run/x',
        'second ADD c1 eth0 /run/x',
        'second DEL c1 eth0 /run/x',
        'first DEL c1 eth0 /run/x',
      ],
    );
    const second = JSON.parse(calls[1].split(' ').slice(5).join(' '));
    assert.equal(second.name, 'net1');
    assert.deepEqual(second.runtimeConfig, { portMappings: [{ hostPort: 1 }] }, 'only declared capabilities');
    assert.equal(second.prevResult.ips[0].address, '10.0.0.2/24');
  });

  it('reports plugin errors with the message and details, and keeps deleting after a failed DEL', async () => {
    const cni = new Cni({ paths: [dir] });
    await assert.rejects(cni.add(list('first', 'broken'), attachment), (e: Error) => {
      assert.ok(e instanceof CniError);
      assert.equal(e.code, 11);
      assert.match(e.message, /CNI plugin broken ADD failed: failed to allocate: no IP addresses available/);
      return true;
    });
    writeFileSync(log, '');
    await assert.rejects(cni.del(list('first', 'broken'), attachment), /broken DEL failed/);
    assert.match(readFileSync(log, 'utf8'), /^first DEL/m);
    await assert.rejects(
      cni.add(list('missing'), attachment),
      /CNI plugin "missing" not found in .*: install containernetworking-plugins/,
    );
  });

  it('builds one plugin configuration as libcni does', () => {
    const config = pluginConfig(list('first'), { type: 'first', capabilities: { ips: true } }, attachment);
    assert.deepEqual(config, {
      type: 'first',
      capabilities: { ips: true },
      cniVersion: '1.0.0',
      name: 'net1',
      runtimeConfig: { ips: ['x'] },
    });
  });
});
