// The CLI's configuration: state dir, insecure registries (flags, config file, and always
// localhost/127.0.0.0/8/[::1], as Docker does).
import * as fs from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { effectiveUserId } from '../rootless/mode';

export interface BerthConfig {
  'insecure-registries'?: string[];
}

/** $BERTH_CONFIG, else /etc/berth/config.json as root, $XDG_CONFIG_HOME/berth/config.json otherwise. */
export function configPath(): string {
  if (process.env.BERTH_CONFIG) return process.env.BERTH_CONFIG;
  if (effectiveUserId() === 0) return '/etc/berth/config.json';
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'berth', 'config.json');
}

export function readConfig(path = configPath()): BerthConfig {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}); fix it or remove it`);
  }
  const config = value as BerthConfig;
  const insecure = config['insecure-registries'];
  if (insecure !== undefined && (!Array.isArray(insecure) || insecure.some((x) => typeof x !== 'string'))) {
    throw new Error(`${path}: "insecure-registries" must be a list of host[:port] strings`);
  }
  return config;
}
