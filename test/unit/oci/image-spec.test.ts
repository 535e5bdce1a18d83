import * as assert from 'node:assert/strict';
import { chainIds, parseDigest, sha256 } from '../../../engine/src/oci/digest';
import { parseImageConfig, parseManifestOrIndex } from '../../../engine/src/oci/image-spec';
import { MediaType } from '../../../engine/src/oci/media-types';
import { parsePlatform, selectManifest } from '../../../engine/src/oci/platform';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('OCI documents at the boundary', () => {
  it('parses a Docker v2s2 manifest and an OCI index', () => {
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, digest: d('a'), size: 10 },
      layers: [{ mediaType: MediaType.dockerLayerGzip, digest: d('b'), size: 20 }],
    };
    const parsed = parseManifestOrIndex(JSON.stringify(manifest));
    assert.equal(parsed.kind, 'manifest');
    const index = {
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MediaType.ociManifest,
          digest: d('c'),
          size: 5,
          platform: { os: 'linux', architecture: 'arm64' },
        },
      ],
    };
    const parsedIndex = parseManifestOrIndex(JSON.stringify(index));
    assert.equal(parsedIndex.kind, 'index');
    assert.equal(parsedIndex.mediaType, MediaType.ociIndex);
  });

  it('refuses schema 1 with a message that says what to do', () => {
    assert.throws(
      () =>
        parseManifestOrIndex(
          JSON.stringify({ schemaVersion: 1, name: 'x', fsLayers: [] }),
          MediaType.dockerSchema1Signed,
        ),
      /schema 1 format.*push it again/,
    );
  });

  it('rejects descriptors with bad digests or sizes, and non-JSON', () => {
    const bad = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: 'x', digest: 'sha256:zz', size: 1 },
      layers: [],
    };
    assert.throws(() => parseManifestOrIndex(JSON.stringify(bad)), /invalid manifest config digest/);
    const badSize = { ...bad, config: { mediaType: 'x', digest: d('a'), size: -1 } };
    assert.throws(() => parseManifestOrIndex(JSON.stringify(badSize)), /no valid size/);
    assert.throws(() => parseManifestOrIndex('{not json'), /not JSON/);
    assert.throws(
      () =>
        parseImageConfig(
          JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: ['x'] } }),
        ),
      /diff_ids\[0\]/,
    );
  });

  it('computes chain IDs as the image-spec defines them', () => {
    const a = parseDigest(d('1'));
    const b = parseDigest(d('2'));
    assert.deepEqual(chainIds([a, b]), [a, sha256(`${a} ${b}`)]);
  });

  it('selects the platform from an index (exact variant, then compatible)', () => {
    const m = (architecture: string, variant?: string) => ({
      mediaType: MediaType.ociManifest,
      digest: parseDigest(d(String(architecture.length % 10))),
      size: 1,
      platform: { os: 'linux', architecture, ...(variant && { variant }) },
    });
    const amd = m('amd64');
    const arm64 = m('arm64', 'v8');
    const armv6 = m('arm', 'v6');
    const armv7 = m('arm', 'v7');
    assert.equal(selectManifest([arm64, amd, armv6], parsePlatform('linux/amd64')), amd);
    assert.equal(selectManifest([amd, arm64], parsePlatform('linux/arm64')), arm64);
    assert.equal(selectManifest([armv6, armv7], parsePlatform('linux/arm/v7')), armv7);
    assert.equal(selectManifest([armv6], parsePlatform('linux/arm/v7')), armv6);
    assert.equal(selectManifest([armv7], parsePlatform('linux/arm/v6')), undefined);
    assert.equal(selectManifest([amd], parsePlatform('linux/s390x')), undefined);
    assert.throws(() => parsePlatform('linux//x'), /os\/arch/);
  });
});
