// Registry credentials as the docker CLI keeps them: ~/.docker/config.json (or $DOCKER_CONFIG),
// `auths` entries (base64 user:password, or an identity token), and credential helpers
// (`credHelpers` per registry, `credsStore` for all) run as `docker-credential-<name> get|store|erase`.
import type * as ChildProcess from 'node:child_process';
import * as fs from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultDomain } from '../oci/reference';

// node:child_process (with dgram under it) loads when a credential helper runs, not on every start.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = () => require('node:child_process') as typeof ChildProcess;

export interface Credentials {
  username: string;
  password: string;
  /** An OAuth2 refresh token (docker login stores one for some registries instead of a password). */
  identityToken?: string;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
  [key: string]: unknown;
}

/** The key docker uses for Docker Hub in config.json. */
const dockerHubKey = 'https://index.docker.io/v1/';

export function dockerConfigPath(): string {
  const dir = process.env.DOCKER_CONFIG || join(homedir(), '.docker');
  return join(dir, 'config.json');
}

function configKey(domain: string): string {
  return domain === defaultDomain ? dockerHubKey : domain;
}

/** The registry domain a config.json key stands for (a key may carry a scheme and a path). */
function keyDomain(key: string): string {
  return key === dockerHubKey ? defaultDomain : key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

function readConfig(path: string): DockerConfigFile {
  try {
    return JSON.parse(fs.readFileSync(path, 'utf8')) as DockerConfigFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${path}: ${(err as Error).message}; fix or remove the file`);
  }
}

/** Reads credentials for a registry domain (`docker.io`, `localhost:5000`), or undefined. */
export function lookupCredentials(domain: string, configPath = dockerConfigPath()): Credentials | undefined {
  const config = readConfig(configPath);
  const key = configKey(domain);
  const helper = config.credHelpers?.[key] ?? config.credHelpers?.[domain] ?? config.credsStore;
  if (helper) {
    const fromHelper = helperGet(helper, key);
    if (fromHelper) return fromHelper;
  }
  const auths = config.auths ?? {};
  const entry =
    auths[key] ??
    auths[domain] ??
    auths[`https://${domain}`] ??
    auths[`http://${domain}`] ??
    (domain === defaultDomain ? (auths['index.docker.io'] ?? auths['registry-1.docker.io']) : undefined);
  if (!entry) return undefined;
  if (entry.identitytoken)
    return { username: entry.username ?? '', password: '', identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0)
      throw new Error(`the auth entry for ${key} in ${configPath} is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** The registries config.json holds credentials for (`auths` and `credHelpers`), as domains. */
export function configuredRegistries(configPath = dockerConfigPath()): string[] {
  const config = readConfig(configPath);
  const keys = [...Object.keys(config.auths ?? {}), ...Object.keys(config.credHelpers ?? {})];
  return [...new Set(keys.map(keyDomain))];
}

/** Saves credentials after a successful login: in the credential helper when one is configured. */
export function storeCredentials(
  domain: string,
  creds: Credentials,
  configPath = dockerConfigPath(),
): string {
  const config = readConfig(configPath);
  const key = configKey(domain);
  const helper = config.credHelpers?.[key] ?? config.credsStore;
  if (helper) {
    runHelper(
      helper,
      'store',
      JSON.stringify({
        ServerURL: key,
        Username: creds.username,
        Secret: creds.identityToken ?? creds.password,
      }),
    );
    config.auths = { ...config.auths, [key]: {} };
  } else {
    const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
    config.auths = {
      ...config.auths,
      [key]: creds.identityToken ? { identitytoken: creds.identityToken } : { auth },
    };
  }
  writeConfig(config, configPath);
  return helper ? `docker-credential-${helper}` : configPath;
}

/**
 * `docker logout`: forgets the credentials of `domain`, from its credential helper too when one
 * keeps them. False when there were none here.
 */
export function removeCredentials(domain: string, configPath = dockerConfigPath()): boolean {
  const config = readConfig(configPath);
  const key = configKey(domain);
  const keys = Object.keys(config.auths ?? {}).filter((k) => keyDomain(k) === domain);
  const helper = config.credHelpers?.[key] ?? config.credsStore;
  if (keys.length === 0 && !helper) return false;
  if (helper) {
    try {
      runHelper(helper, 'erase', key);
    } catch (err) {
      // Helpers answer an erase of credentials they do not hold with an error.
      if (keys.length === 0) return false;
      if (!/not found/i.test((err as Error).message)) throw err;
    }
  }
  for (const k of keys) delete config.auths![k];
  if (keys.length > 0) writeConfig(config, configPath);
  return true;
}

/** Replaces the config file in one step, readable by its owner only (it may hold secrets). */
function writeConfig(config: DockerConfigFile, configPath: string): void {
  fs.mkdirSync(dirname(configPath), { recursive: true, mode: 0o700 });
  const tmp = `${configPath}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(config, null, '\t') + '\n', { mode: 0o600 });
  fs.renameSync(tmp, configPath);
}

function helperGet(helper: string, serverUrl: string): Credentials | undefined {
  const result = childProcess().spawnSync(`docker-credential-${helper}`, ['get'], {
    input: serverUrl,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error) {
    throw new Error(
      `cannot run the credential helper docker-credential-${helper}: ${result.error.message}; install it or fix credHelpers/credsStore in ${dockerConfigPath()}`,
    );
  }
  if (result.status !== 0) {
    // Helpers answer "credentials not found in native keychain" with a non-zero exit: no credentials.
    if (/not found/i.test(result.stdout + result.stderr)) return undefined;
    throw new Error(`docker-credential-${helper} get failed: ${(result.stderr || result.stdout).trim()}`);
  }
  const parsed = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
  if (!parsed.Secret) return undefined;
  if (parsed.Username === '<token>') return { username: '', password: '', identityToken: parsed.Secret };
  return { username: parsed.Username ?? '', password: parsed.Secret };
}

function runHelper(helper: string, verb: string, input: string): void {
  const result = childProcess().spawnSync(`docker-credential-${helper}`, [verb], {
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      `docker-credential-${helper} ${verb} failed: ${result.error?.message ?? (result.stderr || result.stdout).trim()}`,
    );
  }
}
