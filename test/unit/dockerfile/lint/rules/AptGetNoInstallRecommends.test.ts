import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/AptGetNoInstallRecommends', () => {
  it('reports apt-get install without --no-install-recommends', () => {
    assert.deepEqual(messages('FROM debian\nRUN apt-get install -y curl\n', 'AptGetNoInstallRecommends'), [
      'Avoid additional packages by specifying `--no-install-recommends`',
    ]);
  });
  it('accepts the flag and APT configuration', () => {
    assert.deepEqual(
      messages(
        'FROM debian\nRUN apt-get install -y --no-install-recommends curl\nRUN apt-get -o APT::Install-Recommends=false install -y x\n',
        'AptGetNoInstallRecommends',
      ),
      [],
    );
  });
  it('adds the flag', () => {
    assert.equal(
      fixed('FROM debian\nRUN apt-get install -y curl\n', 'AptGetNoInstallRecommends'),
      'FROM debian\nRUN apt-get install --no-install-recommends -y curl\n',
    );
  });
});
