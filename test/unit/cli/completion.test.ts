import * as assert from 'node:assert/strict';
import type { CompletionKind } from '../../../engine/src/cli/args';
import { globalFlags, main } from '../../../engine/src/cli/berth';
import { aliases, commands } from '../../../engine/src/cli/commands/index';
import { complete } from '../../../engine/src/cli/completion/complete';

describe('shell completion candidates', () => {
  const asked: { kind: CompletionKind; globalArgs: string[] }[] = [];
  const objects: Record<CompletionKind, string[]> = {
    image: ['busybox:latest', 'busybox:1.36', 'registry.local/app:1'],
    container: ['web', 'db'],
    volume: ['data'],
    network: ['back'],
    file: [],
  };
  const values = async (...words: string[]) => {
    asked.length = 0;
    const found = await complete(words, {
      globalFlags,
      commands,
      aliases,
      list: async (kind, globalArgs) => {
        asked.push({ kind, globalArgs });
        return objects[kind];
      },
    });
    return found.map((c) => c.value);
  };

  it('offers the visible verbs, global flags, and subcommands with their aliases', async () => {
    const verbs = await values('');
    for (const v of ['build', 'run', 'images', 'system', 'image', 'completion'])
      assert.ok(verbs.includes(v), v);
    assert.ok(!verbs.includes('__complete'), 'hidden verbs stay hidden');
    assert.deepEqual(await values('ima'), ['images', 'image']);
    assert.deepEqual(await values('--ro'), ['--root']);
    assert.deepEqual(await values('system', ''), ['df', 'events', 'info', 'prune']);
    assert.deepEqual(await values('image', 'l'), ['list', 'load', 'ls']);
    assert.deepEqual(await values('image', 'p'), ['prune', 'pull', 'push']);
    assert.deepEqual(await values('image', 'h'), ['history']);
    assert.deepEqual(await values('network', 'c'), ['connect', 'create']);
    // The same words `berth container --help` lists (plus `list`, the alias of `ls`), sorted.
    assert.deepEqual(await values('container', ''), [
      'attach',
      'commit',
      'cp',
      'create',
      'diff',
      'exec',
      'export',
      'inspect',
      'kill',
      'list',
      'logs',
      'ls',
      'pause',
      'port',
      'prune',
      'rename',
      'restart',
      'rm',
      'run',
      'start',
      'stats',
      'stop',
      'top',
      'unpause',
      'update',
      'wait',
    ]);
    assert.deepEqual(await values('image', 'inspect', '--f'), ['--format']);
  });

  it('lists every subcommand of a management command in its --help, as completion offers them', async () => {
    for (const group of ['image', 'container', 'volume', 'network', 'system']) {
      const out: string[] = [];
      const io = {
        stdin: process.stdin,
        stdout: { write: (t: string) => out.push(t) } as unknown as NodeJS.WriteStream,
        stderr: process.stderr,
      };
      assert.equal(await main([group, '--help'], io), 0);
      const listed = out
        .join('')
        .split('Commands:\n')[1]
        .split('\n\n')[0]
        .split('\n')
        .map((l) => l.trim().split(/\s+/)[0]);
      const offered = (await values(group, '')).filter((w) => w !== 'list');
      assert.deepEqual(listed, offered, group);
    }
  });

  it('offers a verb its own flags, and fixed flag values in both spellings', async () => {
    assert.deepEqual(await values('images', '--d'), ['--digests']);
    assert.deepEqual(await values('system', 'df', '-'), ['--verbose', '-v', '--format', '--help']);
    assert.deepEqual(await values('images', '--format', ''), ['json', 'table']);
    assert.deepEqual(await values('images', '--format=j'), ['--format=json']);
    assert.deepEqual(await values('image', 'prune', '--'), ['--all', '--force', '--help']);
  });

  it('lists objects for positional arguments and flag values, with the global flags typed', async () => {
    assert.deepEqual(await values('rmi', 'busybox:'), ['busybox:latest', 'busybox:1.36']);
    assert.deepEqual(asked, [{ kind: 'image', globalArgs: [] }]);
    assert.deepEqual(await values('--root', '/tmp/x', 'image', 'rm', '-f', 'reg'), ['registry.local/app:1']);
    assert.deepEqual(asked, [{ kind: 'image', globalArgs: ['--root', '/tmp/x'] }]);
    assert.deepEqual(await values('image', 'ls', ''), objects.image);
    assert.deepEqual(await values('network', 'connect', 'b'), ['back']);
    assert.deepEqual(await values('network', 'connect', '--alias', 'x', 'back', ''), ['web', 'db']);
    assert.deepEqual(await values('volume', 'rm', '-f', 'data', ''), ['data'], 'the last kind repeats');
    assert.deepEqual(await values('cp', 'w'), ['web']);
  });

  it('stops where the verb takes no more arguments or the container command begins', async () => {
    assert.deepEqual(await values('tag', 'a', 'b', ''), []);
    assert.deepEqual(await values('run', 'busybox', ''), []);
    assert.deepEqual(await values('run', 'busybox', '--'), [], "the container command's flags are its own");
    assert.deepEqual(await values('run', '-e', 'A=1', 'b'), ['busybox:latest', 'busybox:1.36']);
    assert.deepEqual(await values('build', ''), [], 'file names: left to the shell');
    assert.deepEqual(asked, [{ kind: 'file', globalArgs: [] }]);
    assert.deepEqual(await values('nosuchverb', ''), []);
  });
});
