import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/PointlessCommandInRun', () => {
  it('reports commands that make no sense in a build', () => {
    assert.equal(
      messages('FROM debian\nRUN service nginx start && top\n', 'PointlessCommandInRun').length,
      2,
    );
    assert.deepEqual(messages('FROM debian\nRUN echo service\n', 'PointlessCommandInRun'), []);
  });
});
