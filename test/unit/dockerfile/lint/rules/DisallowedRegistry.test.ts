import * as assert from 'node:assert/strict';
import { environmentWith, messages } from '../../../server/helpers';

describe('rules/DisallowedRegistry', () => {
  it('is silent without a configured list', () => {
    assert.deepEqual(messages('FROM quay.io/x/y:1\n', 'DisallowedRegistry'), []);
  });
  it('reports registries outside the list', () => {
    const env = environmentWith({
      rules: { DisallowedRegistry: 'error' },
      allowedRegistries: ['docker.io', '*.example.com'],
    });
    assert.deepEqual(
      messages('FROM node:22\nFROM reg.example.com/a:1\nFROM quay.io/x/y:1\n', 'DisallowedRegistry', env),
      [
        'Use only an allowed registry in the FROM image: quay.io is not in berth.dockerfile.allowedRegistries',
      ],
    );
  });
});
