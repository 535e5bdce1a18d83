import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/LabelKeyInvalid', () => {
  it('reports keys with bad characters or reserved namespaces', () => {
    assert.equal(
      messages('FROM debian\nLABEL Maintainer=x com.docker.x=1 a..b=2\n', 'LabelKeyInvalid').length,
      3,
    );
    assert.deepEqual(
      messages('FROM debian\nLABEL org.opencontainers.image.title=x my-label=y\n', 'LabelKeyInvalid'),
      [],
    );
  });
});
