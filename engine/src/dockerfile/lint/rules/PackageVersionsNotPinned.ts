import { hasOption, isDynamic, type PackageInvocation } from '../analysis/packages';
import type { ShellWord } from '../analysis/shell';
import type { Rule } from './rule';
import { berthRuleUrl } from './support';

/** A local file, URL or VCS reference rather than a package name: nothing to pin. */
function isPathLike(word: string): boolean {
  return (
    /^(?:\.{0,2}\/|~|[a-z][a-z0-9+.-]*:\/\/|git\+|@?[\w.-]+\/[\w.-]+#)/i.test(word) ||
    /\.(?:deb|rpm|apk|whl|tar\.gz|tgz|zip|gem)$/.test(word) ||
    word === '.'
  );
}

/** How each manager writes a pinned package, and which subcommands install. */
const pinning: Partial<
  Record<
    PackageInvocation['manager'],
    { installs: ReadonlySet<string>; pinned: (w: string, inv: PackageInvocation) => boolean; example: string }
  >
> = {
  'apt-get': {
    installs: new Set(['install']),
    pinned: (w) => w.includes('='),
    example: '<package>=<version>',
  },
  apk: { installs: new Set(['add']), pinned: (w) => /[=~<>]/.test(w), example: '<package>=<version>' },
  pip: {
    installs: new Set(['install']),
    pinned: (w) => /(?:==|~=|>=|<=|!=|===|<|>|@)/.test(w),
    example: '<package>==<version>',
  },
  npm: {
    installs: new Set(['install', 'i', 'add']),
    pinned: (w) => /^@?[^@]+@(?!latest$|next$)./.test(w),
    example: '<package>@<version>',
  },
  gem: {
    installs: new Set(['install']),
    pinned: (w, inv) => w.includes(':') || hasOption(inv, 'v', '--version'),
    example: '<gem>:<version>',
  },
  yum: { installs: new Set(['install']), pinned: (w) => /-\d/.test(w), example: '<package>-<version>' },
  dnf: { installs: new Set(['install']), pinned: (w) => /-\d/.test(w), example: '<package>-<version>' },
  microdnf: { installs: new Set(['install']), pinned: (w) => /-\d/.test(w), example: '<package>-<version>' },
  zypper: {
    installs: new Set(['install', 'in']),
    pinned: (w) => /[=<>]/.test(w),
    example: '<package>=<version>',
  },
  go: {
    installs: new Set(['install']),
    pinned: (w) => /@(?!latest$)./.test(w),
    example: '<package>@<version>',
  },
};

/** pip, setuptools and wheel upgrades are deliberately "latest". */
function isToolingUpgrade(inv: PackageInvocation, word: ShellWord): boolean {
  return (
    inv.manager === 'pip' && hasOption(inv, 'U', '--upgrade') && /^(?:pip|setuptools|wheel)$/.test(word.value)
  );
}

export const PackageVersionsNotPinned: Rule = {
  name: 'PackageVersionsNotPinned',
  source: 'berth',
  description:
    'Packages installed without a version (apt-get, apk, pip, npm, gem, yum, dnf, zypper, go install) make rebuilds unreproducible. Off by default: distribution archives drop old versions, so pinned builds break; turn it on where reproducibility matters more.',
  url: berthRuleUrl('PackageVersionsNotPinned'),
  severity: 'off',
  hadolint: ['DL3008', 'DL3013', 'DL3016', 'DL3018', 'DL3028', 'DL3033', 'DL3037', 'DL3041', 'DL3062'],
  check(context) {
    for (const { invocation } of context.packageInvocations()) {
      const rules = pinning[invocation.manager];
      if (!rules || !invocation.subcommand || !rules.installs.has(invocation.subcommand.value)) continue;
      // `npm install -g` pins globally installed tools; a bare `npm install` uses the lockfile.
      for (const word of invocation.operands) {
        if (
          isDynamic(word) ||
          isPathLike(word.value) ||
          (word.value.startsWith('@') && invocation.manager !== 'npm')
        )
          continue;
        if (rules.pinned(word.value, invocation) || isToolingUpgrade(invocation, word)) continue;
        context.report(
          context.span(word.start, word.end),
          `Pin the version of ${word.value}: \`${invocation.managerWord.value} ${invocation.subcommand.value} ${rules.example}\``,
        );
      }
    }
  },
};
