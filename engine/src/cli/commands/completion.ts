// `berth completion bash|zsh` prints the shell script; the hidden `berth __complete -- WORDS…` is
// what the script calls on each TAB.
import { PassThrough, Readable, Writable } from 'node:stream';
import { UsageError, type CompletionKind } from '../args';
import { complete } from '../completion/complete';
import { bashScript, zshScript } from '../completion/scripts';
import type { Command } from './command';
// A cycle (berth.ts → index.ts → here), safe because these are only read when a command runs.
import { globalFlags, main, resolveCommand } from '../berth';
import { aliases, commands } from './index';

// The listing that names each kind of object; kinds whose verb berth lacks list nothing.
const listings: Record<Exclude<CompletionKind, 'file'>, string[]> = {
  container: ['ps', '--all', '--format', '{{.Names}}'],
  image: ['images', '--format', '{{.Repository}}:{{.Tag}}'],
  volume: ['volume', 'ls', '--format', '{{.Name}}'],
  network: ['network', 'ls', '--format', '{{.Name}}'],
};

export const completion: Command = {
  name: 'completion',
  usage: 'berth completion bash|zsh',
  summary: 'Print the shell completion script for bash or zsh',
  flags: [],
  args: [1, 1],
  complete: [],
  async run(ctx, args) {
    const shell = args.positional[0];
    if (shell === 'bash') ctx.stdout.write(bashScript);
    else if (shell === 'zsh') ctx.stdout.write(zshScript);
    else throw new UsageError(`no completion for "${shell}": berth completes bash and zsh`);
  },
};

export const completeWords: Command = {
  name: '__complete',
  usage: 'berth __complete -- [WORD...]',
  summary: 'Print the completions of the last word (used by the completion scripts)',
  flags: [],
  args: [0],
  hidden: true,
  async run(ctx, args) {
    const candidates = await complete(args.positional.length ? args.positional : [''], {
      globalFlags,
      commands,
      aliases,
      list: async (kind, globalArgs) => {
        if (kind === 'file') return [];
        const argv = listings[kind];
        if (!resolveCommand(argv).command) return [];
        let out = '';
        const sink = new Writable({
          write: (chunk: Buffer, _enc, done) => {
            out += chunk.toString();
            done();
          },
        });
        const status = await main([...globalArgs, ...argv], {
          stdin: Readable.from([]),
          stdout: sink,
          stderr: new PassThrough().resume(),
        });
        if (status !== 0) return [];
        return out.split('\n').filter((name) => name !== '' && !name.includes('<none>'));
      },
    });
    for (const c of candidates)
      ctx.stdout.write(c.description ? `${c.value}\t${c.description.split('\n')[0]}\n` : `${c.value}\n`);
  },
};
