import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/WgetAndCurlMixed', () => {
  it('reports the first use of the second tool in a stage', () => {
    assert.deepEqual(
      messages('FROM debian\nRUN curl -o a x\nRUN wget -q y && wget -q z\n', 'WgetAndCurlMixed'),
      ['Either use wget or curl but not both: this stage already uses curl'],
    );
    assert.deepEqual(
      messages('FROM debian\nRUN curl x\nFROM debian\nRUN wget -q y\n', 'WgetAndCurlMixed'),
      [],
    );
  });
});
