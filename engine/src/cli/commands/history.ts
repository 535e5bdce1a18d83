// `berth history` (`berth image history`): an image's layers, newest first, as the docker CLI lists them.
import { flagBool, flagString } from '../args';
import type { ImageHistoryItem } from '../../api/types';
import { formatFlag, type Column, formatRows } from '../render/format';
import { ago, humanSize, shortId } from '../render/units';
import type { Command } from './command';

/** docker's Ellipsis: at most `max` characters, the last one an ellipsis when cut. */
function ellipsis(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export const history: Command = {
  name: 'history',
  usage: 'berth history [OPTIONS] IMAGE',
  summary: 'Show the history of an image',
  engine: 'either',
  flags: [
    {
      name: 'human',
      short: 'H',
      type: 'boolean',
      description: 'Print sizes and dates in human readable format (default true; --human=false for raw)',
    },
    { name: 'no-trunc', type: 'boolean', description: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Only show image IDs' },
    formatFlag('{{.CreatedBy}}'),
  ],
  args: [1, 1],
  complete: ['image'],
  async run(ctx, args) {
    const name = args.positional[0];
    const daemon = await ctx.daemonIfRunning();
    const items = daemon
      ? await daemon.get<ImageHistoryItem[]>(`/images/${encodeURIComponent(name)}/history`)
      : ctx.backend.history(name);
    const noTrunc = flagBool(args, 'no-trunc');
    const human = args.flags.get('human') !== false;
    const id = (item: ImageHistoryItem): string =>
      item.Id === '<missing>' ? item.Id : shortId(item.Id, noTrunc);
    if (flagBool(args, 'quiet')) {
      ctx.stdout.write(items.map((item) => `${id(item)}\n`).join(''));
      return;
    }
    const created = (item: ImageHistoryItem): string =>
      human ? ago(item.Created) : new Date(item.Created * 1000).toISOString().replace(/\.000Z$/, 'Z');
    const createdBy = (item: ImageHistoryItem): string => {
      const text = item.CreatedBy.replace(/\t/g, ' ');
      return noTrunc ? text : ellipsis(text, 45);
    };
    const size = (item: ImageHistoryItem): string => (human ? humanSize(item.Size) : String(item.Size));
    const columns: Column<ImageHistoryItem>[] = [
      { header: 'IMAGE', field: 'ID', value: id },
      { header: 'CREATED', field: 'CreatedSince', value: created },
      { header: 'CREATED BY', field: 'CreatedBy', value: createdBy },
      { header: 'SIZE', field: 'Size', value: size },
      { header: 'COMMENT', field: 'Comment', value: (item) => item.Comment },
    ];
    ctx.stdout.write(
      formatRows(items, columns, flagString(args, 'format'), (item) => ({
        CreatedAt: new Date(item.Created * 1000).toISOString(),
        CreatedSince: ago(item.Created),
      })),
    );
  },
};
