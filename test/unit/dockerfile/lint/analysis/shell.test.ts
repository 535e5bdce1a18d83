import * as assert from 'node:assert/strict';
import { commandName, tokenizeShell } from '../../../../../engine/src/dockerfile/lint/analysis/shell';

function commands(script: string, escape?: string): string[][] {
  return tokenizeShell(script, 0, script.length, escape).commands.map((c) => c.words.map((w) => w.value));
}

describe('server/analysis/shell', () => {
  it('splits a script into simple commands at operators', () => {
    assert.deepEqual(commands('apt-get update && apt-get install -y curl; rm -rf /x || true'), [
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'curl'],
      ['rm', '-rf', '/x'],
      ['true'],
    ]);
  });

  it('removes quotes but keeps substitutions whole', () => {
    assert.deepEqual(commands(`echo "a b" 'c d' $(cat "x y") \${V:-"z"}`), [
      ['echo', 'a b', 'c d', '$(cat "x y")', '${V:-"z"}'],
    ]);
  });

  it('treats Dockerfile continuations as whitespace and drops comment lines inside them', () => {
    const script = 'apt-get install \\\n  # why curl\n  curl \\\n\n  git';
    assert.deepEqual(commands(script, '\\'), [['apt-get', 'install', 'curl', 'git']]);
  });

  it('reports pipes but not ||', () => {
    assert.equal(tokenizeShell('a || b', 0, 6).hasPipe, false);
    assert.equal(tokenizeShell('curl x | sh', 0, 11).hasPipe, true);
  });

  it('skips redirections and their targets', () => {
    assert.deepEqual(commands('echo hi > /tmp/x 2>&1 && cat < /tmp/x'), [['echo', 'hi'], ['cat']]);
  });

  it('gives offsets into the original text', () => {
    const text = 'RUN  apt-get install curl';
    const [cmd] = tokenizeShell(text, 5, text.length).commands;
    assert.equal(text.slice(cmd.words[2].start, cmd.words[2].end), 'curl');
  });

  it('names the command after assignments and sudo', () => {
    const [cmd] = tokenizeShell(
      'DEBIAN_FRONTEND=noninteractive sudo -E /usr/bin/apt-get install',
      0,
      63,
    ).commands;
    assert.equal(commandName(cmd), 'apt-get');
  });

  it('never throws on unbalanced input', () => {
    for (const s of ['"abc', "'abc", '$(abc', '${abc', '`abc', '\\', 'a \\']) {
      assert.doesNotThrow(() => tokenizeShell(s, 0, s.length, '\\'));
    }
  });
});
