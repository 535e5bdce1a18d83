import { flagBool, flagString } from '../args';
import { formatFlag, type Column, formatRows } from '../render/format';
import { ago, humanSize, shortId } from '../render/units';
import type { Command } from './command';
import { listOnDaemon } from '../daemon/images';

interface Row {
  repository: string;
  tag: string;
  digest: string;
  id: string;
  created: number;
  size: number;
}

export const images: Command = {
  name: 'images',
  usage: 'berth images [OPTIONS] [REPOSITORY[:TAG]]',
  summary: 'List images',
  engine: 'either',
  flags: [
    {
      name: 'all',
      short: 'a',
      type: 'boolean',
      description: 'Show all images (default hides intermediate images)',
    },
    { name: 'digests', type: 'boolean', description: 'Show digests' },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Only show image IDs' },
    { name: 'no-trunc', type: 'boolean', description: "Don't truncate output" },
    formatFlag('{{.Repository}}'),
  ],
  args: [0, 1],
  complete: ['image'],
  async run(ctx, args) {
    const noTrunc = flagBool(args, 'no-trunc');
    const filter = args.positional[0];
    const rows: Row[] = [];
    const daemon = await ctx.daemonIfRunning();
    const list = daemon ? await listOnDaemon(daemon, flagBool(args, 'all')) : ctx.backend.list();
    for (const image of list) {
      const id = shortId(image.Id, noTrunc);
      const digests = new Map(
        image.RepoDigests.map((d) => [d.slice(0, d.lastIndexOf('@')), d.slice(d.lastIndexOf('@') + 1)]),
      );
      const base = { id, created: image.Created, size: image.Size };
      if (image.RepoTags.length === 0) {
        const [repo, digest] = [...digests][0] ?? ['<none>', '<none>'];
        rows.push({ ...base, repository: repo, tag: '<none>', digest });
      }
      for (const tag of image.RepoTags) {
        const colon = tag.lastIndexOf(':');
        const repository = tag.slice(0, colon);
        rows.push({
          ...base,
          repository,
          tag: tag.slice(colon + 1),
          digest: digests.get(repository) ?? '<none>',
        });
      }
    }
    const shown = filter ? rows.filter((r) => matches(r, filter)) : rows;
    if (flagBool(args, 'quiet')) {
      ctx.stdout.write([...new Set(shown.map((r) => r.id))].map((id) => `${id}\n`).join(''));
      return;
    }
    const columns: Column<Row>[] = [
      { header: 'REPOSITORY', field: 'Repository', value: (r) => r.repository },
      { header: 'TAG', field: 'Tag', value: (r) => r.tag },
      ...(flagBool(args, 'digests')
        ? [{ header: 'DIGEST', field: 'Digest', value: (r: Row) => r.digest }]
        : []),
      { header: 'IMAGE ID', field: 'ID', value: (r) => r.id },
      { header: 'CREATED', field: 'CreatedSince', value: (r) => ago(r.created) },
      { header: 'SIZE', field: 'Size', value: (r) => humanSize(r.size) },
    ];
    ctx.stdout.write(
      formatRows(shown, columns, flagString(args, 'format'), (r) => ({
        Containers: 'N/A',
        CreatedAt: r.created
          ? new Date(r.created * 1000)
              .toISOString()
              .replace('T', ' ')
              .replace(/\.\d+Z$/, ' +0000 UTC')
          : '',
        Digest: r.digest,
        SharedSize: 'N/A',
        UniqueSize: 'N/A',
        VirtualSize: humanSize(r.size),
      })),
    );
  },
};

/** `berth images busybox` / `busybox:1.36`: match the repository (and tag) like docker's reference filter. */
function matches(row: Row, filter: string): boolean {
  const colon = filter.lastIndexOf(':');
  const [repo, tag] =
    colon > filter.lastIndexOf('/') ? [filter.slice(0, colon), filter.slice(colon + 1)] : [filter, undefined];
  return (
    (row.repository === repo || row.repository === `library/${repo}`) &&
    (tag === undefined || row.tag === tag)
  );
}
