// berthd's configuration: defaults by mode (root or rootless), overlaid by the config file
// (`/etc/berth/daemon.json`, or `$XDG_CONFIG_HOME/berth/daemon.json` rootless), overlaid by flags.
// Keys follow Docker's daemon.json where Docker has one, so users can carry theirs over.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { effectiveUserId } from '../rootless/mode';
import { invalid } from './errors';
import type { LogLevel } from './logger';

export interface AddressPool {
  /** A CIDR the daemon carves network subnets from, e.g. 172.17.0.0/16. */
  base: string;
  /** Prefix length of each subnet taken from the pool. */
  size: number;
}

export interface DaemonConfig {
  /** Persistent state: images, containers, volumes. */
  dataRoot: string;
  /** Runtime state: sockets, bundles, pid file; gone after a reboot. */
  execRoot: string;
  /** The API socket path. */
  socket: string;
  /** Group allowed to use the socket besides root (name or gid). */
  group?: string;
  pidFile: string;
  logLevel: LogLevel;
  logFormat: 'text' | 'json';
  defaultAddressPools: AddressPool[];
  insecureRegistries: string[];
  /** Default log options for containers (json-file): max-size, max-file. */
  logOpts: Record<string, string>;
  /** Default DNS servers for containers; empty = the host's resolv.conf. */
  dns: string[];
  /** Name of the default bridge network's Linux bridge. */
  bridge: string;
  /** The default bridge's address and subnet (172.30.0.1/16); unset = the first free pool subnet. */
  bip?: string;
  rootless: boolean;
  /** Rootless: pasta or slirp4netns (rootless/network-choice.ts); unset = pasta when installed. */
  rootlessNetwork?: 'pasta' | 'slirp4netns';
  /** Rootless: "fuse-overlayfs" forces fuse-overlayfs (runtime/linux/fuse-overlay.ts); "overlay2" forbids it. */
  storageDriver?: string;
}

/** The file's keys (Docker's names) and the config field each sets. */
const fileKeys: Record<string, keyof DaemonConfig> = {
  'data-root': 'dataRoot',
  'exec-root': 'execRoot',
  socket: 'socket',
  group: 'group',
  pidfile: 'pidFile',
  'log-level': 'logLevel',
  'log-format': 'logFormat',
  'default-address-pools': 'defaultAddressPools',
  'insecure-registries': 'insecureRegistries',
  'log-opts': 'logOpts',
  dns: 'dns',
  bridge: 'bridge',
  bip: 'bip',
  'rootless-network': 'rootlessNetwork',
  'storage-driver': 'storageDriver',
};

export function defaultConfig(
  env: NodeJS.ProcessEnv = process.env,
  uid = effectiveUserId(env),
): DaemonConfig {
  const rootless = uid !== 0;
  const dataRoot = rootless
    ? join(env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local/share'), 'berth')
    : '/var/lib/berth';
  const runtimeBase = rootless ? env.XDG_RUNTIME_DIR || `/tmp/berth-run-${uid}` : '/run';
  const execRoot = join(runtimeBase, 'berth');
  return {
    dataRoot,
    execRoot,
    socket: join(execRoot, 'berth.sock'),
    pidFile: join(execRoot, 'berthd.pid'),
    logLevel: 'info',
    logFormat: 'text',
    defaultAddressPools: [
      { base: '172.17.0.0/16', size: 16 },
      { base: '172.18.0.0/16', size: 16 },
      { base: '172.19.0.0/16', size: 16 },
      { base: '172.20.0.0/14', size: 16 },
      { base: '192.168.0.0/16', size: 20 },
    ],
    insecureRegistries: ['127.0.0.0/8'],
    logOpts: { 'max-size': '20m', 'max-file': '5' },
    dns: [],
    bridge: 'berth0',
    rootless,
  };
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env, uid = effectiveUserId(env)): string {
  if (uid === 0) return '/etc/berth/daemon.json';
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'berth', 'daemon.json');
}

