import * as assert from 'node:assert/strict';
import { BuildError } from '../../../../engine/src/build/errors';
import {
  classicError,
  classicStream,
  type ClassicMessage,
} from '../../../../engine/src/build/progress/classic-stream';
import type { BuildEvent } from '../../../../engine/src/build/progress/events';
import { PlainRenderer } from '../../../../engine/src/build/progress/plain';

const events: BuildEvent[] = [
  {
    kind: 'step-start',
    step: 1,
    name: '[1/2] FROM docker.io/library/busybox:latest',
    classic: 'Step 1/3 : FROM busybox',
    time: 1000,
  },
  { kind: 'step-done', step: 1, time: 1000, result: ' ---> 9df1fd4a6dd3' },
  { kind: 'step-start', step: 2, classic: 'Step 2/3 : ENV A=b', time: 1000 },
  { kind: 'step-done', step: 2, time: 1000 },
  { kind: 'step-start', step: 3, name: '[2/2] RUN echo hi', classic: 'Step 3/3 : RUN echo hi', time: 1000 },
  { kind: 'step-output', step: 3, stream: 'stdout', data: 'hi\npart', time: 1250 },
  { kind: 'step-output', step: 3, stream: 'stdout', data: 'ial\n', time: 1300 },
  { kind: 'step-done', step: 3, time: 2500, result: ' ---> 0f26bb7118e5' },
  { kind: 'image', id: `sha256:${'a'.repeat(64)}`, tags: ['docker.io/library/app:latest'], time: 2600 },
];

describe('progress renderers', () => {
  it('plain: a line per event, as BuildKit prints them', () => {
    let out = '';
    const r = new PlainRenderer((t) => (out += t));
    for (const e of events) r.event(e);
    assert.equal(
      out,
      '#1 [1/2] FROM docker.io/library/busybox:latest\n#1 DONE 0.0s\n\n' +
        '#3 [2/2] RUN echo hi\n#3 0.250 hi\n#3 0.300 partial\n#3 DONE 1.5s\n\n',
    );
  });

  it('classic: the JSON stream of docker’s /build', () => {
    const out: ClassicMessage[] = [];
    const send = classicStream((m) => out.push(m));
    for (const e of events) send(e);
    assert.deepEqual(out, [
      { stream: 'Step 1/3 : FROM busybox\n' },
      { stream: ' ---> 9df1fd4a6dd3\n' },
      { stream: 'Step 2/3 : ENV A=b\n' },
      { stream: 'Step 3/3 : RUN echo hi\n' },
      { stream: 'hi\npart' },
      { stream: 'ial\n' },
      // The last step's line names the image, as Docker's (which commits an image per step).
      { stream: ' ---> aaaaaaaaaaaa\n' },
      { aux: { ID: `sha256:${'a'.repeat(64)}` } },
      { stream: 'Successfully built aaaaaaaaaaaa\n' },
      { stream: 'Successfully tagged app:latest\n' },
    ]);
  });

  it('classic: a build that ends with a metadata step still ends with the image’s id', () => {
    const out: ClassicMessage[] = [];
    const send = classicStream((m) => out.push(m));
    const id = `sha256:${'b'.repeat(64)}`;
    const build: BuildEvent[] = [
      { kind: 'step-start', step: 1, classic: 'Step 1/3 : FROM busybox', time: 0 },
      { kind: 'step-done', step: 1, time: 0, result: ' ---> 9df1fd4a6dd3' },
      { kind: 'step-start', step: 2, classic: 'Step 2/3 : COPY a /a', time: 0 },
      { kind: 'step-cached', step: 2, time: 0 },
      { kind: 'step-done', step: 2, time: 0, result: ' ---> 5e2c1a7b3d90' },
      { kind: 'step-start', step: -1, classic: 'Step 3/3 : CMD ["sh"]', time: 0 },
      { kind: 'step-done', step: -1, time: 0 },
      { kind: 'image', id, tags: [], time: 0 },
    ];
    for (const e of build) send(e);
    const lines = out.map((m) => ('stream' in m ? m.stream : JSON.stringify(m))).join('');
    assert.equal(
      lines,
      'Step 1/3 : FROM busybox\n ---> 9df1fd4a6dd3\n' +
        'Step 2/3 : COPY a /a\n ---> Using cache\n ---> 5e2c1a7b3d90\n' +
        'Step 3/3 : CMD ["sh"]\n ---> bbbbbbbbbbbb\n' +
        `{"aux":{"ID":"${id}"}}Successfully built bbbbbbbbbbbb\n`,
    );
  });

  it('classic: a failed build keeps every finished step’s line', () => {
    const out: ClassicMessage[] = [];
    const send = classicStream((m) => out.push(m));
    send({ kind: 'step-start', step: 1, classic: 'Step 1/2 : FROM busybox', time: 0 });
    send({ kind: 'step-done', step: 1, time: 0, result: ' ---> 9df1fd4a6dd3' });
    send({ kind: 'step-start', step: 2, classic: 'Step 2/2 : RUN false', time: 0 });
    send({ kind: 'step-error', step: 2, message: 'exit code: 1', time: 0 });
    assert.deepEqual(out, [
      { stream: 'Step 1/2 : FROM busybox\n' },
      { stream: ' ---> 9df1fd4a6dd3\n' },
      { stream: 'Step 2/2 : RUN false\n' },
    ]);
  });

  it('classic: an errorDetail line with the exit code and the Dockerfile lines', () => {
    const err = new BuildError('process "/bin/sh -c false" did not complete successfully: exit code: 1', {
      exitCode: 1,
      logTail: ['last words'],
      location: { file: 'Dockerfile', startLine: 2, endLine: 2 },
    });
    const line = classicError(err, 'FROM a\nRUN false\n') as {
      errorDetail: { code: number; message: string };
      error: string;
    };
    assert.equal(line.errorDetail.code, 1);
    assert.match(line.error, /^process .* exit code: 1\nlast words\nDockerfile:2\n/);
    assert.match(line.error, / 2 \| >>> RUN false/);
  });
  describe('check warnings', () => {
    const findings: BuildEvent = {
      kind: 'check-warnings',
      findings: [
        { rule: 'FromAsCasing', message: 'casing', line: 1, url: 'https://docs.docker.com/x' },
        { rule: 'JSONArgsRecommended', message: 'use JSON', line: 3, url: 'https://docs.docker.com/y' },
      ],
      time: 3000,
    };
    const listed =
      '2 warnings found:\n - FromAsCasing: casing (line 1)\n - JSONArgsRecommended: use JSON (line 3)\n';

    it('classic: listed after the image, as BuildKit lists them', () => {
      const sent: ClassicMessage[] = [];
      const send = classicStream((m) => sent.push(m));
      for (const e of [...events, findings]) send(e);
      assert.deepEqual(sent.at(-2), { stream: 'Successfully tagged app:latest\n' });
      assert.deepEqual(sent.at(-1), { stream: listed });
    });

    it('plain: the same list after a blank line', () => {
      let out = '';
      new PlainRenderer((t) => (out += t)).event(findings);
      assert.equal(out, `\n${listed}`);
    });

    it('one finding: "1 warning found"', () => {
      let out = '';
      new PlainRenderer((t) => (out += t)).event({
        ...findings,
        findings: findings.findings.slice(0, 1),
      } as BuildEvent);
      assert.match(out, /^\n1 warning found:\n - FromAsCasing/);
    });
  });
});
