// `berth run`/`create` flags as docker reads them, turned into the Engine API's create body.
import { readFileSync } from 'node:fs';
import { flagBool, flagList, flagString, type FlagSpec, type ParsedArgs, UsageError } from '../../args';

/** `run`'s flag of that name, for a verb that takes it too (`exec -it`). */
export function createFlag(name: string): FlagSpec {
  const flag = createFlags.find((f) => f.name === name);
  if (!flag) throw new Error(`no run flag --${name}`);
  return flag;
}

export const createFlags: FlagSpec[] = [
  { name: 'name', type: 'string', description: 'Assign a name to the container', value: 'string' },
  {
    name: 'detach',
    short: 'd',
    type: 'boolean',
    description: 'Run container in background and print container ID',
  },
  { name: 'interactive', short: 'i', type: 'boolean', description: 'Keep STDIN open even if not attached' },
  { name: 'tty', short: 't', type: 'boolean', description: 'Allocate a pseudo-TTY' },
  { name: 'rm', type: 'boolean', description: 'Automatically remove the container when it exits' },
  {
    name: 'env',
    short: 'e',
    type: 'list',
    description: 'Set environment variables (KEY=VALUE)',
    value: 'list',
  },
  { name: 'env-file', type: 'list', description: 'Read in a file of environment variables', value: 'list' },
  {
    name: 'entrypoint',
    type: 'string',
    description: 'Overwrite the default ENTRYPOINT of the image',
    value: 'string',
  },
  {
    name: 'workdir',
    short: 'w',
    type: 'string',
    description: 'Working directory inside the container',
    value: 'string',
  },
  {
    name: 'user',
    short: 'u',
    type: 'string',
    description: 'Username or UID (format: <name|uid>[:<group|gid>])',
    value: 'string',
  },
  {
    name: 'network',
    type: 'string',
    description: 'Connect a container to a network',
    value: 'network',
    complete: 'network',
  },
  {
    name: 'publish',
    short: 'p',
    type: 'list',
    description: "Publish a container's port(s) to the host",
    value: 'list',
  },
  {
    name: 'publish-all',
    short: 'P',
    type: 'boolean',
    description: 'Publish all exposed ports to random ports',
  },
  { name: 'volume', short: 'v', type: 'list', description: 'Bind mount a volume', value: 'list' },
  { name: 'tmpfs', type: 'list', description: 'Mount a tmpfs directory', value: 'list' },
  { name: 'label', short: 'l', type: 'list', description: 'Set meta data on a container', value: 'list' },
  { name: 'hostname', short: 'h', type: 'string', description: 'Container host name', value: 'string' },
  {
    name: 'restart',
    type: 'string',
    description: 'Restart policy to apply when a container exits',
    value: 'string',
  },
  {
    name: 'init',
    type: 'boolean',
    description: 'Run an init inside the container that forwards signals and reaps processes',
  },
  { name: 'read-only', type: 'boolean', description: "Mount the container's root filesystem as read only" },
  { name: 'privileged', type: 'boolean', description: 'Give extended privileges to this container' },
  { name: 'cap-add', type: 'list', description: 'Add Linux capabilities', value: 'list' },
  { name: 'cap-drop', type: 'list', description: 'Drop Linux capabilities', value: 'list' },
  { name: 'security-opt', type: 'list', description: 'Security Options', value: 'list' },
  { name: 'memory', short: 'm', type: 'string', description: 'Memory limit', value: 'bytes' },
  { name: 'cpus', type: 'string', description: 'Number of CPUs', value: 'decimal' },
  {
    name: 'pids-limit',
    type: 'string',
    description: 'Tune container pids limit (set -1 for unlimited)',
    value: 'int',
  },
  { name: 'shm-size', type: 'string', description: 'Size of /dev/shm', value: 'bytes' },
  { name: 'add-host', type: 'list', description: 'Add a custom host-to-IP mapping (host:ip)', value: 'list' },
  { name: 'dns', type: 'list', description: 'Set custom DNS servers', value: 'list' },
  { name: 'stop-signal', type: 'string', description: 'Signal to stop the container', value: 'string' },
  {
    name: 'stop-timeout',
    type: 'string',
    description: 'Timeout (in seconds) to stop a container',
    value: 'int',
  },
];

/** `512m`, `1g`, `100000`: bytes, as docker's --memory reads them. */
export function parseBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(value.trim());
  if (!m) throw new UsageError(`invalid size "${value}": use a number with an optional unit (b, k, m, g)`);
  const scale = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase()] ?? 1;
  return Math.round(Number(m[1]) * scale);
}

