import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/InvalidDefaultArgInFrom', () => {
  it('reports a FROM that is empty or invalid with the default ARG values', () => {
    assert.deepEqual(messages('ARG IMAGE\nFROM $IMAGE\n', 'InvalidDefaultArgInFrom'), [
      'Default value for ARG $IMAGE results in empty or invalid base image name',
    ]);
    assert.deepEqual(messages('ARG TAG\nFROM alpine:${TAG}\n', 'InvalidDefaultArgInFrom'), [
      'Default value for ARG alpine:${TAG} results in empty or invalid base image name',
    ]);
  });
  it('accepts defaults that make a valid reference', () => {
    assert.deepEqual(
      messages('ARG TAG=3.20\nARG IMG=scratch\nFROM alpine:${TAG}\nFROM ${IMG}\n', 'InvalidDefaultArgInFrom'),
      [],
    );
  });
});
