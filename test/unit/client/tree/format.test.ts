import * as assert from 'node:assert/strict';

import { formatAge, formatPorts, formatSize, shortId } from '../../../../client/src/tree/format';

describe('client/tree/format', () => {
  it('writes sizes in the docker CLI’s decimal units', () => {
    assert.equal(formatSize(512), '512B');
    assert.equal(formatSize(4_260_000), '4.26MB');
    assert.equal(formatSize(72_800_000), '72.8MB');
    assert.equal(formatSize(1_200_000_000), '1.2GB');
    assert.equal(formatSize(-1), '');
  });

  it('writes ages as the docker CLI does', () => {
    const now = 1_000_000_000_000;
    const ago = (seconds: number) => formatAge(now / 1000 - seconds, now);
    assert.equal(ago(0), 'less than a second ago');
    assert.equal(ago(1), '1 second ago');
    assert.equal(ago(90), 'about a minute ago');
    assert.equal(ago(5 * 60), '5 minutes ago');
    assert.equal(ago(3600), 'about an hour ago');
    assert.equal(ago(30 * 3600), '30 hours ago');
    assert.equal(ago(3 * 86400), '3 days ago');
    assert.equal(ago(21 * 86400), '3 weeks ago');
    assert.equal(ago(200 * 86400), '6 months ago');
    assert.equal(ago(3 * 365 * 86400), '3 years ago');
  });

  it('folds IPv4/IPv6 duplicates of a published port', () => {
    assert.equal(
      formatPorts([
        { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 5353, Type: 'udp' },
        { IP: '::', PrivatePort: 53, PublicPort: 5353, Type: 'udp' },
        { PrivatePort: 9000, Type: 'tcp' },
      ]),
      '5353→53/udp, 9000/tcp',
    );
  });

  it('shortens IDs', () => {
    assert.equal(shortId(`sha256:${'0123456789abcdef'.repeat(4)}`), '0123456789ab');
  });
});
