import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/MaintainerDeprecated', () => {
  it('reports MAINTAINER', () => {
    assert.deepEqual(messages('FROM alpine\nMAINTAINER Jane <jane@example.com>\n', 'MaintainerDeprecated'), [
      'Maintainer instruction is deprecated in favor of using label',
    ]);
  });
  it('replaces it with the OCI authors label', () => {
    assert.equal(
      fixed('FROM alpine\nMAINTAINER Jane <jane@example.com>\n', 'MaintainerDeprecated'),
      'FROM alpine\nLABEL org.opencontainers.image.authors="Jane <jane@example.com>"\n',
    );
  });
});
