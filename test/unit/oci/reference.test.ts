import * as assert from 'node:assert/strict';
import {
  familiarName,
  formatReference,
  isLocalRegistry,
  parseReference,
  ReferenceError,
} from '../../../engine/src/oci/reference';

const digest = `sha256:${'a'.repeat(64)}`;

// input → normalised form, as `docker pull` / distribution's ParseNormalizedNamed + TagNameOnly give.
const valid: [string, string][] = [
  ['busybox', 'docker.io/library/busybox:latest'],
  ['busybox:1.36', 'docker.io/library/busybox:1.36'],
  ['library/busybox', 'docker.io/library/busybox:latest'],
  ['docker.io/busybox', 'docker.io/library/busybox:latest'],
  ['docker.io/library/busybox:glibc', 'docker.io/library/busybox:glibc'],
  ['index.docker.io/busybox', 'docker.io/library/busybox:latest'],
  ['index.docker.io/foo/bar', 'docker.io/foo/bar:latest'],
  ['foo/bar', 'docker.io/foo/bar:latest'],
  ['foo/bar/baz', 'docker.io/foo/bar/baz:latest'],
  ['localhost/foo', 'localhost/foo:latest'],
  ['localhost:5000/a/b:t', 'localhost:5000/a/b:t'],
  ['Localhost/foo', 'Localhost/foo:latest'],
  ['127.0.0.1:5000/x', '127.0.0.1:5000/x:latest'],
  ['[::1]:5000/x:y', '[::1]:5000/x:y'],
  ['[2001:db8::1]/repo', '[2001:db8::1]/repo:latest'],
  ['[2001:db8::1]:5000/repo:v1', '[2001:db8::1]:5000/repo:v1'],
  ['registry.example.com/a/b/c:tag', 'registry.example.com/a/b/c:tag'],
  ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com/bar/baz/quux:some-long-tag'],
  ['ghcr.io/owner/image', 'ghcr.io/owner/image:latest'],
  [`busybox@${digest}`, `docker.io/library/busybox@${digest}`],
  [`busybox:1@${digest}`, `docker.io/library/busybox:1@${digest}`],
  [`localhost:5000/x@${digest}`, `localhost:5000/x@${digest}`],
  ['localhost:5000', 'docker.io/library/localhost:5000'],
  ['foo_bar.com:8080', 'docker.io/library/foo_bar.com:8080'],
  ['a/b_c/d__e/f.g/h-i/j---k', 'docker.io/a/b_c/d__e/f.g/h-i/j---k:latest'],
  ['busybox:A_Tag-with.dots', 'docker.io/library/busybox:A_Tag-with.dots'],
  [`busybox:${'t'.repeat(128)}`, `docker.io/library/busybox:${'t'.repeat(128)}`],
  ['  busybox  ', 'docker.io/library/busybox:latest'],
  ['xn--bcher-kva.example/x', 'xn--bcher-kva.example/x:latest'],
];

const invalid: [string, RegExp][] = [
  ['', /empty/],
  ['Busybox', /must be lowercase/],
  ['docker.io/Library/busybox', /must be lowercase/],
  ['busybox:', /invalid tag/],
  ['busybox:-tag', /invalid tag/],
  ['busybox:.tag', /invalid tag/],
  [`busybox:${'t'.repeat(129)}`, /invalid tag/],
  ['a/b//c', /repository names/],
  ['-foo', /repository names/],
  ['foo-', /repository names/],
  ['foo..bar', /repository names/],
  ['foo/', /repository names|empty/],
  ['foo:bar:baz', /repository names/],
  ['aa/asdf$$^/aa', /repository names/],
  ['busybox@sha256:abc', /not a digest/],
  [`busybox@sha256:${'A'.repeat(64)}`, /unsupported digest/],
  [`busybox@md5:${'a'.repeat(32)}`, /unsupported digest/],
  ['a'.repeat(64), /image ID/],
  ['[fe80::1%eth0]:5000/x', /not a valid registry/],
  ['foo.com:http/bar', /not a valid registry/],
  [`x.io/${'a'.repeat(260)}`, /longer than 255/],
  ['@' + digest, /empty|repository/],
];

describe('image references (Docker normalisation)', () => {
  for (const [input, expected] of valid) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(formatReference(parseReference(input)), expected);
    });
  }
  for (const [input, message] of invalid) {
    it(`rejects ${JSON.stringify(input.length > 40 ? input.slice(0, 40) + '…' : input)}`, () => {
      assert.throws(
        () => parseReference(input),
        (err: unknown) =>
          err instanceof ReferenceError &&
          message.test(err.message) &&
          err.message.includes('invalid reference format'),
      );
    });
  }

  it('keeps a bare name without a tag when asked', () => {
    assert.equal(
      formatReference(parseReference('busybox', { defaultToLatest: false })),
      'docker.io/library/busybox',
    );
  });

  it('gives the familiar short form Docker prints', () => {
    assert.equal(familiarName(parseReference('busybox')), 'busybox:latest');
    assert.equal(familiarName(parseReference('docker.io/foo/bar:1')), 'foo/bar:1');
    assert.equal(familiarName(parseReference('localhost:5000/x:y')), 'localhost:5000/x:y');
    assert.equal(familiarName(parseReference(`busybox@${digest}`)), `busybox@${digest}`);
  });

  it('treats loopback registries as insecure, as Docker does', () => {
    assert.ok(isLocalRegistry('localhost:5000'));
    assert.ok(isLocalRegistry('127.0.0.1:41234'));
    assert.ok(isLocalRegistry('[::1]:5000'));
    assert.ok(!isLocalRegistry('registry.example.com'));
    assert.ok(!isLocalRegistry('10.0.0.1:5000'));
  });
});