/** `-p [ip:][hostPort:]containerPort[/proto]` into ExposedPorts and PortBindings. */
export function parsePublish(specs: string[]): {
  exposed: Record<string, object>;
  bindings: Record<string, { HostIp: string; HostPort: string }[]>;
} {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const spec of specs) {
    const [addr, proto = 'tcp'] = spec.split('/');
    const ipv6 = /^\[([^\]]+)\]:(.*)$/.exec(addr);
    const parts = ipv6 ? [ipv6[1], ...ipv6[2].split(':')] : addr.split(':');
    if (parts.length > 3 || parts.some((p, i) => i > 0 && p !== '' && !/^\d+(-\d+)?$/.test(p)))
      throw new UsageError(`invalid publish spec "${spec}": use [ip:][hostPort:]containerPort[/protocol]`);
    const containerPort = parts[parts.length - 1];
    const hostPort = parts.length >= 2 ? parts[parts.length - 2] : '';
    const hostIp = parts.length === 3 ? parts[0] : '';
    if (!/^\d+(-\d+)?$/.test(containerPort))
      throw new UsageError(`invalid publish spec "${spec}": the container port must be a number`);
    const key = `${containerPort}/${proto}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: hostIp, HostPort: hostPort });
  }
  return { exposed, bindings };
}

function envFromFiles(files: string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => (l.includes('=') ? l : `${l}=${process.env[l] ?? ''}`)),
  );
}

export function restartPolicy(
  value: string | undefined,
): { Name: string; MaximumRetryCount?: number } | undefined {
  if (!value) return undefined;
  const [name, count] = value.split(':');
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name))
    throw new UsageError(
      `invalid restart policy "${value}": use no, always, unless-stopped or on-failure[:N]`,
    );
  return { Name: name, ...(count !== undefined && { MaximumRetryCount: Number(count) }) };
}

/** The POST /containers/create body for `run`/`create` flags, image and command. */
export function createBody(args: ParsedArgs, image: string, cmd: string[]): Record<string, unknown> {
  const tty = flagBool(args, 'tty');
  const interactive = flagBool(args, 'interactive');
  const detach = flagBool(args, 'detach');
  const { exposed, bindings } = parsePublish(flagList(args, 'publish'));
  const entrypoint = flagString(args, 'entrypoint');
  const memory = flagString(args, 'memory');
  const cpus = flagString(args, 'cpus');
  const pids = flagString(args, 'pids-limit');
  const shm = flagString(args, 'shm-size');
  const stopTimeout = flagString(args, 'stop-timeout');
  const labels = Object.fromEntries(
    flagList(args, 'label').map((l) => {
      const eq = l.indexOf('=');
      return eq < 0 ? [l, ''] : [l.slice(0, eq), l.slice(eq + 1)];
    }),
  );
  const tmpfs = Object.fromEntries(
    flagList(args, 'tmpfs').map((t) => {
      const colon = t.indexOf(':');
      return colon < 0 ? [t, ''] : [t.slice(0, colon), t.slice(colon + 1)];
    }),
  );
  const env = [
    ...envFromFiles(flagList(args, 'env-file')),
    ...flagList(args, 'env').map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`)),
  ];
  const optional = <T>(key: string, value: T | undefined): Record<string, T> =>
    value === undefined || value === '' ? {} : { [key]: value };
  return {
    Image: image,
    ...(cmd.length > 0 && { Cmd: cmd }),
    ...(entrypoint !== undefined && { Entrypoint: entrypoint === '' ? [''] : [entrypoint] }),
    Env: env,
    ...optional('WorkingDir', flagString(args, 'workdir')),
    ...optional('User', flagString(args, 'user')),
    ...optional('Hostname', flagString(args, 'hostname')),
    ...optional('StopSignal', flagString(args, 'stop-signal')),
    ...(stopTimeout !== undefined && { StopTimeout: Number(stopTimeout) }),
    Tty: tty,
    OpenStdin: interactive,
    StdinOnce: interactive && !detach,
    AttachStdin: interactive && !detach,
    AttachStdout: !detach,
    AttachStderr: !detach,
    Labels: labels,
    ExposedPorts: exposed,
    HostConfig: {
      AutoRemove: flagBool(args, 'rm'),
      Binds: flagList(args, 'volume'),
      PortBindings: bindings,
      PublishAllPorts: flagBool(args, 'publish-all'),
      ...optional('NetworkMode', flagString(args, 'network')),
      ...optional('RestartPolicy', restartPolicy(flagString(args, 'restart'))),
      ...(flagBool(args, 'init') && { Init: true }),
      ReadonlyRootfs: flagBool(args, 'read-only'),
      Privileged: flagBool(args, 'privileged'),
      CapAdd: flagList(args, 'cap-add'),
      CapDrop: flagList(args, 'cap-drop'),
      SecurityOpt: flagList(args, 'security-opt'),
      ...(memory !== undefined && { Memory: parseBytes(memory) }),
      ...(cpus !== undefined && { NanoCpus: Math.round(Number(cpus) * 1e9) }),
      ...(pids !== undefined && { PidsLimit: Number(pids) }),
      ...(shm !== undefined && { ShmSize: parseBytes(shm) }),
      ExtraHosts: flagList(args, 'add-host'),
      Dns: flagList(args, 'dns'),
      Tmpfs: tmpfs,
    },
  };
}
