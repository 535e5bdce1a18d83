import * as assert from 'node:assert/strict';
import { dumpDockerfile, parseDockerfile } from '../../../engine/src/dockerfile';

describe('flags', () => {
  it('removes quotes and escapes from flag words as BuildKit does', () => {
    const df = parseDockerfile('FROM a\nCOPY --chown="a b" --from=\'x\' --x=a\\ b -- --not-a-flag /d\n');
    const copy = df.instructions[1];
    assert.deepEqual(
      copy.flags.map((f) => [f.name, f.value, df.text.slice(f.startOffset, f.endOffset)]),
      [
        ['chown', 'a b', '--chown="a b"'],
        ['from', 'x', "--from='x'"],
        ['x', 'a b', '--x=a\\ b'],
      ],
    );
    assert.deepEqual(
      copy.args.map((a) => a.value),
      ['--not-a-flag', '/d'],
    );
  });

  it('keeps bare flags and flags spread over continuation lines', () => {
    const text = 'FROM a\nCOPY --link \\\n  --chmod=755 a b\n';
    const df = parseDockerfile(text);
    const [link, chmod] = df.instructions[1].flags;
    assert.deepEqual([link.name, link.value, link.valueSpan], ['link', undefined, undefined]);
    assert.deepEqual(chmod.valueSpan?.range, {
      start: { line: 2, character: 10 },
      end: { line: 2, character: 13 },
    });
  });

  it('dumps flags, unknown instructions and ONBUILD triggers as BuildKit', () => {
    const df = parseDockerfile('FROM a\nFOO --x=1 bar\nONBUILD RUN --network=none echo\nONBUILD\n');
    assert.equal(
      dumpDockerfile(df),
      '(from "a")\n(foo ["--x=1"] "")\n(onbuild (run ["--network=none"] "echo"))\n(onbuild)',
    );
  });
});
