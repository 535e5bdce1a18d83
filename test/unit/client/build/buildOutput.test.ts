import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { BuildOutputReader, locateBuildError, problemLine } from '../../../../client/src/build/buildOutput';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..', '..');

/** The berth-build problem matcher exactly as package.json contributes it. */
function problemMatcher(): {
  regexp: RegExp;
  file: number;
  line: number;
  column: number;
  severity: number;
  message: number;
} {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const matcher = pkg.contributes.problemMatchers.find((m: { name: string }) => m.name === 'berth-build');
  return { ...matcher.pattern, regexp: new RegExp(matcher.pattern.regexp) };
}

describe('client/build/buildOutput', () => {
  it('follows the classic builder’s steps, even when a step header arrives in pieces', () => {
    const reader = new BuildOutputReader();
    assert.equal(reader.read({ stream: 'Step 1/3 : FROM busybox' }), 'Step 1/3 : FROM busybox');
    reader.read({ stream: '\n' });
    reader.read({ stream: ' ---> 3f57d9401f8d\n' });
    reader.read({ stream: 'Step 2/3 : RUN ' });
    reader.read({ stream: 'exit 3\n' });
    assert.deepEqual(reader.step, { number: 2, total: 3, text: 'RUN exit 3' });
  });

  it('takes the image ID from aux or from "Successfully built"', () => {
    const fromAux = new BuildOutputReader();
    fromAux.read({ aux: { ID: 'sha256:abc' } });
    assert.equal(fromAux.imageId, 'sha256:abc');
    const fromText = new BuildOutputReader();
    fromText.read({ stream: 'Successfully built 0123456789ab\n' });
    assert.equal(fromText.imageId, '0123456789ab');
  });

  describe('locateBuildError', () => {
    const instructions = [
      { line: 0, text: 'ARG BASE=busybox' },
      { line: 2, text: 'FROM $BASE' },
      { line: 3, text: 'RUN echo fine' },
      { line: 5, text: 'RUN exit 3' },
    ];
    it('puts a failed step at its instruction (meta ARGs count as steps)', () => {
      const line = locateBuildError(
        "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
        { number: 4, total: 4, text: 'RUN exit 3' },
        instructions,
      );
      assert.equal(line, 5);
    });
    it('uses the line an engine names itself', () => {
      assert.equal(
        locateBuildError('Dockerfile parse error line 7: unknown instruction: FORM', undefined, instructions),
        6,
      );
      assert.equal(
        locateBuildError('failed to solve: Dockerfile:12-14 RUN failed', undefined, instructions),
        11,
      );
    });
    it('says nothing when neither the message nor the step tells', () => {
      assert.equal(locateBuildError('context canceled', undefined, instructions), undefined);
      assert.equal(locateBuildError('oops', { number: 9, total: 9, text: '?' }, instructions), undefined);
    });
  });

  it('prints error lines that the contributed problem matcher reads back', () => {
    const matcher = problemMatcher();
    const text = problemLine(
      '/work/app/Dockerfile',
      4,
      "The command '/bin/sh -c exit 3'\nreturned a non-zero code: 3",
    );
    assert.equal(
      text,
      "/work/app/Dockerfile:5:1: error: The command '/bin/sh -c exit 3' returned a non-zero code: 3",
    );
    const m = matcher.regexp.exec(text);
    assert.ok(m, `the problem matcher does not match: ${text}`);
    assert.equal(m[matcher.file], '/work/app/Dockerfile');
    assert.equal(m[matcher.line], '5');
    assert.equal(m[matcher.column], '1');
    assert.equal(m[matcher.severity], 'error');
    assert.match(m[matcher.message], /non-zero code: 3$/);
    assert.equal(
      matcher.regexp.exec('Step 2/3 : RUN exit 3'),
      null,
      'ordinary build output is not a problem',
    );
  });
});
