import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/ConsecutiveRunInstructions', () => {
  it('reports consecutive RUNs with the same flags', () => {
    assert.equal(messages('FROM debian\nRUN a\nRUN b\n', 'ConsecutiveRunInstructions').length, 1);
    assert.deepEqual(
      messages(
        'FROM debian\nRUN a\nRUN --mount=type=cache,target=/c b\nRUN <<EOF\nc\nEOF\n',
        'ConsecutiveRunInstructions',
      ),
      [],
    );
  });
});
