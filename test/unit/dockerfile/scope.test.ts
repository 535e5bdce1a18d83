import * as assert from 'node:assert/strict';
import { analyzeVariables, parseDockerfile } from '../../../engine/src/dockerfile';

/** Each reference as `name -> kind@line` (or `undefined`), with whether the builder expands it. */
function resolved(text: string): string[] {
  const df = parseDockerfile(text);
  return analyzeVariables(df).references.map((r) => {
    const def = r.definition;
    const where = def
      ? `${def.kind}${def.instruction ? '@' + (def.instruction.range.start.line + 1) : ''}`
      : 'undefined';
    return `${r.reference.name} -> ${where}${r.expandedByBuilder ? '' : ' (shell)'}`;
  });
}

describe('analyzeVariables', () => {
  it('lets FROM see global ARGs and the predefined platform ARGs', () => {
    const text = 'ARG BASE=alpine\nFROM --platform=$BUILDPLATFORM $BASE\nRUN echo $BASE\n';
    assert.deepEqual(resolved(text), [
      'BUILDPLATFORM -> predefined',
      'BASE -> ARG@1',
      'BASE -> undefined (shell)',
    ]);
  });

  it('gives a bare ARG in a stage the global value', () => {
    const df = parseDockerfile('ARG V=1\nFROM a\nARG V\nWORKDIR /$V\nARG TARGETARCH\nENV X=$TARGETARCH\n');
    const analysis = analyzeVariables(df);
    const [v, arch] = analysis.references.map((r) => r.definition!);
    assert.equal(v.kind, 'ARG');
    assert.equal(v.inherits?.value, '1');
    assert.equal(arch.inherits?.kind, 'predefined');
  });

  it('makes ENV visible after its instruction and ARG after its word', () => {
    const text = 'FROM a\nENV A=1 B=$A\nENV C=$A\nARG D=1 E=$D\n';
    assert.deepEqual(resolved(text), ['A -> undefined', 'A -> ENV@2', 'D -> ARG@4']);
  });

  it('inherits definitions from the stage a FROM builds on, not from others', () => {
    const text = 'FROM a AS base\nENV X=1\nFROM b AS other\nENV Y=2\nFROM base\nRUN echo $X $Y\nCOPY $X $Y\n';
    assert.deepEqual(resolved(text), [
      'X -> ENV@2 (shell)',
      'Y -> undefined (shell)',
      'X -> ENV@2',
      'Y -> undefined',
    ]);
  });

  it('knows PATH in every stage, and which references BuildKit expands', () => {
    const text =
      'FROM a\nENV PATH=$PATH:/x\nRUN --mount=type=cache,id=$PATH,target=/c echo $HOME\nCOPY <<EOF /f\n$HOME\nEOF\n';
    assert.deepEqual(resolved(text), [
      'PATH -> predefined',
      'PATH -> ENV@2',
      'HOME -> undefined (shell)',
      'HOME -> undefined',
    ]);
  });

  it('finds definitions, references and what is visible at a position', () => {
    const text = 'ARG G=1\nFROM a\nARG G\nENV E=$G\nLABEL l=$E\n';
    const df = parseDockerfile(text);
    const analysis = analyzeVariables(df);
    const e = analysis.definitions.find((d) => d.name === 'E')!;
    assert.deepEqual(
      analysis.referencesTo(e).map((r) => r.instruction.name),
      ['LABEL'],
    );
    assert.equal(analysis.lookup('E', text.indexOf('LABEL'))?.value, '$G');
    assert.deepEqual(
      analysis
        .visibleAt(text.length)
        .map((d) => d.name)
        .sort(),
      ['E', 'G', 'PATH'],
    );
    assert.equal(analysis.lookup('TARGETOS', text.indexOf('FROM') + 5)?.kind, 'predefined');
  });
});
