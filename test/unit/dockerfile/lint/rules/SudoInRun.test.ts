import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/SudoInRun', () => {
  it('reports sudo', () => {
    assert.equal(messages('FROM debian\nRUN sudo -E apt-get update\n', 'SudoInRun').length, 1);
    assert.deepEqual(messages('FROM debian\nRUN echo sudo\n', 'SudoInRun'), []);
  });
  it('removes sudo and its options', () => {
    assert.equal(
      fixed('FROM debian\nRUN sudo -E apt-get update\n', 'SudoInRun'),
      'FROM debian\nRUN apt-get update\n',
    );
  });
});
