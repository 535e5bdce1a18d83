// Subnet allocation for user networks from the configured address pools (Docker's
// default-address-pools): the first free subnet of the pool's size that overlaps no other network.
import type { AddressPool } from '../daemon/config';
import { invalid, unavailable } from '../daemon/errors';

export function parseIPv4(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw invalid(`invalid IPv4 address ${JSON.stringify(ip)}`);
  }
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Subnet {
  base: number;
  prefix: number;
}

export function parseCidr(cidr: string): Subnet {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!m || Number(m[2]) > 32)
    throw invalid(`invalid subnet ${JSON.stringify(cidr)}: use CIDR notation like 10.1.0.0/24`);
  const prefix = Number(m[2]);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const base = (parseIPv4(m[1]) & mask) >>> 0;
  return { base, prefix };
}

export function formatCidr(s: Subnet): string {
  return `${formatIPv4(s.base)}/${s.prefix}`;
}

function size(s: Subnet): number {
  return 2 ** (32 - s.prefix);
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

export function contains(s: Subnet, ip: number): boolean {
  return ip >= s.base && ip < s.base + size(s);
}

/** The first subnet from the pools that overlaps none of `used`. */
export function allocateSubnet(pools: AddressPool[], used: Subnet[]): Subnet {
  for (const pool of pools) {
    const p = parseCidr(pool.base);
    const step = 2 ** (32 - pool.size);
    for (let base = p.base; base + step <= p.base + size(p); base += step) {
      const candidate = { base, prefix: pool.size };
      if (!used.some((u) => overlaps(u, candidate))) return candidate;
    }
  }
  throw unavailable(
    'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network: remove unused networks or add default-address-pools to the config',
  );
}

/** The gateway Docker picks: the first address of the subnet. */
export function defaultGateway(s: Subnet): string {
  return formatIPv4(s.base + 1);
}
