import * as assert from 'node:assert/strict';
import { environmentWith, findings, messages } from '../../../server/helpers';

describe('rules/UnexpectedLabel', () => {
  it('is silent unless strictLabels is on with a list of labels', () => {
    const text = 'FROM alpine:3\nLABEL a=b\n';
    assert.deepEqual(messages(text, 'UnexpectedLabel'), []);
    const listOnly = environmentWith({ rules: { UnexpectedLabel: 'warning' }, requiredLabels: ['x'] });
    assert.deepEqual(messages(text, 'UnexpectedLabel', listOnly), []);
  });

  it('reports every label not in requiredLabels, on its key', () => {
    const strict = environmentWith({
      rules: { UnexpectedLabel: 'warning' },
      requiredLabels: ['com.example.team'],
      strictLabels: true,
    });
    const found = findings('FROM alpine:3\nLABEL com.example.team=core extra=1\n', 'UnexpectedLabel', strict);
    assert.deepEqual(
      found.map((f) => [f.range.start.line, f.range.start.character, f.message]),
      [
        [
          1,
          28,
          'Label `extra` is not in berth.dockerfile.requiredLabels, and berth.dockerfile.strictLabels allows no others.',
        ],
      ],
    );
  });
});
