import * as assert from 'node:assert/strict';
import { parseDockerfile, parentStage } from '../../../engine/src/dockerfile';

function errors(text: string): string[] {
  const df = parseDockerfile(text);
  return df.errors.map((e) => `${e.message} @ ${df.text.slice(e.startOffset, e.endOffset)}`);
}

describe('stage graph checks', () => {
  it('refuses variables in COPY --from', () => {
    assert.deepEqual(errors('ARG S=a\nFROM a\nCOPY --from=$S /x /y\n'), [
      'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround @ --from=$S',
    ]);
  });

  it('checks stage indexes', () => {
    assert.deepEqual(errors('FROM a\nFROM b\nCOPY --from=0 /x /y\nCOPY --from=2 /x /y\n'), [
      'invalid stage index 2 @ --from=2',
    ]);
  });

  it('finds stages that depend on each other', () => {
    const text = 'FROM a AS one\nCOPY --from=two /x /y\nFROM b AS two\nRUN --mount=from=one,target=/m true\n';
    assert.deepEqual(errors(text), ['circular dependency detected on stage: one @ --from=two']);
    assert.deepEqual(errors('FROM a AS self\nCOPY --from=SELF /x /y\n'), [
      'circular dependency detected on stage: self @ --from=SELF',
    ]);
  });

  it('accepts images and later stages that do not loop back', () => {
    assert.deepEqual(
      errors('FROM a AS one\nCOPY --from=two /x /y\nCOPY --from=nginx:1 /x /y\nFROM b AS two\n'),
      [],
    );
  });

  it('finds the stage a FROM builds on, whatever the case', () => {
    const df = parseDockerfile('FROM a AS Build\nFROM build\nFROM BUILD\nFROM other\n');
    assert.deepEqual(
      df.stages.map((s) => parentStage(df, s)?.index),
      [undefined, 0, 0, undefined],
    );
  });
});
