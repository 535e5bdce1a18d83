import * as assert from 'node:assert/strict';

import { browserUrls } from '../../../../client/src/commands/containers/browserUrls';
import { splitReference, validateReference } from '../../../../client/src/commands/images/reference';
import { listNames } from '../../../../client/src/commands/listNames';

describe('client/commands: references, addresses, names', () => {
  it('accepts image references Docker accepts and says what is wrong with the others', () => {
    for (const ok of [
      'busybox',
      'alpine:3.20',
      'localhost:5000/team/app:v1',
      'ghcr.io/org/app',
      `app@sha256:${'a'.repeat(64)}`,
    ]) {
      assert.equal(validateReference(ok), undefined, ok);
    }
    assert.match(validateReference('') ?? '', /Type an image name/);
    assert.match(validateReference('MyApp') ?? '', /lower case/);
    assert.match(validateReference('my app') ?? '', /spaces/);
    assert.match(validateReference('app:') ?? '', /not a valid image reference/);
  });

  it('splits repository and tag, not at a registry port', () => {
    assert.deepEqual(splitReference('localhost:5000/app'), {
      repository: 'localhost:5000/app',
      tag: 'latest',
    });
    assert.deepEqual(splitReference('localhost:5000/app:v1'), {
      repository: 'localhost:5000/app',
      tag: 'v1',
    });
  });

  it('opens published TCP ports on localhost, once each', () => {
    assert.deepEqual(
      browserUrls([
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { IP: '127.0.0.2', PrivatePort: 443, PublicPort: 8443, Type: 'tcp' },
        { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 5353, Type: 'udp' },
        { PrivatePort: 9000, Type: 'tcp' },
      ]).map((u) => u.url),
      ['http://localhost:8080', 'http://127.0.0.2:8443'],
    );
  });

  it('lists names in a sentence', () => {
    assert.equal(listNames(['web']), 'web');
    assert.equal(listNames(['web', 'db']), 'web and db');
    assert.equal(listNames(['a', 'b', 'c', 'd', 'e']), 'a, b and 3 more');
  });
});
