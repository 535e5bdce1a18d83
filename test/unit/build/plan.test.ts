import * as assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { BuildError } from '../../../engine/src/build/errors';
import { planBuild } from '../../../engine/src/build/plan';
import { computeDiagnostics } from '../../../server/src/diagnostics';
import { documentOf, environmentWith } from '../server/helpers';

const plan = (text: string, options: { target?: string; buildArgs?: Record<string, string> } = {}) =>
  planBuild(text, 'Dockerfile', { contextDir: '/ctx', ...options });

describe('planBuild', () => {
  it('keeps only the stages the target needs, with what each reads', () => {
    const p = plan(
      'FROM busybox AS a\nRUN a\nFROM busybox AS b\nRUN b\nFROM busybox AS unused\nFROM a\nCOPY --from=b /x /x\nCOPY --from=alpine:3 /y /y\n',
    );
    assert.deepEqual(p.needed, [0, 1, 3]);
    assert.deepEqual(p.stages[3].base, { kind: 'stage', index: 0 });
    assert.deepEqual([...p.stages[3].stageDeps], [1]);
    assert.deepEqual(p.stages[0].base, { kind: 'image', reference: 'docker.io/library/busybox:latest' });
  });

  it('builds the named target and only what it needs', () => {
    const p = plan('FROM busybox AS a\nFROM scratch AS b\nFROM a\n', { target: 'B' });
    assert.equal(p.target, 1);
    assert.deepEqual(p.needed, [1]);
    assert.deepEqual(p.stages[1].base, { kind: 'scratch' });
  });

  it('expands global ARGs in FROM, build args first', () => {
    const text = 'ARG BASE=busybox\nARG TAG=1\nFROM ${BASE}:${TAG}\n';
    assert.deepEqual(plan(text).stages[0].base, { kind: 'image', reference: 'docker.io/library/busybox:1' });
    assert.deepEqual(plan(text, { buildArgs: { TAG: '2' } }).stages[0].base, {
      kind: 'image',
      reference: 'docker.io/library/busybox:2',
    });
  });

  it('names the stages as BuildKit shows them', () => {
    assert.equal(plan('FROM a\n').stages[0].displayName, '');
    const p = plan('FROM a AS Build\nFROM b\n');
    assert.deepEqual(
      p.stages.map((s) => s.displayName),
      ['build', 'stage-1'],
    );
  });

  it('fails with the parser’s words and the line', () => {
    assert.throws(
      () => plan('FROM a\nRUNN x\n'),
      (err: BuildError) => {
        assert.match(err.message, /^dockerfile parse error on line 2: unknown instruction: RUNN/);
        assert.deepEqual(err.details.location, { file: 'Dockerfile', startLine: 2, endLine: 2 });
        return true;
      },
    );
  });

  it('refuses a # check= directive the language server flags, in its words and at its line', () => {
    const text = '# check=skip=JSONArgsRecommended;bogus=1\nFROM a\n';
    const [diagnostic] = computeDiagnostics(documentOf(text), environmentWith({})).filter(
      (d) => d.severity === DiagnosticSeverity.Error,
    );
    assert.equal(diagnostic.message, 'failed to parse check options: invalid check option "bogus"');
    assert.throws(
      () => plan(text),
      (err: BuildError) => {
        assert.equal(err.message, diagnostic.message);
        assert.deepEqual(err.details.location, { file: 'Dockerfile', startLine: 1, endLine: 1 });
        return true;
      },
    );
    assert.doesNotThrow(() => plan('# check=skip=all;error=true\nFROM a\n'));
    // The build-arg replaces the directive, which BuildKit then does not read at all.
    assert.doesNotThrow(() => plan(text, { buildArgs: { BUILDKIT_DOCKERFILE_CHECK: 'skip=all' } }));
  });

  it('refuses a blank base in the words the editor shows at the FROM line', () => {
    const text = 'FROM ${EMPTY}\n';
    const [diagnostic] = computeDiagnostics(documentOf(text), environmentWith({})).filter(
      (d) => d.severity === DiagnosticSeverity.Error,
    );
    assert.equal(diagnostic.message, 'base name (${EMPTY}) should not be blank');
    assert.equal(diagnostic.range.start.line, 0);
    assert.throws(() => plan(text), { message: diagnostic.message });
  });

  it('says when a base name is blank or a target unknown', () => {
    assert.throws(() => plan('ARG X\nFROM $X\n'), /base name \(\$X\) should not be blank/);
    assert.throws(() => plan('FROM a\n', { target: 'nope' }), /target stage "nope" could not be found/);
  });
});
