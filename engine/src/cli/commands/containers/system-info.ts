// `berth version` and `berth info`: this client, and the engine it talks to.
import { flagString } from '../../args';
import { formatFlag, formatValue } from '../../render/format';
import { berthVersion } from '../../../version';
import type { Command } from '../command';

interface ServerVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  Platform?: { Name: string };
  Components?: { Name: string; Version: string }[];
}

export const version: Command = {
  name: 'version',
  usage: 'berth version [OPTIONS]',
  summary: 'Show the Berth version information',
  flags: [formatFlag('{{.Server.Version}}', { table: false, short: true })],
  args: [0, 0],
  async run(ctx, args) {
    const client = {
      Version: berthVersion,
      ApiVersion: '1.45',
      Os: process.platform,
      Arch: process.arch === 'x64' ? 'amd64' : process.arch,
      NodeVersion: process.version,
    };
    let server: ServerVersion | undefined;
    let serverError: Error | undefined;
    try {
      server = await (await ctx.daemon()).get<ServerVersion>('/version');
    } catch (err) {
      serverError = err as Error;
    }
    const format = flagString(args, 'format');
    if (format) {
      ctx.stdout.write(formatValue({ Client: client, Server: server ?? null }, format));
    } else {
      ctx.stdout.write(
        `Client:\n Version:           ${client.Version}\n API version:       ${client.ApiVersion}\n` +
          ` Node version:      ${client.NodeVersion}\n OS/Arch:           ${client.Os}/${client.Arch}\n`,
      );
      if (server) {
        ctx.stdout.write(
          `\nServer: ${server.Platform?.Name ?? ''}\n Engine:\n  Version:          ${server.Version}\n` +
            `  API version:      ${server.ApiVersion} (minimum version ${server.MinAPIVersion ?? '?'})\n` +
            `  OS/Arch:          ${server.Os}/${server.Arch}\n` +
            (server.KernelVersion ? `  Kernel version:   ${server.KernelVersion}\n` : ''),
        );
      }
    }
    if (serverError) {
      ctx.stderr.write(`${serverError.message}\n`);
      return 1;
    }
    return 0;
  },
};

export const info: Command = {
  name: 'info',
  usage: 'berth info [OPTIONS]',
  summary: 'Display system-wide information',
  engine: 'daemon',
  flags: [formatFlag('{{.ServerVersion}}', { table: false, short: true })],
  args: [0, 0],
  async run(ctx, args) {
    const i = await (await ctx.daemon()).get<Record<string, unknown>>('/info');
    const format = flagString(args, 'format');
    if (format) {
      ctx.stdout.write(formatValue(i, format));
      return;
    }
    const lines: [string, unknown][] = [
      ['Containers', i.Containers],
      [' Running', i.ContainersRunning],
      [' Paused', i.ContainersPaused],
      [' Stopped', i.ContainersStopped],
      ['Images', i.Images],
      ['Server Version', i.ServerVersion],
      ['Storage Driver', i.Driver],
      ['Logging Driver', i.LoggingDriver],
      ['Cgroup Driver', i.CgroupDriver],
      ['Cgroup Version', i.CgroupVersion],
      ['Security Options', (i.SecurityOptions as string[] | undefined)?.join(', ')],
      ['Kernel Version', i.KernelVersion],
      ['Operating System', i.OperatingSystem],
      ['Architecture', i.Architecture],
      ['CPUs', i.NCPU],
      ['Total Memory', i.MemTotal],
      ['Name', i.Name],
      ['Docker Root Dir', i.DockerRootDir],
    ];
    ctx.stdout.write(
      'Server:\n' +
        lines
          .filter(([, v]) => v !== undefined && v !== null && v !== '')
          .map(([k, v]) => ` ${k}: ${String(v)}\n`)
          .join(''),
    );
  },
};
