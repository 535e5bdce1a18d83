// Request validation at the API boundary: bodies are checked against a small schema so that a bad
// request gets a 400 naming the field (`HostConfig.Memory must be a number, got "1g"`) instead of
// failing somewhere deep in the daemon. Docker's loose forms are normalised here (a string where a
// list of strings is expected becomes a one-element list, as Go's StrSlice does).
import { invalid } from '../daemon/errors';
import type * as T from './types';

type Schema =
  | 'string'
  | 'number'
  | 'boolean'
  | 'strings'
  /** A list of strings, or one string (Cmd, Entrypoint, Shell). */
  | 'strslice'
  | 'stringMap'
  | 'object'
  | 'any'
  | { list: Schema }
  | { map: Schema }
  | { fields: Record<string, Schema> };

const healthSchema: Schema = {
  fields: {
    Test: 'strslice',
    Interval: 'number',
    Timeout: 'number',
    Retries: 'number',
    StartPeriod: 'number',
    StartInterval: 'number',
  },
};

const containerConfigFields: Record<string, Schema> = {
  Hostname: 'string',
  Domainname: 'string',
  User: 'string',
  AttachStdin: 'boolean',
  AttachStdout: 'boolean',
  AttachStderr: 'boolean',
  ExposedPorts: { map: 'any' },
  Tty: 'boolean',
  OpenStdin: 'boolean',
  StdinOnce: 'boolean',
  Env: 'strings',
  Cmd: 'strslice',
  Healthcheck: healthSchema,
  ArgsEscaped: 'boolean',
  Image: 'string',
  Volumes: { map: 'any' },
  WorkingDir: 'string',
  Entrypoint: 'strslice',
  NetworkDisabled: 'boolean',
  OnBuild: 'strings',
  Labels: 'stringMap',
  StopSignal: 'string',
  StopTimeout: 'number',
  Shell: 'strslice',
  MacAddress: 'string',
};

const mountSchema: Schema = {
  fields: {
    Target: 'string',
    Source: 'string',
    Type: 'string',
    ReadOnly: 'boolean',
    Consistency: 'string',
    BindOptions: { fields: { Propagation: 'string', NonRecursive: 'boolean', CreateMountpoint: 'boolean' } },
    VolumeOptions: {
      fields: {
        NoCopy: 'boolean',
        Labels: 'stringMap',
        DriverConfig: { fields: { Name: 'string', Options: 'stringMap' } },
        Subpath: 'string',
      },
    },
    TmpfsOptions: { fields: { SizeBytes: 'number', Mode: 'number' } },
  },
};

const hostConfigSchema: Schema = {
  fields: {
    Binds: 'strings',
    ContainerIDFile: 'string',
    LogConfig: { fields: { Type: 'string', Config: 'stringMap' } },
    NetworkMode: 'string',
    PortBindings: { map: { list: { fields: { HostIp: 'string', HostPort: 'string' } } } },
    RestartPolicy: { fields: { Name: 'string', MaximumRetryCount: 'number' } },
    AutoRemove: 'boolean',
    VolumeDriver: 'string',
    VolumesFrom: 'strings',
    Mounts: { list: mountSchema },
    ConsoleSize: { list: 'number' },
    CapAdd: 'strings',
    CapDrop: 'strings',
    CgroupnsMode: 'string',
    Dns: 'strings',
    DnsOptions: 'strings',
    DnsSearch: 'strings',
    ExtraHosts: 'strings',
    GroupAdd: 'strings',
    IpcMode: 'string',
    Cgroup: 'string',
    Links: 'strings',
    OomScoreAdj: 'number',
    PidMode: 'string',
    Privileged: 'boolean',
    PublishAllPorts: 'boolean',
    ReadonlyRootfs: 'boolean',
    SecurityOpt: 'strings',
    StorageOpt: 'stringMap',
    Tmpfs: 'stringMap',
    UTSMode: 'string',
    UsernsMode: 'string',
    ShmSize: 'number',
    Sysctls: 'stringMap',
    Runtime: 'string',
    Isolation: 'string',
    Init: 'boolean',
    CpuShares: 'number',
    Memory: 'number',
    NanoCpus: 'number',
    CgroupParent: 'string',
    CpuPeriod: 'number',
    CpuQuota: 'number',
    CpuRealtimePeriod: 'number',
    CpuRealtimeRuntime: 'number',
    CpusetCpus: 'string',
    CpusetMems: 'string',
    Devices: {
      list: { fields: { PathOnHost: 'string', PathInContainer: 'string', CgroupPermissions: 'string' } },
    },
    DeviceCgroupRules: 'strings',
    DeviceRequests: 'any',
    BlkioWeight: 'number',
    MemoryReservation: 'number',
    MemorySwap: 'number',
    MemorySwappiness: 'number',
    OomKillDisable: 'boolean',
    PidsLimit: 'number',
    Ulimits: { list: { fields: { Name: 'string', Soft: 'number', Hard: 'number' } } },
    MaskedPaths: 'strings',
    ReadonlyPaths: 'strings',
    Annotations: 'stringMap',
  },
};

