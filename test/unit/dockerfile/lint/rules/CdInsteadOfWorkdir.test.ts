import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/CdInsteadOfWorkdir', () => {
  it('reports a RUN that starts by changing to an absolute directory', () => {
    assert.deepEqual(messages('FROM debian\nRUN cd /app && make\n', 'CdInsteadOfWorkdir'), [
      'Use WORKDIR /app to switch to a directory',
    ]);
  });
  it('accepts local cd inside a step', () => {
    assert.deepEqual(
      messages(
        'FROM debian\nRUN make && cd build && make install\nRUN cd src && make\n',
        'CdInsteadOfWorkdir',
      ),
      [],
    );
  });
});
