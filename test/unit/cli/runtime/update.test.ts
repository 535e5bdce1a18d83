import * as assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../../../../engine/src/cli/runtime/args';
import { parseBytes, updateFlags, updateResources } from '../../../../engine/src/cli/runtime/update';

describe('berth-runtime update', () => {
  const parse = (argv: string[], files: Record<string, string> = {}) =>
    updateResources(parseArgs(argv, updateFlags, 'update'), (f) => files[f]);

  it('reads sizes as runc does', () => {
    assert.equal(parseBytes('1024', 'memory'), 1024);
    assert.equal(parseBytes('64m', 'memory'), 64 * 2 ** 20);
    assert.equal(parseBytes('1.5GiB', 'memory'), 1.5 * 2 ** 30);
    assert.equal(parseBytes('2kb', 'memory'), 2048);
    assert.equal(parseBytes('-1', 'memory-swap'), -1);
    assert.throws(() => parseBytes('64 apples', 'memory'), /--memory "64 apples" is not a size/);
  });

  it('turns flags into linux.resources', () => {
    assert.deepEqual(
      parse([
        '--memory',
        '64m',
        '--memory-swap=-1',
        '--cpu-quota',
        '50000',
        '--cpuset-cpus',
        '0',
        '--pids-limit',
        '9',
        'c1',
      ]),
      { memory: { limit: 67108864, swap: -1 }, cpu: { quota: 50000, cpus: '0' }, pids: { limit: 9 } },
    );
  });

  it('takes the JSON engines pass, flags winning, device rules left alone', () => {
    const json = JSON.stringify({
      memory: { limit: 100, reservation: 50 },
      pids: { limit: 5 },
      devices: [{ allow: false, access: 'rwm' }],
    });
    assert.deepEqual(parse(['-r', '-', '--pids-limit', '7', 'c1'], { '-': json }), {
      memory: { limit: 100, reservation: 50 },
      pids: { limit: 7 },
    });
  });

  it('says what is wrong with its input', () => {
    assert.throws(
      () => parse(['-r', 'f', 'c1'], { f: '{' }),
      (e: Error) => e instanceof UsageError && /not JSON/.test(e.message),
    );
    assert.throws(() => parse(['-r', 'f', 'c1'], { f: '[1]' }), /must hold a linux.resources object/);
    assert.throws(() => parse(['--pids-limit', 'many', 'c1']), /--pids-limit "many" is not an integer/);
    assert.throws(() => parse(['--mem-bw-schema', 'MB:0=20', 'c1']), /Intel RDT/);
  });
});
