// CNI as a container runtime drives it (spec 1.0): a plugin is an executable that reads its
// network configuration on stdin and the operation from environment variables, and answers a JSON
// result (or a JSON error) on stdout. A network configuration list runs its plugins in order for
// ADD, each given the previous plugin's result, and in reverse order for DEL.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where Debian's containernetworking-plugins and upstream releases install the plugins. */
export const defaultCniPaths = ['/usr/lib/cni', '/opt/cni/bin'];

export interface CniInterface {
  name: string;
  mac?: string;
  /** Set for interfaces inside the container's namespace. */
  sandbox?: string;
}

export interface CniIp {
  /** Index into `interfaces`. */
  interface?: number;
  /** CIDR notation: 10.88.0.2/16. */
  address: string;
  gateway?: string;
}

export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIp[];
  routes?: { dst: string; gw?: string }[];
  dns?: Record<string, unknown>;
}

export interface CniPluginConfig {
  type: string;
  /** Runtime-provided arguments the plugin accepts (portMappings, ips, mac…). */
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface CniNetworkList {
  cniVersion: string;
  name: string;
  plugins: CniPluginConfig[];
}

/** What the runtime knows about one attachment: the container, its namespace, the interface. */
export interface CniAttachment {
  containerId: string;
  /** Path of the network namespace file. */
  netns: string;
  ifname: string;
  /** Values for the capabilities the plugins declare (`portMappings`, `ips`). */
  capabilityArgs?: Record<string, unknown>;
}

export class CniError extends Error {
  constructor(
    readonly plugin: string,
    readonly command: string,
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'CniError';
  }
}

/** How a program is started: as is, or wrapped (rootless: inside berthd's network namespace). */
export type CommandWrapper = (file: string, args: string[]) => [string, string[]];

export interface CniOptions {
  paths?: string[];
  /** Runs each plugin through this (rootless berthd: nsenter into its namespace). */
  command?: CommandWrapper;
  /** A plugin taking longer is killed (iptables can wait on its lock for a while). */
  timeoutMs?: number;
}

export class Cni {
  readonly paths: string[];
  private readonly timeoutMs: number;
  private readonly command: CommandWrapper;

  constructor(options: CniOptions = {}) {
    this.paths = options.paths ?? defaultCniPaths;
    this.command = options.command ?? ((file, args) => [file, args]);
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** The plugin's executable, or undefined when no plugin directory has it. */
  locate(type: string): string | undefined {
    if (!/^[\w.-]+$/.test(type)) return undefined;
    return this.paths.map((dir) => join(dir, type)).find((p) => existsSync(p));
  }

  /** Runs every plugin of `list` for ADD; the result is the last plugin's. */
  async add(list: CniNetworkList, attachment: CniAttachment): Promise<CniResult> {
    let prev: CniResult | undefined;
    for (const plugin of list.plugins) {
      const result = await this.invoke('ADD', pluginConfig(list, plugin, attachment, prev), attachment);
      if (!result) throw new CniError(plugin.type, 'ADD', `CNI plugin ${plugin.type} returned no result`);
      prev = result;
    }
    if (!prev) throw new CniError(list.name, 'ADD', `CNI network ${list.name} has no plugins`);
    return prev;
  }

  /**
   * Runs every plugin of `list` for DEL, last first, each with the ADD result. Every plugin gets
   * its turn even when one fails (what it holds must still go); the first failure is thrown after.
   */
  async del(list: CniNetworkList, attachment: CniAttachment, result?: CniResult): Promise<void> {
    let first: unknown;
    for (const plugin of [...list.plugins].reverse()) {
      try {
        await this.invoke('DEL', pluginConfig(list, plugin, attachment, result), attachment);
      } catch (err) {
        first ??= err;
      }
    }
    if (first) throw first;
  }

  private invoke(
    command: 'ADD' | 'DEL',
    config: Record<string, unknown>,
    attachment: CniAttachment,
  ): Promise<CniResult | undefined> {
    const type = String(config.type);
    const path = this.locate(type);
    if (!path) {
      return Promise.reject(
        new CniError(
          type,
          command,
          `CNI plugin "${type}" not found in ${this.paths.join(':')}: install containernetworking-plugins`,
        ),
      );
    }
    const env: NodeJS.ProcessEnv = {
      // The plugins call iptables, ip6tables and nft from the system's sbin directories.
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: command,
      CNI_CONTAINERID: attachment.containerId,
      CNI_NETNS: attachment.netns,
      CNI_IFNAME: attachment.ifname,
      CNI_PATH: this.paths.join(':'),
    };
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const [file, args] = this.command(path, []);
      const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
      child.on(
        'close',
        () =>
          process.env.BERTH_CNI_TRACE &&
          process.stderr.write(`cni ${type} ${command} ${Date.now() - t0} ms\n`),
      );
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      const timer = setTimeout(() => child.kill('SIGKILL'), this.timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new CniError(type, command, `CNI plugin ${type} could not run: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stdout = Buffer.concat(out).toString('utf8').trim();
        if (code === 0) {
          if (command === 'DEL' || stdout === '') return resolve(undefined);
          try {
            return resolve(JSON.parse(stdout) as CniResult);
          } catch {
            return reject(new CniError(type, command, `CNI plugin ${type} answered no JSON: ${stdout}`));
          }
        }
        reject(pluginError(type, command, stdout, Buffer.concat(err).toString('utf8').trim(), code, signal));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(JSON.stringify(config));
    });
  }
}

/**
 * The configuration one plugin of a list receives: its own keys plus the list's name and version,
 * `runtimeConfig` with the capability arguments it declared, and the previous result.
 */
export function pluginConfig(
  list: CniNetworkList,
  plugin: CniPluginConfig,
  attachment: CniAttachment,
  prevResult?: CniResult,
): Record<string, unknown> {
  const config: Record<string, unknown> = { ...plugin, cniVersion: list.cniVersion, name: list.name };
  const runtimeConfig: Record<string, unknown> = {};
  for (const [capability, enabled] of Object.entries(plugin.capabilities ?? {})) {
    const value = attachment.capabilityArgs?.[capability];
    if (enabled && value !== undefined) runtimeConfig[capability] = value;
  }
  if (Object.keys(runtimeConfig).length) config.runtimeConfig = runtimeConfig;
  if (prevResult) config.prevResult = prevResult;
  return config;
}

function pluginError(
  type: string,
  command: string,
  stdout: string,
  stderr: string,
  code: number | null,
  signal: NodeJS.Signals | null,
): CniError {
  if (signal) return new CniError(type, command, `CNI plugin ${type} ${command} was killed (${signal})`);
  try {
    const e = JSON.parse(stdout) as { code?: number; msg?: string; details?: string };
    const details = e.details ? `: ${e.details}` : '';
    return new CniError(type, command, `CNI plugin ${type} ${command} failed: ${e.msg}${details}`, e.code);
  } catch {
    const text = stderr || stdout || `exit status ${code}`;
    return new CniError(type, command, `CNI plugin ${type} ${command} failed: ${text}`);
  }
}
