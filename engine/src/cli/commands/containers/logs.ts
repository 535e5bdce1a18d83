// `berth logs`: a container's json-file log through the API, demultiplexed to stdout and stderr.
import { flagBool, flagString } from '../../args';
import { errorMessage } from '../../daemon/client';
import { demultiplex } from '../../daemon/streams';
import type { Command } from '../command';

export const logs: Command = {
  name: 'logs',
  usage: 'berth logs [OPTIONS] CONTAINER',
  summary: 'Fetch the logs of a container',
  engine: 'daemon',
  flags: [
    { name: 'follow', short: 'f', type: 'boolean', description: 'Follow log output' },
    {
      name: 'tail',
      short: 'n',
      type: 'string',
      description: 'Number of lines to show from the end of the logs (default "all")',
      value: 'string',
    },
    {
      name: 'since',
      type: 'string',
      description: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)',
      value: 'string',
    },
    {
      name: 'until',
      type: 'string',
      description: 'Show logs before a timestamp or relative (e.g. 42m)',
      value: 'string',
    },
    { name: 'timestamps', short: 't', type: 'boolean', description: 'Show timestamps' },
  ],
  args: [1, 1],
  complete: ['container'],
  async run(ctx, args) {
    const daemon = await ctx.daemon();
    const id = encodeURIComponent(args.positional[0]);
    const info = await daemon.get<{ Config: { Tty: boolean } }>(`/containers/${id}/json`);
    const res = await daemon.raw('GET', `/containers/${id}/logs`, {
      stdout: 1,
      stderr: 1,
      follow: flagBool(args, 'follow') || undefined,
      tail: flagString(args, 'tail'),
      since: toUnixTime(flagString(args, 'since')),
      until: toUnixTime(flagString(args, 'until')),
      timestamps: flagBool(args, 'timestamps') || undefined,
    });
    if (res.status >= 400) {
      let text = '';
      for await (const c of res.body) text += String(c);
      throw new Error(`Error response from daemon: ${errorMessage(text)}`);
    }
    if (info.Config.Tty) {
      for await (const c of res.body) ctx.stdout.write(c as Buffer);
    } else {
      await demultiplex(res.body, ctx.stdout, ctx.stderr);
    }
  },
};

/** docker's --since/--until: a Unix time, an RFC 3339 time, or a duration back from now (10m, 1h30m). */
export function toUnixTime(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  const duration = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(value);
  if (duration && value !== '') {
    const [, h = '0', m = '0', s = '0'] = duration;
    return String(Math.floor(now / 1000 - Number(h) * 3600 - Number(m) * 60 - Number(s)));
  }
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new Error(`invalid time "${value}": use a Unix time, RFC 3339, or a duration like 10m`);
  return String(t / 1000);
}
