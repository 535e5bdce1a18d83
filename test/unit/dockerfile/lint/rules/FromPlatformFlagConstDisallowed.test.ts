import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/FromPlatformFlagConstDisallowed', () => {
  it('reports a constant platform', () => {
    assert.deepEqual(messages('FROM --platform=linux/amd64 alpine\n', 'FromPlatformFlagConstDisallowed'), [
      'FROM --platform flag should not use constant value "linux/amd64"',
    ]);
  });
  it('accepts variables and stages named for their platform', () => {
    assert.deepEqual(
      messages('FROM --platform=$BUILDPLATFORM alpine\n', 'FromPlatformFlagConstDisallowed'),
      [],
    );
    assert.deepEqual(
      messages('FROM --platform=linux/arm64 alpine AS build-arm64\n', 'FromPlatformFlagConstDisallowed'),
      [],
    );
  });
});
