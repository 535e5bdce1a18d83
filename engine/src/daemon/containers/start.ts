// Everything a container needs before its process runs, and its undoing: the overlayfs root,
// volumes (with copy-up), binds and tmpfs, the network namespace and endpoints, the generated /etc
// files, the OCI spec, and the stdio FIFOs; then the runtime creates and starts it.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EndpointSettings } from '../../api/types';
import { EngineError, invalid } from '../errors';
import { resolveInRoot } from '../../fs/resolve-in-root';
import { embeddedDnsAddress } from '../../network/dns/server';
import { hostsFile, parseExtraHost, resolvConf } from '../../network/etc-files';
import { type PortMapping, planPorts } from '../../network/ports';
import { containerHostname, generateSpec, type NetworkNamespace } from '../spec/generate';
import { bindOptions, type ResolvedMount, tmpfsOptions } from '../spec/mounts';
import { resolveUser } from '../spec/user';
import type { ContainerDeps } from './deps';
import type { ContainerRecord } from './record';
import { mountRootfs, rootfsPaths, unmountRootfs } from './rootfs';
import type { RuntimeExit, RuntimeProcess } from './runtime-port';
import { stopOutputHolder } from './output-holder';
import { FifoIO } from './fifo-io';
import type { StdioHub } from './stdio';

/** What a running container holds, released when it stops. */
export interface Run {
  process: RuntimeProcess;
  io: FifoIO;
  volumes: string[];
  sandbox: NetworkNamespace;
  endpoints: Record<string, EndpointSettings>;
  /** Host ports held for the container. */
  ports: PortMapping[];
  startedAt: number;
}

export function runtimeDir(deps: ContainerDeps, id: string): string {
  return join(deps.config.execRoot, 'containers', id);
}

/** Undoes what `prepare` did, in reverse, never throwing (a failed step is logged). */
export async function teardown(
  deps: ContainerDeps,
  rec: ContainerRecord,
  parts: { volumes: string[]; sandbox?: NetworkNamespace; endpoints?: Record<string, EndpointSettings> },
): Promise<void> {
  const log = deps.logger.with({ container: rec.Id.slice(0, 12) });
  const step = async (what: string, work: () => unknown): Promise<void> => {
    try {
      await work();
    } catch (err) {
      log.warn(`cleanup: ${what} failed`, { error: (err as Error).message });
    }
  };
  if (deps.runtime.status(rec.Id) !== undefined)
    await step('runtime delete', () => deps.runtime.delete(rec.Id, true));
  if (parts.sandbox)
    await step('network detach', () => deps.networks.detach(rec.Id, parts.sandbox!, parts.endpoints ?? {}));
  for (const v of parts.volumes) await step(`volume ${v} release`, () => deps.volumes.release(v));
  await step('rootfs unmount', () => unmountRootfs(rootfsPaths(deps.store.paths(rec.Id).dir), deps.calls));
  await step('output holder stop', () => stopOutputHolder(runtimeDir(deps, rec.Id)));
  await step('runtime dir removal', () => rmSync(runtimeDir(deps, rec.Id), { recursive: true, force: true }));
}

/** Turns a runtime failure into what Docker answers (the CLI derives exit codes 126/127 from it). */
function startError(err: unknown, rec: ContainerRecord): EngineError {
  if (err instanceof EngineError) return err;
  const e = err as Error & { code?: string; call?: string };
  const program = [...(rec.Config.Entrypoint ?? []), ...(rec.Config.Cmd ?? [])][0] ?? '';
  if (e.call === 'execve' || /execve/.test(e.message)) {
    if (e.code === 'ENOENT') {
      return invalid(
        `failed to create task for container: exec: "${program}": executable file not found in $PATH: unknown`,
      );
    }
    if (e.code === 'EACCES')
      return invalid(`failed to create task for container: exec: "${program}": permission denied: unknown`);
  }
  return new EngineError('system', `failed to start container ${rec.Name}: ${e.message}`, { cause: err });
}

