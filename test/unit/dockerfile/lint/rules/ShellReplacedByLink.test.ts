import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/ShellReplacedByLink', () => {
  it('reports linking /bin/sh to another shell', () => {
    assert.deepEqual(messages('FROM debian\nRUN ln -sf /bin/bash /bin/sh\n', 'ShellReplacedByLink'), [
      'Use SHELL to change the default shell',
    ]);
    assert.deepEqual(
      messages('FROM debian\nRUN ln -s /bin/sh /usr/local/bin/sh\n', 'ShellReplacedByLink'),
      [],
    );
  });
});
