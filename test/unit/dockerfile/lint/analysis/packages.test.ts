import * as assert from 'node:assert/strict';
import { hasOption, packageInvocation } from '../../../../../engine/src/dockerfile/lint/analysis/packages';
import { tokenizeShell } from '../../../../../engine/src/dockerfile/lint/analysis/shell';

function invocation(script: string) {
  const [cmd] = tokenizeShell(script, 0, script.length).commands;
  return packageInvocation(cmd);
}

describe('server/analysis/packages', () => {
  it('splits apt-get into subcommand, options and operands, skipping option values', () => {
    const inv = invocation(
      'apt-get -o Dpkg::Options::=--force-confold install -y --no-install-recommends curl git=1:2.39',
    )!;
    assert.equal(inv.manager, 'apt-get');
    assert.equal(inv.subcommand?.value, 'install');
    assert.deepEqual(
      inv.operands.map((w) => w.value),
      ['curl', 'git=1:2.39'],
    );
    assert.ok(hasOption(inv, 'y', '--yes'));
    assert.ok(hasOption(inv, undefined, '--no-install-recommends'));
  });

  it('recognises option clusters', () => {
    assert.ok(hasOption(invocation('apt-get install -qy curl')!, 'y', '--yes'));
    assert.ok(!hasOption(invocation('apt-get install -q curl')!, 'y', '--yes'));
  });

  it('recognises python -m pip and pip3', () => {
    assert.equal(invocation('python3 -m pip install flask')?.manager, 'pip');
    assert.equal(invocation('pip3 install flask')?.subcommand?.value, 'install');
    assert.deepEqual(
      invocation('pip install -r requirements.txt flask==3.0')?.operands.map((w) => w.value),
      ['flask==3.0'],
    );
  });

  it('ignores other commands', () => {
    assert.equal(invocation('echo apt-get install'), undefined);
  });
});
