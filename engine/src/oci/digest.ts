// Content digests (`sha256:<64 hex>`): parsing at the boundary, hashing buffers and streams.
import { createHash, type Hash } from 'node:crypto';

/** A validated digest string, `algorithm:hex`. Only sha256 is produced; sha512 is accepted on input. */
export type Digest = `${'sha256' | 'sha512'}:${string}`;

const digestPattern = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && digestPattern.test(value);
}

/** Returns `value` as a Digest, or throws an error naming what was wrong and where it came from. */
export function parseDigest(value: unknown, what = 'digest'): Digest {
  if (!isDigest(value)) {
    throw new Error(`invalid ${what} ${JSON.stringify(value)}: expected sha256:<64 lowercase hex digits>`);
  }
  return value;
}

export function digestAlgorithm(digest: Digest): 'sha256' | 'sha512' {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

/** The hex part of a digest, used as a file name. */
export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function sha256(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Hashes bytes as they pass, and checks the result against an expected digest at the end. */
export class DigestHasher {
  private readonly hash: Hash;
  bytes = 0;

  constructor(readonly algorithm: 'sha256' | 'sha512' = 'sha256') {
    this.hash = createHash(algorithm);
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  digest(): Digest {
    return `${this.algorithm}:${this.hash.digest('hex')}`;
  }
}

/**
 * The chain ID of a layer stack (OCI image-spec): ChainID(L0) = DiffID(L0),
 * ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)).
 */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const chain: Digest[] = [];
  for (const diffId of diffIds) {
    const parent = chain[chain.length - 1];
    chain.push(parent === undefined ? diffId : sha256(`${parent} ${diffId}`));
  }
  return chain;
}
