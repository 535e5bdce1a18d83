// `berth completion bash|zsh` sourced into a real bash and zsh, driven the way the shells call a
// completion function, with the candidates coming from the real berth and its image store.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxLayout, skopeoPush } from '../../helpers/busybox-image';
import { haveBusybox } from '../../helpers/busybox-rootfs';
import { haveRegistry, startRegistry, type TestRegistry } from '../../helpers/registry';
import { skipBecause } from '../../helpers/skip';

const berthBin = join(__dirname, '../../../../bin/berth');

function haveZsh(): boolean {
  return ['/usr/bin/zsh', '/bin/zsh'].some((p) => existsSync(p));
}

/** Runs a shell script with `berth` on PATH; stdout. */
function shell(program: 'bash' | 'zsh', script: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = program === 'bash' ? ['--norc', '--noprofile', '-c', script] : ['-f', '-c', script];
    const child = spawn(program, args, {
      env: { ...process.env, PATH: `${path}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${program} exited ${code}: ${err}`)),
    );
  });
}

/** COMP_WORDS as bash splits a line: at blanks, and at COMP_WORDBREAKS' `=` and `:` (kept as words). */
function bashWords(line: string): string[] {
  const words = line.split(/\s+/).flatMap((w) => w.split(/([=:]+)/).filter((p) => p !== ''));
  if (/\s$/.test(line) || line === '') words.push('');
  return words;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('berth shell completion (bash and zsh)', function () {
  this.timeout(120_000);
  let work: string;
  let root: string;
  let bin: string;
  let registry: TestRegistry | undefined;

  before(async function () {
    if (!haveRegistry() || !haveBusybox()) {
      skipBecause(this, 'needs docker-registry, skopeo and busybox-static (apt, see .ci/setup)');
    }
    work = mkdtempSync(join(tmpdir(), 'berth-completion-'));
    root = join(work, 'root');
    bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(berthBin, join(bin, 'berth'));
    registry = await startRegistry();
    const layout = makeBusyboxLayout(join(work, 'layout'));
    skopeoPush(layout, `${registry.address}/library/busybox:1.36`);
    const berth = (...args: string[]) => execFileSync(process.execPath, [berthBin, '--root', root, ...args]);
    berth('pull', '-q', `${registry.address}/library/busybox:1.36`);
    berth('tag', `${registry.address}/library/busybox:1.36`, 'busybox:1.36');
  });
  after(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** What bash completes for `line` (the cursor at its end). */
  async function bash(line: string): Promise<string[]> {
    const words = bashWords(line);
    const script = [
      'source <(berth completion bash)',
      `COMP_LINE=${quote(line)}`,
      'COMP_POINT=${#COMP_LINE}',
      `COMP_WORDS=(${words.map(quote).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      '_berth_complete',
      'printf "%s\\n" "${COMPREPLY[@]}"',
      'complete -p berth',
    ].join('\n');
    const out = (await shell('bash', script, bin)).split('\n');
    assert.equal(out[out.length - 2], 'complete -o default -F _berth_complete berth');
    return out.slice(0, -2).filter((l) => l !== '');
  }

  /** What zsh's completion function hands compadd for `words` (the last one being completed). */
  async function zsh(...words: string[]): Promise<string[]> {
    const script = [
      'compdef() { print -r -- "compdef $*" }',
      '_files() { print -r -- "<files>" }',
      'compadd() { local i=${@[(i)--]}; print -rl -- "${(@)@[i+1,-1]}"; print -rl -- "descriptions:" "${(@)descriptions}" }',
      'source <(berth completion zsh)',
      `words=(berth ${words.map(quote).join(' ')})`,
      `CURRENT=${words.length + 1}`,
      '_berth',
    ].join('\n');
    const lines = (await shell('zsh', script, bin)).split('\n');
    return lines.filter((l) => l !== '' && !l.startsWith('compdef '));
  }

  it('bash: verbs, subcommands, flags and flag values from the command tables', async () => {
    const verbs = await bash('berth ');
    for (const v of ['build', 'images', 'system', 'completion'])
      assert.ok(verbs.includes(v), verbs.join(' '));
    assert.ok(!verbs.includes('__complete'));
    assert.deepEqual(await bash('berth system d'), ['df']);
    assert.deepEqual(await bash('berth images --dig'), ['--digests']);
    assert.deepEqual(await bash('berth images --format '), ['json', 'table']);
    assert.deepEqual(await bash('berth images --format='), ['json', 'table'], 'after the = bash splits off');
    assert.deepEqual(await bash('berth images --format=j'), ['json']);
    assert.deepEqual(await bash('berth build '), [], 'nothing: bash falls back to file names');
  });

  it('bash: image names from the store the line names, completed across bash\'s ":" split', async () => {
    assert.deepEqual(await bash(`berth --root ${root} rmi busy`), ['busybox:1.36']);
    assert.deepEqual(await bash(`berth --root ${root} rmi busybox:`), ['1.36']);
    const port = registry!.address.split(':')[1];
    assert.deepEqual(await bash(`berth --root ${root} image inspect 127.0.0.1:`), [
      `${port}/library/busybox:1.36`,
    ]);
    assert.deepEqual(await bash(`berth --root ${root} tag busybox:1.36 busybox:1.36 `), [], 'tag takes two');
  });

  it('zsh: the same candidates, with descriptions, and file names when there are none', async function () {
    if (!haveZsh()) skipBecause(this, 'needs zsh (apt-get install zsh, see .ci/setup)');
    const sub = await zsh('image', 'p');
    assert.deepEqual(sub.slice(0, 3), ['prune', 'pull', 'push']);
    assert.equal(sub[4], 'prune  -- Remove unused images');
    assert.deepEqual((await zsh('--root', root, 'rmi', 'busybox:')).slice(0, 1), ['busybox:1.36']);
    assert.deepEqual(await zsh('build', ''), ['<files>']);
    assert.equal(
      (
        await shell('zsh', 'compdef() { print -r -- "compdef $*" }\nsource <(berth completion zsh)', bin)
      ).trim(),
      'compdef _berth berth',
    );
  });
});
