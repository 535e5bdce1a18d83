import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/ImageTagLatest', () => {
  it('reports :latest without a digest', () => {
    assert.equal(messages('FROM ubuntu:latest\n', 'ImageTagLatest').length, 1);
    assert.deepEqual(messages('FROM ubuntu:24.04\nFROM registry:5000/x:1\n', 'ImageTagLatest'), []);
  });
});
