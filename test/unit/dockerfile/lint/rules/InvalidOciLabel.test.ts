import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/InvalidOciLabel', () => {
  it('reports OCI labels with the wrong format and empty labels', () => {
    const text =
      'FROM debian\nLABEL org.opencontainers.image.created="yesterday" org.opencontainers.image.source=github.com/x description=""\n';
    assert.deepEqual(messages(text, 'InvalidOciLabel'), [
      'Label `org.opencontainers.image.created` should be a date-time in RFC 3339 format, not "yesterday"',
      'Label `org.opencontainers.image.source` should be a URL, not "github.com/x"',
      'Label `description` is empty.',
    ]);
  });
  it('accepts valid values and variables', () => {
    const text =
      'FROM debian\nLABEL org.opencontainers.image.created=2024-01-02T03:04:05Z org.opencontainers.image.licenses="MIT OR Apache-2.0" org.opencontainers.image.revision=$REV\n';
    assert.deepEqual(messages(text, 'InvalidOciLabel'), []);
  });
});
