import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/WgetProgressBar', () => {
  it('reports wget without a progress setting', () => {
    assert.equal(messages('FROM debian\nRUN wget https://x/y.tgz\n', 'WgetProgressBar').length, 1);
    assert.deepEqual(
      messages(
        'FROM debian\nRUN wget -q https://x && wget -nv y && wget -qO- z && wget --progress=dot:giga w\n',
        'WgetProgressBar',
      ),
      [],
    );
  });
  it('adds --progress=dot:giga', () => {
    assert.equal(
      fixed('FROM debian\nRUN wget https://x\n', 'WgetProgressBar'),
      'FROM debian\nRUN wget --progress=dot:giga https://x\n',
    );
  });
});
