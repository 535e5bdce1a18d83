import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/AptGetRecommended', () => {
  it('reports apt in scripts', () => {
    assert.deepEqual(
      messages('FROM debian\nRUN apt update && apt install -y curl\n', 'AptGetRecommended').length,
      2,
    );
  });
  it('replaces apt with apt-get', () => {
    assert.equal(
      fixed('FROM debian\nRUN apt update && apt full-upgrade -y\n', 'AptGetRecommended'),
      'FROM debian\nRUN apt-get update && apt-get dist-upgrade -y\n',
    );
  });
});
