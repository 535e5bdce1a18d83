import type { Rule } from './rule';
import { buildkitRuleUrl, goQuoted } from './support';

const operatingSystems: ReadonlySet<string> = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'illumos',
  'ios',
  'js',
  'linux',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
]);
const architectureAliases: Readonly<Record<string, string>> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
};

/** containerd's platforms.Parse, reduced to what the check needs: OS and architecture, or undefined. */
function parsePlatform(value: string): { os: string; arch: string } | undefined {
  const parts = value.toLowerCase().split('/');
  if (parts.some((p) => !/^[a-z0-9_-]+$/.test(p)) || parts.length > 3) return undefined;
  const arch = (a: string) => architectureAliases[a] ?? a;
  if (parts.length === 1) {
    return operatingSystems.has(parts[0])
      ? { os: parts[0], arch: 'amd64' }
      : { os: 'linux', arch: arch(parts[0]) };
  }
  if (!operatingSystems.has(parts[0])) return undefined;
  return { os: parts[0], arch: arch(parts[1]) };
}

export const FromPlatformFlagConstDisallowed: Rule = {
  name: 'FromPlatformFlagConstDisallowed',
  source: 'buildkit',
  description: 'FROM --platform flag should not use a constant value',
  url: buildkitRuleUrl('from-platform-flag-const-disallowed'),
  severity: 'warning',
  hadolint: ['DL3029'],
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const flag = stage.platform;
      if (!flag?.value || !flag.valueSpan) continue;
      const usesVariable = stage.from.variables.some(
        (v) => v.startOffset >= flag.startOffset && v.endOffset <= flag.endOffset,
      );
      if (usesVariable) continue;
      const platform = parsePlatform(flag.value);
      if (!platform) continue;
      // A stage named for its platform (`FROM --platform=linux/arm64 … AS build-arm64`) is deliberate.
      const name = stage.name ?? '';
      if (name.includes(platform.os) || name.includes(platform.arch)) continue;
      context.report(flag, `FROM --platform flag should not use constant value ${goQuoted(flag.value)}`);
    }
  },
};
