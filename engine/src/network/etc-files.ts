// The files every container gets at /etc/hosts, /etc/resolv.conf and /etc/hostname, generated per
// container as Docker does (bind-mounted by the spec generator).
import { invalid } from '../daemon/errors';

const localhostHosts = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** `--add-host name:ip` (or `name=ip`); `host-gateway` needs the bridge's gateway. */
export function parseExtraHost(entry: string, hostGateway?: string): [string, string] {
  const sep = entry.indexOf('=') >= 0 ? entry.indexOf('=') : entry.indexOf(':');
  if (sep <= 0) throw invalid(`invalid extra host ${JSON.stringify(entry)}: use name:ip`);
  const name = entry.slice(0, sep);
  let ip = entry.slice(sep + 1);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (ip === 'host-gateway') {
    if (!hostGateway) throw invalid(`--add-host ${entry}: host-gateway needs a bridge network's gateway`);
    ip = hostGateway;
  }
  if (!/^[\d.]+$/.test(ip) && !/^[0-9a-fA-F:]+$/.test(ip))
    throw invalid(`invalid IP address in add-host: ${JSON.stringify(ip)}`);
  return [name, ip];
}

export interface HostsInput {
  hostname: string;
  domainname?: string;
  /** The container's own addresses on its networks. */
  addresses: string[];
  extraHosts: [string, string][];
  /** With --network host: the host's /etc/hosts content, kept as is. */
  hostFile?: string;
}

export function hostsFile(input: HostsInput): string {
  const lines = input.hostFile !== undefined ? [input.hostFile.trimEnd()] : [...localhostHosts];
  const fqdn = input.domainname ? `${input.hostname}.${input.domainname} ${input.hostname}` : input.hostname;
  for (const [name, ip] of input.extraHosts) lines.push(`${ip}\t${name}`);
  for (const ip of input.addresses) lines.push(`${ip}\t${fqdn}`);
  return lines.join('\n') + '\n';
}

export interface ResolvConfInput {
  /** The host's /etc/resolv.conf. */
  host: string;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  /** Shares the host's network: localhost resolvers stay reachable. */
  hostNetwork: boolean;
  /**
   * The embedded DNS server's address (127.0.0.11) for a container on a user-defined network:
   * the only nameserver listed; it forwards other names to the resolvers this file would name.
   */
  embeddedDns?: string;
}

/** The resolvers a container's queries go to: --dns, else the host's (minus loopback ones). */
export function upstreamServers(input: Omit<ResolvConfInput, 'embeddedDns'>): string[] {
  if (input.dns.length) return input.dns;
  const servers = nameservers(input.host);
  if (input.hostNetwork) return servers;
  const reachable = servers.filter((s) => !s.startsWith('127.') && s !== '::1');
  return reachable.length ? reachable : ['8.8.8.8', '8.8.4.4'];
}

/** The nameserver lines of a resolv.conf. */
export function nameservers(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[0] === 'nameserver' && f[1])
    .map((f) => f[1]);
}

/**
 * Docker's rules: explicit --dns* win; otherwise the host's file minus loopback nameservers (they
 * are unreachable from the container's own network), falling back to Google DNS when none is left.
 */
export function resolvConf(input: ResolvConfInput): string {
  const lines = input.host.split('\n');
  const pick = (key: string): string[] =>
    lines
      .map((l) => l.trim())
      .filter((l) => l.startsWith(`${key} `) || l.startsWith(`${key}\t`))
      .flatMap((l) => l.split(/\s+/).slice(1));
  const servers = input.embeddedDns ? [input.embeddedDns] : upstreamServers(input);
  const search = input.dnsSearch.length ? input.dnsSearch : pick('search');
  const options = input.dnsOptions.length ? input.dnsOptions : pick('options');
  // Names of containers have no dots: ask for them as they are before trying the search domains.
  if (input.embeddedDns && !options.some((o) => o.startsWith('ndots:'))) options.unshift('ndots:0');
  const out = servers.map((s) => `nameserver ${s}`);
  if (search.length && !(search.length === 1 && search[0] === '.')) out.push(`search ${search.join(' ')}`);
  if (options.length) out.push(`options ${options.join(' ')}`);
  // The embedded server forwards from the host, where loopback resolvers are reachable too.
  if (input.embeddedDns)
    out.push('', `# ExtServers: [${upstreamServers({ ...input, hostNetwork: true }).join(' ')}]`);
  return out.join('\n') + '\n';
}