export async function startRun(
  deps: ContainerDeps,
  rec: ContainerRecord,
  hub: StdioHub,
  paths: { containerPid: (idOrName: string) => number },
): Promise<Run> {
  const cpaths = deps.store.paths(rec.Id);
  const rpaths = rootfsPaths(cpaths.dir);
  const rdir = runtimeDir(deps, rec.Id);
  const acquired: string[] = [];
  let sandbox: NetworkNamespace | undefined;
  let endpoints: Record<string, EndpointSettings> | undefined;
  try {
    rmSync(rdir, { recursive: true, force: true });
    mkdirSync(rdir, { recursive: true, mode: 0o700 });
    const image = deps.images.resolve(rec.Image);
    mountRootfs(rpaths, await deps.images.lowerDirs(image), deps.calls);

    const mounts: ResolvedMount[] = [];
    for (const m of rec.Mounts) {
      if (m.type === 'tmpfs') {
        mounts.push({
          destination: m.destination,
          type: 'tmpfs',
          source: 'tmpfs',
          options: tmpfsOptions(m.options),
        });
      } else if (m.type === 'bind') {
        if (!existsSync(m.source)) {
          if (!m.createSource)
            throw invalid(
              `invalid mount config for type "bind": bind source path does not exist: ${m.source}`,
            );
          mkdirSync(m.source, { recursive: true, mode: 0o755 });
        }
        mounts.push({
          destination: m.destination,
          type: 'bind',
          source: m.source,
          options: bindOptions(m.readOnly, m.propagation, m.nonRecursive),
        });
      } else {
        const name = m.name!;
        const content = resolveInRoot(rpaths.merged, m.destination);
        const data = deps.volumes.acquire(
          name,
          existsSync(content) && statSync(content).isDirectory() ? content : undefined,
          m.noCopy,
        );
        acquired.push(name);
        const source = m.subpath ? resolveInRoot(data, m.subpath) : data;
        if (m.subpath && !existsSync(source))
          throw invalid(`cannot mount volume ${name}: subpath ${m.subpath} does not exist in it`);
        mounts.push({
          destination: m.destination,
          type: 'bind',
          source,
          options: bindOptions(m.readOnly, 'rprivate'),
        });
      }
    }

    const hostname = containerHostname(rec.Id, rec.Config, rec.HostConfig, deps.host.hostname);
    const attached = await deps.networks.attach(
      {
        id: rec.Id,
        name: rec.Name,
        hostname,
        networkMode: rec.HostConfig.NetworkMode,
        endpoints: rec.Networks,
        ports: planPorts(
          rec.HostConfig.PortBindings,
          rec.Config.ExposedPorts,
          !!rec.HostConfig.PublishAllPorts,
        ),
        dns: rec.HostConfig.Dns ?? [],
      },
      paths.containerPid,
    );
    sandbox = attached.sandbox;
    endpoints = attached.endpoints;

    const hostNetwork = sandbox.kind === 'host';
    const gateway = Object.values(endpoints).find((e) => e.Gateway)?.Gateway;
    writeFileSync(cpaths.hostnamePath, `${hostname}\n`);
    writeFileSync(
      cpaths.hostsPath,
      hostsFile({
        hostname,
        domainname: rec.Config.Domainname,
        addresses: Object.values(endpoints)
          .map((e) => e.IPAddress ?? '')
          .filter(Boolean),
        extraHosts: (rec.HostConfig.ExtraHosts ?? []).map((h) => parseExtraHost(h, gateway)),
        hostFile: hostNetwork ? deps.host.hostsFile() : undefined,
      }),
    );
    writeFileSync(
      cpaths.resolvConfPath,
      resolvConf({
        host: deps.host.resolvConf(),
        dns: rec.HostConfig.Dns?.length ? rec.HostConfig.Dns : deps.config.dns,
        dnsSearch: rec.HostConfig.DnsSearch ?? [],
        dnsOptions: rec.HostConfig.DnsOptions ?? [],
        hostNetwork,
        embeddedDns: deps.networks.usesEmbeddedDns(endpoints) ? embeddedDnsAddress : undefined,
      }),
    );

    const spec = generateSpec({
      id: rec.Id,
      config: rec.Config,
      host: rec.HostConfig,
      rootfs: rpaths.merged,
      user: resolveUser(rpaths.merged, rec.Config.User ?? '', rec.HostConfig.GroupAdd ?? []),
      mounts,
      etcFiles: { hosts: cpaths.hostsPath, resolvConf: cpaths.resolvConfPath, hostname: cpaths.hostnamePath },
      network: sandbox,
      cgroupsPath: `/berth/${rec.Id}`,
      defaultSeccomp: deps.seccomp,
      initBinary: deps.initBinary,
      hostNofileHard: deps.host.nofileHard,
      cgroupV2: deps.host.cgroup.version === '2',
      cgroup: deps.host.cgroup,
      hostHostname: deps.host.hostname,
    });
    writeFileSync(join(rdir, 'config.json'), JSON.stringify(spec));

    let io: FifoIO;
    let proc: RuntimeProcess;
    if (rec.Config.Tty) {
      proc = await deps.runtime.create(rec.Id, rdir, spec, ['ignore', 'ignore', 'ignore']);
      if (proc.consoleFd === undefined)
        throw new Error('the runtime gave no terminal for a container with Tty');
      io = FifoIO.prepareTty(rdir, hub, deps.calls, proc.consoleFd).open();
    } else {
      const fifos = FifoIO.prepare(rdir, hub, deps.calls);
      try {
        proc = await deps.runtime.create(rec.Id, rdir, spec, fifos.stdio);
      } finally {
        fifos.closeContainerEnds();
      }
      io = fifos.open();
    }
    hub.connect(io);
    await deps.runtime.start(rec.Id);
    return {
      process: proc,
      io,
      volumes: acquired,
      sandbox,
      endpoints,
      ports: attached.ports,
      startedAt: Date.now(),
    };
  } catch (err) {
    hub.release();
    await teardown(deps, rec, { volumes: acquired, sandbox, endpoints });
    throw startError(err, rec);
  }
}

/** The exit of a run, whichever way it is observed (our own child, or a re-adopted container). */
export function exitOf(
  deps: ContainerDeps,
  rec: ContainerRecord,
  proc: RuntimeProcess | undefined,
): Promise<RuntimeExit> {
  return proc?.exited ?? deps.runtime.wait(rec.Id);
}
