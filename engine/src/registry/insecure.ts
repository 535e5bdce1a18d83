// Which registries may be reached over plain http, decided as Docker decides it: local ones
// (localhost, 127.0.0.0/8, [::1]) always; then those named in insecure-registries by host or
// host:port; then those whose address lies in an insecure-registries CIDR range (`10.0.0.0/8`,
// `fd00::/8`): the host itself when it is an IP address, else any address its name resolves to.
import type * as Dns from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { isLocalRegistry } from '../oci/reference';

/** Addresses a host name resolves to; overridable for tests. */
export type Resolver = (host: string) => Promise<string[]>;

// node:dns loads for a registry named by host in an insecure CIDR range only (~0.7 ms of a start).
const resolveAll: Resolver = async (host) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { lookup } = require('node:dns/promises') as typeof Dns;
  return (await lookup(host, { all: true })).map((a) => a.address);
};

/** The host of a registry domain, without port or IPv6 brackets. */
function hostOf(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'));
  return domain.split(':')[0];
}

/** The CIDR entries of insecure-registries as one range set; a malformed one is an error. */
export function insecureRanges(entries: readonly string[]): BlockList | undefined {
  const cidrs = entries.filter((e) => e.includes('/'));
  if (cidrs.length === 0) return undefined;
  const ranges = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits, extra] = cidr.split('/');
    const family = isIP(address);
    const prefix = Number(bits);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || !/^\d+$/.test(bits) || prefix > max) {
      throw new Error(
        `insecure registry "${cidr}" is neither a host[:port] nor a CIDR range such as 10.0.0.0/8 or fd00::/8; correct it in the insecure-registries setting`,
      );
    }
    ranges.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return ranges;
}

export async function isInsecureRegistry(
  domain: string,
  insecure: readonly string[] = [],
  resolve: Resolver = resolveAll,
): Promise<boolean> {
  const host = hostOf(domain);
  if (isLocalRegistry(domain) || insecure.includes(domain) || insecure.includes(host)) return true;
  const ranges = insecureRanges(insecure);
  if (!ranges) return false;
  const inRange = (address: string) => ranges.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  if (isIP(host)) return inRange(host);
  try {
    return (await resolve(host)).some(inRange);
  } catch {
    return false; // unresolvable: https only, and the connection error says what failed
  }
}
