import * as assert from 'node:assert/strict';

import { stageLenses } from '../../../../client/src/build/stageLenses';

describe('client/build/stageLenses', () => {
  it('offers Build everywhere, Build stage and Run for named earlier stages, Run for the last', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'FROM node:20 AS deps',
      'RUN npm ci',
      '',
      'FROM deps AS test',
      'RUN npm test',
      'FROM busybox',
      'COPY --from=deps /app /app',
    ].join('\n');
    assert.deepEqual(
      stageLenses(text).map((l) => [l.line, l.title, l.command, l.target]),
      [
        [1, '$(tools) Build', 'berth.images.build', undefined],
        [1, 'Build stage deps', 'berth.images.build', 'deps'],
        [1, '$(play) Run', 'berth.images.buildAndRun', 'deps'],
        [4, '$(tools) Build', 'berth.images.build', undefined],
        [4, 'Build stage test', 'berth.images.build', 'test'],
        [4, '$(play) Run', 'berth.images.buildAndRun', 'test'],
        [6, '$(tools) Build', 'berth.images.build', undefined],
        [6, '$(play) Run', 'berth.images.buildAndRun', undefined],
      ],
    );
  });

  it('gives an unnamed earlier stage only Build (--target needs a name) and survives bad input', () => {
    assert.deepEqual(
      stageLenses('FROM a\nRUN x\nFROM b\n').map((l) => [l.line, l.title]),
      [
        [0, '$(tools) Build'],
        [2, '$(tools) Build'],
        [2, '$(play) Run'],
      ],
    );
    assert.deepEqual(stageLenses('RUN oops\n\\\n'), []);
  });
});
