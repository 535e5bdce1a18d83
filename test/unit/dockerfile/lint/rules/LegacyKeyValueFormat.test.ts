import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/LegacyKeyValueFormat', () => {
  it('reports ENV and LABEL in the legacy form', () => {
    assert.deepEqual(messages('FROM alpine\nENV A b\nLABEL x y\n', 'LegacyKeyValueFormat'), [
      '"ENV key=value" should be used instead of legacy "ENV key value" format',
      '"LABEL key=value" should be used instead of legacy "LABEL key value" format',
    ]);
  });
  it('accepts key=value', () => {
    assert.deepEqual(messages('FROM alpine\nENV A=b C="d e"\n', 'LegacyKeyValueFormat'), []);
  });
  it('rewrites as key=value, quoting values with spaces', () => {
    assert.equal(
      fixed('FROM alpine\nENV A b c\nENV B x\n', 'LegacyKeyValueFormat'),
      'FROM alpine\nENV A="b c"\nENV B=x\n',
    );
  });
});
