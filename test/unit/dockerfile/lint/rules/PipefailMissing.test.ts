import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/PipefailMissing', () => {
  it('reports a piped RUN under the default shell', () => {
    assert.equal(messages('FROM debian\nRUN curl -fsSL https://x | tar xz\n', 'PipefailMissing').length, 1);
  });
  it('accepts SHELL with pipefail, set -o pipefail, and || (not a pipe)', () => {
    const text =
      'FROM debian\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl x | tar xz\nFROM debian\nRUN set -eo pipefail; curl x | sh\nRUN a || b\n';
    assert.deepEqual(messages(text, 'PipefailMissing'), []);
  });
});
