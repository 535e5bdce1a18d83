// `berth port`: a container's published ports, as the docker CLI prints them.
import type { Command } from '../command';

export const port: Command = {
  name: 'port',
  usage: 'berth port CONTAINER [PRIVATE_PORT[/PROTO]]',
  summary: 'List port mappings or a specific mapping for the container',
  engine: 'daemon',
  flags: [],
  args: [1, 2],
  complete: ['container'],
  async run(ctx, args) {
    const [id, wanted] = args.positional;
    const info = await (
      await ctx.daemon()
    ).get<{
      NetworkSettings: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> };
    }>(`/containers/${encodeURIComponent(id)}/json`);
    const key = wanted && !wanted.includes('/') ? `${wanted}/tcp` : wanted;
    const lines: string[] = [];
    for (const [containerPort, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
      if (key && containerPort !== key) continue;
      for (const b of bindings ?? []) {
        const host = `${b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp || '0.0.0.0'}:${b.HostPort}`;
        lines.push(key ? host : `${containerPort} -> ${host}`);
      }
    }
    if (key && lines.length === 0) throw new Error(`Error: No public port '${key}' published for ${id}`);
    ctx.stdout.write(lines.map((l) => `${l}\n`).join(''));
  },
};
