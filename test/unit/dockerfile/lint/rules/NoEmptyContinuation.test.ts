import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/NoEmptyContinuation', () => {
  const text = 'FROM alpine\nRUN echo a \\\n\n  && echo b\n';
  it('reports an empty line inside a continuation', () => {
    assert.deepEqual(messages(text, 'NoEmptyContinuation'), ['Empty continuation line']);
  });
  it('does not report a comment line inside a continuation', () => {
    assert.deepEqual(
      messages('FROM alpine\nRUN echo a \\\n# note\n  && echo b\n', 'NoEmptyContinuation'),
      [],
    );
  });
  it('deletes the empty line', () => {
    assert.equal(fixed(text, 'NoEmptyContinuation'), 'FROM alpine\nRUN echo a \\\n  && echo b\n');
  });
});
