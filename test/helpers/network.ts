// What the kernel and berthd's exec root hold of containers' networking, for the network engine
// tests: veths on a bridge (ip link), netfilter rules (nft and iptables-save), namespace files and
// address leases, and one check that nothing of a container's endpoint is left behind.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestDaemon } from './berthd';

/** Interfaces enslaved to `bridge` (a container's host-side veth ends). */
export function linksOnBridge(bridge: string): string[] {
  if (!existsSync(`/sys/class/net/${bridge}`)) return [];
  return execFileSync('ip', ['-o', 'link', 'show', 'master', bridge], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(':')[1].trim().split('@')[0]);
}

/** The whole netfilter state as text: nft's view plus iptables-save's. */
export function netfilterRules(): string {
  const nft = execFileSync('nft', ['list', 'ruleset'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ipt = execFileSync('iptables-save', { encoding: 'utf8' });
  return `${nft}\n${ipt}`;
}

/** The network namespace files berthd holds (one a container with a network). */
export function netnsFiles(d: TestDaemon): string[] {
  return readdirSync(join(d.dir, 'run', 'netns'));
}

/** The addresses berthd's IPAM has leased (files named after them). */
export function ipamLeases(d: TestDaemon): string[] {
  const dir = join(d.dir, 'run', 'cni', 'ipam');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\d+\.\d+\.\d+\.\d+$/.test(f));
}

/**
 * Asserts no netfilter rule names these addresses, and no rule of the CNI portmap plugin names
 * these host ports. The addresses are in the test's own subnet, so the whole ruleset is searched.
 * A host port is only a number that another engine on the machine (podman, dockerd) may publish
 * too, so only portmap's chains (`CNI-HOSTPORT-DNAT`, `CNI-DN-…`, as iptables-save lists them)
 * are searched for it.
 */
export function assertNoRules(addresses: string[], ports: number[]): void {
  const rules = netfilterRules();
  for (const a of addresses)
    assert.ok(!rules.includes(`${a}/32`) && !rules.includes(`${a}:`), `a rule still names ${a}`);
  const portmapRules = rules.split('\n').filter((line) => line.startsWith('-A CNI-'));
  for (const p of ports) {
    const left = portmapRules.filter((line) => new RegExp(`dports? ${p}\\b`).test(line));
    assert.deepEqual(left, [], `a portmap rule still names port ${p}`);
  }
}

/**
 * Asserts berthd left no container endpoint behind: no veth on its default bridge, no namespace
 * file, no address lease, no netfilter rule naming `addresses` or `ports`.
 */
export function assertNoNetworkLeftovers(
  d: TestDaemon,
  gone: { addresses?: string[]; ports?: number[] } = {},
): void {
  assert.deepEqual(linksOnBridge(d.net.bridge), [], 'veths left on the bridge');
  assert.deepEqual(netnsFiles(d), [], 'network namespace files left');
  assert.deepEqual(ipamLeases(d), [], 'address leases left');
  assertNoRules(gone.addresses ?? [], gone.ports ?? []);
}