/** Reads and checks the config file; a missing default file is fine, a missing explicit one is not. */
export function loadConfigFile(path: string, explicit: boolean): Partial<DaemonConfig> {
  if (!existsSync(path)) {
    if (explicit) throw invalid(`config file ${path} does not exist: create it or drop --config-file`);
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw invalid(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw, path);
}

export function parseConfig(raw: unknown, source: string): Partial<DaemonConfig> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(`config file ${source} must hold a JSON object`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = fileKeys[key];
    if (!field) {
      throw invalid(
        `config file ${source}: unknown key "${key}" (known: ${Object.keys(fileKeys).join(', ')})`,
      );
    }
    out[field] = checkValue(key, value, source);
  }
  return out as Partial<DaemonConfig>;
}

function checkValue(key: string, value: unknown, source: string): unknown {
  const bad = (expected: string): never => {
    throw invalid(`config file ${source}: "${key}" must be ${expected}`);
  };
  switch (key) {
    case 'log-level':
      return ['debug', 'info', 'warn', 'error'].includes(value as string)
        ? value
        : bad('debug, info, warn or error');
    case 'log-format':
      return ['text', 'json'].includes(value as string) ? value : bad('text or json');
    case 'insecure-registries':
    case 'dns':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? value
        : bad('a list of strings');
    case 'log-opts':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('an object');
      for (const [k, v] of Object.entries(value)) {
        if (!['max-size', 'max-file'].includes(k)) bad('an object with max-size and max-file');
        if (typeof v !== 'string') bad(`an object of strings ("${k}": "${String(v)}")`);
      }
      parseLogOpts(value as Record<string, string>);
      return value;
    case 'bridge':
      return typeof value === 'string' && /^[\w.-]{1,15}$/.test(value)
        ? value
        : bad('an interface name of at most 15 letters, digits, ".", "-" or "_"');
    case 'rootless-network':
      return value === 'pasta' || value === 'slirp4netns' ? value : bad('pasta or slirp4netns');
    case 'storage-driver':
      return ['overlay2', 'fuse-overlayfs'].includes(value as string)
        ? value
        : bad('overlay2 or fuse-overlayfs');
    case 'bip':
      return typeof value === 'string' && /^\d+\.\d+\.\d+\.\d+\/\d{1,2}$/.test(value)
        ? value
        : bad('an address with its prefix length, like 172.30.0.1/16');
    case 'default-address-pools':
      if (!Array.isArray(value)) return bad('a list of {"base": "CIDR", "size": N}');
      for (const pool of value as AddressPool[]) {
        const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(pool?.base ?? '');
        if (!m || !Number.isInteger(pool.size) || pool.size < Number(m[5]) || pool.size > 30) {
          bad('a list of {"base": "CIDR", "size": N} with the base prefix ≤ size ≤ 30');
        }
      }
      return value;
    default:
      return typeof value === 'string' && value !== '' ? value : bad('a non-empty string');
  }
}

/** Parses sizes as Docker does: 10, 10k, 10m, 1g (binary units), 10kb… */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m)
    throw invalid(`invalid size ${JSON.stringify(text)}: use a number with an optional k, m or g suffix`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as '' | 'k'];
  return Math.floor(Number(m[1]) * unit);
}

export interface LogRotation {
  /** Bytes per file before rotating; 0 = never rotate. */
  maxSize: number;
  /** Files kept, the live one included. */
  maxFile: number;
}

export function parseLogOpts(opts: Record<string, string>): LogRotation {
  for (const key of Object.keys(opts)) {
    if (!['max-size', 'max-file', 'compress', 'labels', 'env', 'tag'].includes(key)) {
      throw invalid(`unknown log opt '${key}' for json-file log driver`);
    }
  }
  const maxSize = opts['max-size'] && opts['max-size'] !== '-1' ? parseSize(opts['max-size']) : 0;
  const maxFile = opts['max-file'] ? Number(opts['max-file']) : 1;
  if (!Number.isInteger(maxFile) || maxFile < 1) {
    throw invalid(`invalid max-file ${JSON.stringify(opts['max-file'])}: it must be a positive integer`);
  }
  if (maxFile > 1 && maxSize === 0)
    throw invalid('max-file is only meaningful with max-size: set max-size too');
  return { maxSize, maxFile };
}
