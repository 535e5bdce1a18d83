import * as assert from 'node:assert/strict';
import { environmentWith, findings, messages } from '../../../server/helpers';

const required = environmentWith({
  rules: { RequiredLabelMissing: 'warning' },
  requiredLabels: ['org.opencontainers.image.source', 'com.example.team'],
});

describe('rules/RequiredLabelMissing', () => {
  it('is silent without a configured list', () => {
    assert.deepEqual(messages('FROM alpine:3\n', 'RequiredLabelMissing'), []);
  });

  it('reports each required label the final image lacks, on its FROM', () => {
    const text = 'FROM alpine:3 AS build\nLABEL com.example.team=core\nFROM alpine:3\nLABEL a=b\n';
    const found = findings(text, 'RequiredLabelMissing', required);
    assert.deepEqual(
      found.map((f) => [f.range.start.line, f.message]),
      [
        [
          2,
          'Label `org.opencontainers.image.source` is missing from the final image (required by berth.dockerfile.requiredLabels): add LABEL org.opencontainers.image.source=… to this stage.',
        ],
        [
          2,
          'Label `com.example.team` is missing from the final image (required by berth.dockerfile.requiredLabels): add LABEL com.example.team=… to this stage.',
        ],
      ],
    );
  });

  it('counts labels set in the stages the final one builds on', () => {
    const text =
      'FROM alpine:3 AS base\nLABEL com.example.team=core\nFROM base\nLABEL org.opencontainers.image.source="https://example.com/x"\n';
    assert.deepEqual(messages(text, 'RequiredLabelMissing', required), []);
  });
});
