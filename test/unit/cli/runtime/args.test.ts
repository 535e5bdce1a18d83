import * as assert from 'node:assert/strict';
import { all, bool, flag, parseArgs, UsageError } from '../../../../engine/src/cli/runtime/args';

describe('berth-runtime argument parsing', () => {
  const specs = [
    { name: 'bundle', aliases: ['b'], value: true },
    { name: 'env', aliases: ['e'], value: true, repeat: true },
    { name: 'tty', aliases: ['t'] },
  ];

  it('reads flags in both forms, then the positional arguments', () => {
    const p = parseArgs(
      ['--bundle=/b', '-e', 'A=1', '--env', 'B=2', '-t', 'id', 'sh', '-c', 'x'],
      specs,
      'exec',
    );
    assert.equal(flag(p, 'bundle'), '/b');
    assert.deepEqual(all(p, 'env'), ['A=1', 'B=2']);
    assert.ok(bool(p, 'tty'));
    assert.deepEqual(p.positional, ['id', 'sh', '-c', 'x'], 'flags after the id belong to the command');
  });

  it('accepts --flag=false for booleans', () => {
    assert.equal(bool(parseArgs(['--tty=false', 'x'], specs, 'exec'), 'tty'), false);
  });

  it('rejects unknown flags and missing values, naming the command', () => {
    assert.throws(
      () => parseArgs(['--nope', 'x'], specs, 'exec'),
      (e: Error) => e instanceof UsageError && /exec: unknown flag --nope/.test(e.message),
    );
    assert.throws(() => parseArgs(['--bundle'], specs, 'create'), /--bundle needs a value/);
  });
});
