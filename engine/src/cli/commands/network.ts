// `berth network create|ls|rm|inspect|connect|disconnect|prune`, over berthd's /networks endpoints.
import { flagBool, flagList, flagString, UsageError } from '../args';
import { formatFlag, formatInspect, formatRows, type Column } from '../render/format';
import { labelList, shortId } from '../render/units';
import type { Command } from './command';
import { forEachName } from './each-name';
import { filtersQuery, keyValueMap } from './filters';
import { confirm } from './prompt';
import { printPruned } from './volume';

interface Network {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv6: boolean;
  Internal: boolean;
  Labels: Record<string, string> | null;
}

const create: Command = {
  name: 'create',
  usage: 'berth network create [OPTIONS] NETWORK',
  summary: 'Create a network',
  engine: 'daemon',
  flags: [
    {
      name: 'driver',
      short: 'd',
      type: 'string',
      description: 'Driver to manage the Network (bridge)',
      value: 'string',
      complete: ['bridge'],
    },
    {
      name: 'subnet',
      type: 'list',
      description: 'Subnet in CIDR format that represents a network segment',
      value: 'strings',
    },
    { name: 'gateway', type: 'list', description: 'IPv4 Gateway for the master subnet', value: 'strings' },
    {
      name: 'ip-range',
      type: 'list',
      description: 'Allocate container ip from a sub-range',
      value: 'strings',
    },
    { name: 'internal', type: 'boolean', description: 'Restrict external access to the network' },
    { name: 'attachable', type: 'boolean', description: 'Enable manual container attachment' },
    { name: 'label', type: 'list', description: 'Set metadata on a network (key=value)', value: 'list' },
    { name: 'opt', short: 'o', type: 'list', description: 'Set driver specific options', value: 'map' },
  ],
  args: [1, 1],
  async run(ctx, args) {
    const subnets = flagList(args, 'subnet');
    const gateways = flagList(args, 'gateway');
    const ranges = flagList(args, 'ip-range');
    if (gateways.length > subnets.length || ranges.length > subnets.length)
      throw new UsageError('every --gateway and --ip-range needs a --subnet it belongs to');
    const created = await (
      await ctx.daemon()
    ).post<{ Id: string }>('/networks/create', {
      Name: args.positional[0],
      Driver: flagString(args, 'driver') ?? 'bridge',
      Internal: flagBool(args, 'internal'),
      Attachable: flagBool(args, 'attachable'),
      CheckDuplicate: true,
      Labels: keyValueMap(flagList(args, 'label')),
      Options: keyValueMap(flagList(args, 'opt')),
      IPAM: {
        Driver: 'default',
        Config: subnets.map((Subnet, i) => ({
          Subnet,
          ...(gateways[i] && { Gateway: gateways[i] }),
          ...(ranges[i] && { IPRange: ranges[i] }),
        })),
      },
    });
    ctx.stdout.write(`${created.Id}\n`);
  },
};

const ls: Command = {
  name: 'ls',
  usage: 'berth network ls [OPTIONS]',
  summary: 'List networks',
  engine: 'daemon',
  flags: [
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Only display network IDs' },
    { name: 'no-trunc', type: 'boolean', description: 'Do not truncate the output' },
    {
      name: 'filter',
      short: 'f',
      type: 'list',
      description: 'Provide filter values (e.g. "driver=bridge", "name=x", "label=k", "type=custom")',
      value: 'filter',
    },
    formatFlag('{{.Name}}'),
  ],
  args: [0, 0],
  async run(ctx, args) {
    const filters = filtersQuery(flagList(args, 'filter'), [
      'dangling',
      'driver',
      'id',
      'label',
      'name',
      'scope',
      'type',
    ]);
    const networks = (await (await ctx.daemon()).get<Network[]>('/networks', { filters })).sort((a, b) =>
      a.Name.localeCompare(b.Name),
    );
    const id = (n: Network) => shortId(n.Id, flagBool(args, 'no-trunc'));
    if (flagBool(args, 'quiet')) {
      ctx.stdout.write(networks.map((n) => `${id(n)}\n`).join(''));
      return;
    }
    const columns: Column<Network>[] = [
      { header: 'NETWORK ID', field: 'ID', value: id },
      { header: 'NAME', field: 'Name', value: (n) => n.Name },
      { header: 'DRIVER', field: 'Driver', value: (n) => n.Driver },
      { header: 'SCOPE', field: 'Scope', value: (n) => n.Scope },
    ];
    ctx.stdout.write(
      formatRows(networks, columns, flagString(args, 'format'), (n) => ({
        CreatedAt: n.Created,
        IPv6: String(n.EnableIPv6),
        Internal: String(n.Internal),
        Labels: labelList(n.Labels),
      })),
    );
  },
};

