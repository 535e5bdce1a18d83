import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/RedundantTargetPlatform', () => {
  it('reports --platform=$TARGETPLATFORM', () => {
    assert.deepEqual(messages('FROM --platform=$TARGETPLATFORM alpine\n', 'RedundantTargetPlatform'), [
      'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
    ]);
  });
  it('accepts $BUILDPLATFORM', () => {
    assert.deepEqual(messages('FROM --platform=$BUILDPLATFORM alpine\n', 'RedundantTargetPlatform'), []);
  });
  it('removes the flag', () => {
    assert.equal(
      fixed('FROM --platform=${TARGETPLATFORM} alpine\n', 'RedundantTargetPlatform'),
      'FROM alpine\n',
    );
  });
});
