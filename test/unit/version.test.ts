import * as assert from 'node:assert/strict';
import { berthVersion } from '../../engine/src/version';

describe('berthVersion', () => {
  it('is the semver from package.json', () => {
    assert.match(berthVersion, /^\d+\.\d+\.\d+/);
  });
});
