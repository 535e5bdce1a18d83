import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/PackageCacheNotCleaned', () => {
  it('reports apt-get, apk and pip installs that keep their caches', () => {
    const text =
      'FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apk add bash\nRUN pip install flask\n';
    assert.deepEqual(messages(text, 'PackageCacheNotCleaned'), [
      '`apt-get install` leaves its cache in the layer: delete the apt lists (`rm -rf /var/lib/apt/lists/*`) in the same RUN',
      'Use `apk add --no-cache` so the package index is not kept in the layer',
      'Use `pip install --no-cache-dir` so downloaded packages are not kept in the layer',
    ]);
  });
  it('accepts cleanup in the same RUN, cache mounts, PIP_NO_CACHE_DIR and apt-get dist-clean', () => {
    const text = [
      'FROM debian',
      'ENV PIP_NO_CACHE_DIR=1',
      'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
      'RUN --mount=type=cache,target=/var/lib/apt/lists apt-get install -y git',
      'RUN apt-get install -y x; apt-get dist-clean',
      'RUN pip install flask',
      '',
    ].join('\n');
    assert.deepEqual(messages(text, 'PackageCacheNotCleaned'), []);
  });
  it('exempts stages that other stages only copy from', () => {
    assert.deepEqual(
      messages(
        'FROM debian AS build\nRUN apt-get install -y gcc\nFROM scratch\nCOPY --from=build /x /x\n',
        'PackageCacheNotCleaned',
      ),
      [],
    );
  });
  it('appends the cleanup or adds the flag', () => {
    assert.equal(
      fixed('FROM debian\nRUN apt-get install -y curl\n', 'PackageCacheNotCleaned'),
      'FROM debian\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
    );
    assert.equal(
      fixed('FROM alpine\nRUN apk add bash\n', 'PackageCacheNotCleaned'),
      'FROM alpine\nRUN apk add --no-cache bash\n',
    );
  });
});