const rm: Command = {
  name: 'rm',
  usage: 'berth network rm [OPTIONS] NETWORK [NETWORK...]',
  summary: 'Remove one or more networks',
  engine: 'daemon',
  flags: [
    { name: 'force', short: 'f', type: 'boolean', description: 'Do not error if the network does not exist' },
  ],
  args: [1],
  complete: ['network'],
  async run(ctx, args) {
    const daemon = await ctx.daemon();
    return forEachName(ctx, args.positional, async (name) => {
      try {
        await daemon.delete(`/networks/${encodeURIComponent(name)}`);
      } catch (err) {
        if (flagBool(args, 'force') && /not found|no such/i.test((err as Error).message)) return;
        throw err;
      }
      ctx.stdout.write(`${name}\n`);
    });
  },
};

const inspect: Command = {
  name: 'inspect',
  usage: 'berth network inspect [OPTIONS] NETWORK [NETWORK...]',
  summary: 'Display detailed information on one or more networks',
  engine: 'daemon',
  flags: [
    formatFlag('{{.Name}}', { table: false, short: true }),
    { name: 'verbose', short: 'v', type: 'boolean', description: 'Verbose output for diagnostics' },
  ],
  args: [1],
  complete: ['network'],
  async run(ctx, args) {
    const daemon = await ctx.daemon();
    const verbose = flagBool(args, 'verbose') ? 'true' : undefined;
    const found: unknown[] = [];
    const status = await forEachName(ctx, args.positional, async (name) => {
      found.push(await daemon.get(`/networks/${encodeURIComponent(name)}`, { verbose }));
    });
    ctx.stdout.write(formatInspect(found, flagString(args, 'format')));
    return status;
  },
};

const connect: Command = {
  name: 'connect',
  usage: 'berth network connect [OPTIONS] NETWORK CONTAINER',
  summary: 'Connect a container to a network',
  engine: 'daemon',
  flags: [
    {
      name: 'alias',
      type: 'list',
      description: 'Add network-scoped alias for the container',
      value: 'strings',
    },
    { name: 'ip', type: 'string', description: 'IPv4 address (e.g., "172.30.100.104")', value: 'string' },
    { name: 'link', type: 'list', description: 'Add link to another container', value: 'list' },
  ],
  args: [2, 2],
  complete: ['network', 'container'],
  async run(ctx, args) {
    const [network, container] = args.positional;
    const ip = flagString(args, 'ip');
    await (
      await ctx.daemon()
    ).post(`/networks/${encodeURIComponent(network)}/connect`, {
      Container: container,
      EndpointConfig: {
        Aliases: flagList(args, 'alias'),
        Links: flagList(args, 'link'),
        ...(ip && { IPAMConfig: { IPv4Address: ip } }),
      },
    });
  },
};

const disconnect: Command = {
  name: 'disconnect',
  usage: 'berth network disconnect [OPTIONS] NETWORK CONTAINER',
  summary: 'Disconnect a container from a network',
  engine: 'daemon',
  flags: [
    {
      name: 'force',
      short: 'f',
      type: 'boolean',
      description: 'Force the container to disconnect from a network',
    },
  ],
  args: [2, 2],
  complete: ['network', 'container'],
  async run(ctx, args) {
    const [network, container] = args.positional;
    await (
      await ctx.daemon()
    ).post(`/networks/${encodeURIComponent(network)}/disconnect`, {
      Container: container,
      Force: flagBool(args, 'force'),
    });
  },
};

const prune: Command = {
  name: 'prune',
  usage: 'berth network prune [OPTIONS]',
  summary: 'Remove all unused networks',
  engine: 'daemon',
  flags: [
    {
      name: 'filter',
      type: 'list',
      description: 'Provide filter values (e.g. "until=<timestamp>", "label=k")',
      value: 'filter',
    },
    { name: 'force', short: 'f', type: 'boolean', description: 'Do not prompt for confirmation' },
  ],
  args: [0, 0],
  async run(ctx, args) {
    if (
      !flagBool(args, 'force') &&
      !(await confirm(
        ctx,
        'WARNING! This will remove all custom networks not used by at least one container.',
      ))
    )
      return 0;
    const filters = filtersQuery(flagList(args, 'filter'), ['until', 'label', 'label!']);
    const report = await (
      await ctx.daemon()
    ).post<{ NetworksDeleted: string[] | null }>('/networks/prune', undefined, { filters });
    printPruned(ctx, 'Networks', report.NetworksDeleted);
  },
};

export const network: Command = {
  name: 'network',
  usage: 'berth network COMMAND',
  summary: 'Manage networks',
  engine: 'daemon',
  flags: [],
  args: [0],
  subcommands: [create, ls, rm, inspect, connect, disconnect, prune],
  run: async () => {},
};
