// `berth events`: the daemon's event stream, one line per event as the docker CLI prints it
// (`2026-11-28T10:00:00.123456789Z container start <id> (image=busybox, name=web)`), or through
// `--format`. Runs until Ctrl-C, or until `--until` has passed.
import { flagList, flagString } from '../../args';
import { formatFlag, formatValue } from '../../render/format';
import { eventFilters, type EventMessage } from '../../../api/types';
import { streamJson } from '../../daemon/streams';
import type { Command } from '../command';
import { filtersQuery } from '../filters';
import { toUnixTime } from './logs';

/** docker's RFC3339NanoFixed, in UTC: nine digits of fraction always. */
export function eventTime(e: Pick<EventMessage, 'time' | 'timeNano'>): string {
  const nanos = e.timeNano ? BigInt(e.timeNano) : BigInt(e.time) * 1_000_000_000n;
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

export function eventLine(e: EventMessage): string {
  const attributes = Object.entries(e.Actor.Attributes ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  return `${eventTime(e)} ${e.Type} ${e.Action} ${e.Actor.ID}${attributes.length ? ` (${attributes.join(', ')})` : ''}\n`;
}

export const events: Command = {
  name: 'events',
  usage: 'berth events [OPTIONS]',
  summary: 'Get real time events from the server',
  engine: 'daemon',
  flags: [
    {
      name: 'filter',
      short: 'f',
      type: 'list',
      description: `Filter output based on conditions provided (${eventFilters.join(', ')})`,
      value: 'filter',
    },
    {
      name: 'since',
      type: 'string',
      description: 'Show all events created since timestamp (Unix, RFC 3339 or relative, e.g. 10m)',
      value: 'string',
    },
    { name: 'until', type: 'string', description: 'Stream events until this timestamp', value: 'string' },
    formatFlag('{{.Type}} {{.Action}} {{.Actor.ID}}', { table: false }),
  ],
  args: [0, 0],
  async run(ctx, args) {
    const daemon = await ctx.daemon();
    const format = flagString(args, 'format');
    const query = {
      since: toUnixTime(flagString(args, 'since')),
      until: toUnixTime(flagString(args, 'until')),
      filters: filtersQuery(flagList(args, 'filter'), eventFilters),
    };
    for await (const e of streamJson<EventMessage>(daemon, '/events', query)) {
      if (!format) ctx.stdout.write(eventLine(e));
      else if (format === 'json') ctx.stdout.write(`${JSON.stringify(e)}\n`);
      else
        ctx.stdout.write(
          formatValue(
            {
              Type: e.Type,
              Action: e.Action,
              Actor: e.Actor,
              Scope: e.scope,
              Time: e.time,
              TimeNano: e.timeNano,
              Status: e.status,
              ID: e.id,
              From: e.from,
            },
            format,
          ),
        );
    }
  },
};
