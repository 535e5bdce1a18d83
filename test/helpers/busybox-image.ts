// The test image as an OCI image layout: test/helpers/busybox-rootfs.ts's rootfs packed by GNU tar
// (independent of Berth's own layer code, so tests cross-check it), gzipped, with config, manifest
// and index.json written here. Pushed to a test registry with skopeo.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeBusyboxRootfs } from './busybox-rootfs';

export interface LayoutImage {
  layoutDir: string;
  /** The tag in index.json's org.opencontainers.image.ref.name. */
  tag: string;
  manifestDigest: string;
  manifestSize: number;
  configDigest: string;
  layers: { digest: string; diffId: string; size: number }[];
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function writeBlob(layoutDir: string, data: Buffer): string {
  const digest = sha256(data);
  mkdirSync(join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(layoutDir, 'blobs', 'sha256', digest.slice(7)), data);
  return digest;
}

/** Tars a directory as an image layer would be: sorted, owned by root, fixed mtime. */
export function tarDirectory(dir: string): Buffer {
  return execFileSync(
    'tar',
    [
      '--sort=name',
      '--numeric-owner',
      '--owner=0',
      '--group=0',
      '--mtime=@1700000000',
      '--xattrs',
      // The posix format records atime/ctime unless told not to: layers would differ run to run.
      '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
      '-C',
      dir,
      '-cf',
      '-',
      '.',
    ],
    { maxBuffer: 1 << 30 },
  );
}

/**
 * Writes an OCI image layout at `layoutDir` (created) with one image whose layers are the given
 * directories (bottom first).
 */
export function makeOciLayout(
  layoutDir: string,
  layerDirs: string[],
  options: { tag?: string; cmd?: string[]; gzipLevel?: number } = {},
): LayoutImage {
  const tag = options.tag ?? 'latest';
  mkdirSync(layoutDir, { recursive: true });
  writeFileSync(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layers = layerDirs.map((dir) => {
    const tar = tarDirectory(dir);
    const gz = gzipSync(tar, { level: options.gzipLevel ?? 6 });
    return { digest: writeBlob(layoutDir, gz), diffId: sha256(tar), size: gz.length };
  });
  const config = Buffer.from(
    JSON.stringify({
      created: '2023-11-14T22:13:20Z',
      architecture: 'amd64',
      os: 'linux',
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: options.cmd ?? ['sh'],
        WorkingDir: '/',
      },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map(() => ({ created: '2023-11-14T22:13:20Z', created_by: 'berth test helper' })),
    }),
  );
  const configDigest = writeBlob(layoutDir, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: layers.map((l) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: l.digest,
        size: l.size,
      })),
    }),
  );
  const manifestDigest = writeBlob(layoutDir, manifest);
  writeFileSync(
    join(layoutDir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return { layoutDir, tag, manifestDigest, manifestSize: manifest.length, configDigest, layers };
}

/** The busybox test image as an OCI layout in `layoutDir`. */
export function makeBusyboxLayout(layoutDir: string, tag = 'latest'): LayoutImage {
  const rootfs = mkdtempSync(join(tmpdir(), 'berth-busybox-rootfs-'));
  try {
    makeBusyboxRootfs(rootfs);
    return makeOciLayout(layoutDir, [rootfs], { tag });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

/** Copies a layout's image to `registry/repo:tag` with skopeo (plain http). */
export function skopeoPush(
  image: LayoutImage,
  destination: string,
  options: { format?: 'oci' | 'v2s2'; creds?: string } = {},
): void {
  const args = ['copy', '--quiet', '--dest-tls-verify=false'];
  if (options.format) args.push('--format', options.format);
  if (options.creds) args.push('--dest-creds', options.creds);
  args.push(`oci:${image.layoutDir}:${image.tag}`, `docker://${destination}`);
  // A deadline under the hooks' 60 s: a stalled copy fails with skopeo's stderr, not a bare timeout.
  execFileSync('skopeo', args, { stdio: ['ignore', 'ignore', 'pipe'], env: skopeoEnv(), timeout: 45_000 });
}

/** Environment for skopeo/podman that keeps their config out of the user's home. */
export function skopeoEnv(): NodeJS.ProcessEnv {
  const authFile = join(tmpdir(), `berth-test-auth-${process.pid}.json`);
  if (!existsSync(authFile)) writeFileSync(authFile, '{}');
  return { ...process.env, REGISTRY_AUTH_FILE: authFile };
}

export function readLayoutIndex(layoutDir: string): {
  manifests: { digest: string; annotations?: Record<string, string> }[];
} {
  return JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8'));
}
