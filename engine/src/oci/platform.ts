// Platforms: the host's, parsing `os/arch[/variant]`, and choosing a manifest from an index
// the way containerd's default matcher does (exact variant first, then compatible older variants).
import type { Descriptor, Platform } from './image-spec';

const nodeArchToOci: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

export function hostPlatform(): Platform {
  const architecture = nodeArchToOci[process.arch] ?? process.arch;
  const platform: Platform = { os: 'linux', architecture };
  if (architecture === 'arm64') platform.variant = 'v8';
  if (architecture === 'arm') {
    const armVersion = (process.config.variables as { arm_version?: string }).arm_version;
    platform.variant = `v${armVersion ?? '7'}`;
  }
  return platform;
}

/** Parses `linux/amd64`, `linux/arm64/v8`, `arm64` (os defaults to linux). */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => p === '')) {
    throw new Error(
      `invalid platform ${JSON.stringify(text)}: expected os/arch[/variant], e.g. linux/arm64/v8`,
    );
  }
  if (parts.length === 1) return normalizePlatform({ os: 'linux', architecture: parts[0] });
  const [os, architecture, variant] = parts;
  return normalizePlatform(variant ? { os, architecture, variant } : { os, architecture });
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function normalizePlatform(p: Platform): Platform {
  const aliases: Record<string, string> = {
    x86_64: 'amd64',
    'x86-64': 'amd64',
    aarch64: 'arm64',
    i386: '386',
  };
  const architecture = aliases[p.architecture] ?? p.architecture;
  const out: Platform = { os: p.os, architecture };
  let variant = p.variant;
  if (architecture === 'arm64' && (variant === undefined || variant === '8')) variant = 'v8';
  if (architecture === 'arm' && variant !== undefined && /^\d$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (variant) out.variant = variant;
  return out;
}

/**
 * How well `candidate` serves `wanted`: 0 = no, higher = better. An arm/v7 host also runs v6 and v5
 * images, an amd64 host runs amd64 (any variant up to the requested one).
 */
export function platformScore(wanted: Platform, candidate: Platform): number {
  const w = normalizePlatform(wanted);
  const c = normalizePlatform(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return 0;
  if (w.variant === c.variant) return 100;
  if (c.variant === undefined) return 50;
  if (w.variant === undefined) return w.architecture === 'arm64' && c.variant === 'v8' ? 100 : 10;
  const wv = Number(w.variant.replace(/^v/, ''));
  const cv = Number(c.variant.replace(/^v/, ''));
  if (Number.isFinite(wv) && Number.isFinite(cv) && cv < wv) return 40 - (wv - cv);
  return 0;
}

/** The best manifest for `wanted` in an index, or undefined (attestation manifests are skipped). */
export function selectManifest(manifests: readonly Descriptor[], wanted: Platform): Descriptor | undefined {
  let best: Descriptor | undefined;
  let bestScore = 0;
  for (const m of manifests) {
    if (m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    const score = m.platform ? platformScore(wanted, m.platform) : 0;
    if (score > bestScore) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}