const endpointSchema: Schema = {
  fields: {
    IPAMConfig: { fields: { IPv4Address: 'string', IPv6Address: 'string', LinkLocalIPs: 'strings' } },
    Links: 'strings',
    Aliases: 'strings',
    MacAddress: 'string',
    NetworkID: 'string',
    EndpointID: 'string',
    Gateway: 'string',
    IPAddress: 'string',
    IPPrefixLen: 'number',
    DriverOpts: 'stringMap',
    DNSNames: 'strings',
  },
};

const createSchema: Schema = {
  fields: {
    ...containerConfigFields,
    HostConfig: hostConfigSchema,
    NetworkingConfig: { fields: { EndpointsConfig: { map: endpointSchema } } },
  },
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

/** Checks `value` against `schema` in place; returns the value with StrSlice forms normalised. */
function check(value: unknown, schema: Schema, path: string): unknown {
  // null means "not set" for every optional field in the Engine API.
  if (value === null || value === undefined) return value;
  const fail = (expected: string): never => {
    throw invalid(`${path} must be ${expected}, got ${describe(value)}`);
  };
  if (schema === 'any') return value;
  if (schema === 'string') return typeof value === 'string' ? value : fail('a string');
  if (schema === 'number')
    return typeof value === 'number' && Number.isFinite(value) ? value : fail('a number');
  if (schema === 'boolean') return typeof value === 'boolean' ? value : fail('true or false');
  if (schema === 'strslice' && typeof value === 'string') return [value];
  if (schema === 'strings' || schema === 'strslice') {
    if (!Array.isArray(value)) fail('a list of strings');
    (value as unknown[]).forEach((v, i) => {
      if (typeof v !== 'string') throw invalid(`${path}[${i}] must be a string, got ${describe(v)}`);
    });
    return value;
  }
  if (typeof schema === 'object' && 'list' in schema) {
    if (!Array.isArray(value)) fail('a list');
    return (value as unknown[]).map((v, i) => check(v, schema.list, `${path}[${i}]`));
  }
  if (typeof value !== 'object' || Array.isArray(value)) fail('an object');
  if (schema === 'object') return value;
  if (schema === 'stringMap') {
    for (const [k, v] of Object.entries(value as object)) {
      if (typeof v !== 'string') throw invalid(`${path}.${k} must be a string, got ${describe(v)}`);
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  if ('map' in schema) {
    for (const k of Object.keys(obj)) obj[k] = check(obj[k], schema.map, `${path}.${k}`);
    return obj;
  }
  for (const [k, fieldSchema] of Object.entries(schema.fields)) {
    if (k in obj) obj[k] = check(obj[k], fieldSchema, path ? `${path}.${k}` : k);
  }
  return obj;
}

function requireObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(`${what}: the request body must be a JSON object`);
  }
  return body as Record<string, unknown>;
}

export function validateCreateRequest(body: unknown): T.ContainerCreateRequest {
  const obj = requireObject(body, 'invalid container configuration');
  try {
    check(obj, createSchema, '');
  } catch (err) {
    throw invalid(`invalid container configuration: ${(err as Error).message}`);
  }
  if (typeof obj.Image !== 'string' || obj.Image === '') {
    throw invalid('invalid container configuration: Image is required (e.g. "busybox")');
  }
  for (const env of (obj.Env as string[] | undefined) ?? []) {
    if (env === '' || env.startsWith('='))
      throw invalid(`invalid environment variable: ${JSON.stringify(env)}`);
  }
  return obj as T.ContainerCreateRequest;
}

export function validateExecConfig(body: unknown): T.ExecConfig {
  const obj = requireObject(body, 'invalid exec configuration');
  try {
    check(
      obj,
      {
        fields: {
          AttachStdin: 'boolean',
          AttachStdout: 'boolean',
          AttachStderr: 'boolean',
          ConsoleSize: { list: 'number' },
          DetachKeys: 'string',
          Tty: 'boolean',
          Env: 'strings',
          Cmd: 'strslice',
          Privileged: 'boolean',
          User: 'string',
          WorkingDir: 'string',
        },
      },
      '',
    );
  } catch (err) {
    throw invalid(`invalid exec configuration: ${(err as Error).message}`);
  }
  if (!Array.isArray(obj.Cmd) || obj.Cmd.length === 0) {
    throw invalid('invalid exec configuration: Cmd is required (the command to run in the container)');
  }
  return obj as unknown as T.ExecConfig;
}

export function validateExecStart(body: unknown): T.ExecStartConfig {
  const obj = requireObject(body, 'invalid exec start');
  try {
    check(obj, { fields: { Detach: 'boolean', Tty: 'boolean', ConsoleSize: { list: 'number' } } }, '');
  } catch (err) {
    throw invalid(`invalid exec start: ${(err as Error).message}`);
  }
  return obj as T.ExecStartConfig;
}

export function validateUpdate(body: unknown): T.ContainerUpdateRequest {
  const obj = requireObject(body, 'invalid update');
  try {
    check(obj, hostConfigSchema, '');
  } catch (err) {
    throw invalid(`invalid update: ${(err as Error).message}`);
  }
  return obj as T.ContainerUpdateRequest;
}

export function validateVolumeCreate(body: unknown): T.VolumeCreateRequest {
  const obj = requireObject(body, 'invalid volume configuration');
  try {
    check(
      obj,
      { fields: { Name: 'string', Driver: 'string', DriverOpts: 'stringMap', Labels: 'stringMap' } },
      '',
    );
  } catch (err) {
    throw invalid(`invalid volume configuration: ${(err as Error).message}`);
  }
  return obj as T.VolumeCreateRequest;
}

export function validateNetworkCreate(body: unknown): T.NetworkCreateRequest {
  const obj = requireObject(body, 'invalid network configuration');
  try {
    check(
      obj,
      {
        fields: {
          Name: 'string',
          CheckDuplicate: 'boolean',
          Driver: 'string',
          Scope: 'string',
          Internal: 'boolean',
          Attachable: 'boolean',
          Ingress: 'boolean',
          EnableIPv6: 'boolean',
          EnableIPv4: 'boolean',
          Options: 'stringMap',
          Labels: 'stringMap',
          IPAM: {
            fields: {
              Driver: 'string',
              Options: 'stringMap',
              Config: {
                list: {
                  fields: {
                    Subnet: 'string',
                    IPRange: 'string',
                    Gateway: 'string',
                    AuxiliaryAddresses: 'stringMap',
                  },
                },
              },
            },
          },
        },
      },
      '',
    );
  } catch (err) {
    throw invalid(`invalid network configuration: ${(err as Error).message}`);
  }
  if (typeof obj.Name !== 'string' || obj.Name === '') {
    throw invalid('invalid network configuration: Name is required');
  }
  return obj as unknown as T.NetworkCreateRequest;
}

export function validateNetworkConnect(body: unknown): T.NetworkConnectRequest {
  const obj = requireObject(body, 'invalid network connect');
  try {
    check(obj, { fields: { Container: 'string', EndpointConfig: endpointSchema, Force: 'boolean' } }, '');
  } catch (err) {
    throw invalid(`invalid network connect: ${(err as Error).message}`);
  }
  if (typeof obj.Container !== 'string' || obj.Container === '') {
    throw invalid('invalid network connect: Container is required');
  }
  return obj as unknown as T.NetworkConnectRequest;
}

export function validateAuth(body: unknown): T.AuthConfig {
  const obj = requireObject(body, 'invalid credentials');
  try {
    check(
      obj,
      {
        fields: {
          username: 'string',
          password: 'string',
          auth: 'string',
          email: 'string',
          serveraddress: 'string',
          identitytoken: 'string',
          registrytoken: 'string',
        },
      },
      '',
    );
  } catch (err) {
    throw invalid(`invalid credentials: ${(err as Error).message}`);
  }
  return obj as T.AuthConfig;
}

/** Decodes an `X-Registry-Auth` header (base64url JSON; `{}` or absent means anonymous). */
export function decodeRegistryAuth(header: string | undefined): T.AuthConfig | undefined {
  if (!header) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    throw invalid('invalid X-Registry-Auth header: expected base64-encoded JSON credentials');
  }
  const auth = validateAuth(parsed);
  return Object.keys(auth).length ? auth : undefined;
}

/** Parses Docker's timestamps: Unix seconds with an optional fraction, or RFC 3339. */
export function parseTimestamp(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw invalid(
      `invalid value for "${name}": ${JSON.stringify(value)} is neither Unix seconds nor RFC 3339`,
    );
  }
  return ms / 1000;
}
