import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/ReservedStageName', () => {
  it('reports scratch and context as stage names', () => {
    assert.deepEqual(messages('FROM alpine AS scratch\nFROM alpine AS context\n', 'ReservedStageName'), [
      'Stage name should not use the same name as reserved stage "scratch"',
      'Stage name should not use the same name as reserved stage "context"',
    ]);
  });
  it('accepts other names', () => {
    assert.deepEqual(messages('FROM alpine AS base\n', 'ReservedStageName'), []);
  });
});
