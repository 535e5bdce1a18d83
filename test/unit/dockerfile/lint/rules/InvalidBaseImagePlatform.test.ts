import * as assert from 'node:assert/strict';
import { ImageCatalog } from '../../../../../engine/src/dockerfile/lint/environment';
import { environmentWith, messages } from '../../../server/helpers';

describe('rules/InvalidBaseImagePlatform', () => {
  const env = environmentWith(
    { rules: { InvalidBaseImagePlatform: 'warning' } },
    { images: new ImageCatalog([{ name: 'alpine', tags: ['3'], platform: 'linux/arm64' }], 'linux/amd64') },
  );
  it('reports a local base image pulled for another platform than the engine builds for', () => {
    assert.deepEqual(messages('FROM alpine:3\n', 'InvalidBaseImagePlatform', env), [
      'Base image alpine:3 was pulled with platform "linux/arm64", expected "linux/amd64" for current build',
    ]);
  });
  it('says nothing without engine information or with --platform', () => {
    assert.deepEqual(messages('FROM alpine:3\n', 'InvalidBaseImagePlatform'), []);
    assert.deepEqual(messages('FROM --platform=linux/arm64 alpine:3\n', 'InvalidBaseImagePlatform', env), []);
  });
});
