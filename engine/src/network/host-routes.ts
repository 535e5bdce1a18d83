// The IPv4 subnets the host already routes (from /proc/net/route), so a new network's subnet does
// not shadow a LAN, a VPN or another engine's bridge. The default route is no conflict.
import { readFileSync } from 'node:fs';
import type { Subnet } from './ipam';

/** /proc/net/route prints addresses as the hex of a little-endian read of network-order bytes. */
function routeAddress(hex: string): number {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(parseInt(hex, 16) >>> 0);
  return b.readUInt32BE(0);
}

function popcount(n: number): number {
  let count = 0;
  for (let v = n >>> 0; v; v >>>= 1) count += v & 1;
  return count;
}

/** The routed subnets in /proc/net/route's text, leaving out the interfaces in `exclude`. */
export function parseRoutes(text: string, exclude: ReadonlySet<string> = new Set()): Subnet[] {
  const out: Subnet[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || exclude.has(f[0])) continue;
    const mask = routeAddress(f[7]);
    if (mask === 0) continue;
    out.push({ base: (routeAddress(f[1]) & mask) >>> 0, prefix: popcount(mask) });
  }
  return out;
}

export function hostRoutes(exclude: ReadonlySet<string> = new Set()): Subnet[] {
  try {
    return parseRoutes(readFileSync('/proc/net/route', 'utf8'), exclude);
  } catch {
    return [];
  }
}
