import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/CopyDestinationNotDirectory', () => {
  it('reports several sources into a destination without a trailing slash', () => {
    assert.deepEqual(messages('FROM debian\nCOPY a b /app\n', 'CopyDestinationNotDirectory'), [
      'When using COPY with more than one source file, the destination must be a directory and end with a /',
    ]);
    assert.deepEqual(
      messages('FROM debian\nCOPY a b /app/\nCOPY a /app\n', 'CopyDestinationNotDirectory'),
      [],
    );
  });
  it("appends '/'", () => {
    assert.equal(
      fixed('FROM debian\nCOPY a b /app\n', 'CopyDestinationNotDirectory'),
      'FROM debian\nCOPY a b /app/\n',
    );
  });
});
