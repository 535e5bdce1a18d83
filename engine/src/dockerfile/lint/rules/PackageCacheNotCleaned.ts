import { hasOption, type PackageManager } from '../analysis/packages';
import { isIntermediate, mountsCacheOver, type RunScript } from '../analysis/runScripts';
import type { Fix, Rule, RuleContext } from './rule';
import { berthRuleUrl } from './support';

interface Cleanup {
  /** Subcommands that fill the cache. */
  readonly installs: ReadonlySet<string>;
  /** Cache directories (a cache mount over one makes cleaning unnecessary). */
  readonly cacheDirs: readonly string[];
  /** Text of the RUN that shows the cache is cleaned. */
  readonly cleaned: RegExp;
  readonly advice: string;
  /** Command appended to the RUN by the fix. */
  readonly cleanup: string;
}

const cleanups: Partial<Record<PackageManager, Cleanup>> = {
  'apt-get': {
    installs: new Set(['install']),
    cacheDirs: ['/var/lib/apt/lists', '/var/lib/apt', '/var/cache/apt'],
    cleaned: /rm\s+(?:-\w+\s+)*[^;&|]*\/var\/lib\/apt\/lists|apt-get\s+(?:-\S+\s+)*dist-clean/,
    advice: 'delete the apt lists (`rm -rf /var/lib/apt/lists/*`) in the same RUN',
    cleanup: 'rm -rf /var/lib/apt/lists/*',
  },
  yum: {
    installs: new Set(['install', 'groupinstall', 'localinstall', 'update', 'upgrade']),
    cacheDirs: ['/var/cache/yum'],
    cleaned: /yum\s+(?:-\S+\s+)*clean\s+all|rm\s+[^;&|]*\/var\/cache\/yum/,
    advice: 'run `yum clean all` in the same RUN',
    cleanup: 'yum clean all',
  },
  dnf: {
    installs: new Set(['install', 'groupinstall', 'localinstall', 'update', 'upgrade']),
    cacheDirs: ['/var/cache/dnf', '/var/cache/libdnf5'],
    cleaned: /dnf5?\s+(?:-\S+\s+)*clean\s+all|rm\s+[^;&|]*\/var\/cache\/(?:dnf|libdnf5)/,
    advice: 'run `dnf clean all` in the same RUN',
    cleanup: 'dnf clean all',
  },
  microdnf: {
    installs: new Set(['install', 'update', 'upgrade']),
    cacheDirs: ['/var/cache/yum', '/var/cache/dnf'],
    cleaned: /microdnf\s+(?:-\S+\s+)*clean\s+all|rm\s+[^;&|]*\/var\/cache\/(?:yum|dnf)/,
    advice: 'run `microdnf clean all` in the same RUN',
    cleanup: 'microdnf clean all',
  },
  zypper: {
    installs: new Set(['install', 'in', 'update', 'up', 'patch', 'dist-upgrade', 'dup']),
    cacheDirs: ['/var/cache/zypp'],
    cleaned: /zypper\s+(?:-\S+\s+)*(?:clean|cc)\b|rm\s+[^;&|]*\/var\/cache\/zypp/,
    advice: 'run `zypper clean` in the same RUN',
    cleanup: 'zypper clean',
  },
  yarn: {
    installs: new Set(['install', 'add']),
    cacheDirs: ['/usr/local/share/.cache/yarn', '/root/.cache/yarn'],
    cleaned: /yarn\s+cache\s+clean/,
    advice: 'run `yarn cache clean` in the same RUN',
    cleanup: 'yarn cache clean',
  },
};

/** Appends `&& <cleanup>` to the end of a shell-form RUN command line. */
function appendFix(context: RuleContext, run: RunScript, cleanup: string): Fix[] {
  if (run.heredoc) return [];
  return [
    {
      title: `Append && ${cleanup}`,
      edits: [context.edit(run.end, run.end, ` && ${cleanup}`)],
      preferred: true,
    },
  ];
}

export const PackageCacheNotCleaned: Rule = {
  name: 'PackageCacheNotCleaned',
  source: 'berth',
  description:
    'Package managers leave caches and lists in the layer unless the same RUN removes them (or mounts a cache over them): apt-get, apk, yum, dnf, zypper, pip, yarn. Stages that other stages only copy from are exempt.',
  url: berthRuleUrl('PackageCacheNotCleaned'),
  severity: 'information',
  hadolint: ['DL3009', 'DL3019', 'DL3032', 'DL3036', 'DL3040', 'DL3042', 'DL3060'],
  fix: 'Appends the cleanup command to the RUN, or adds `--no-cache` (apk) / `--no-cache-dir` (pip).',
  check(context) {
    const seen = new Set<string>();
    for (const { run, invocation } of context.packageInvocations()) {
      const sub = invocation.subcommand;
      if (!sub || isIntermediate(context.document, run.stage)) continue;
      const runText = context.text.slice(run.start, run.end);
      const where = context.span(invocation.managerWord.start, sub.end);
      if (invocation.manager === 'apk' && sub.value === 'add') {
        if (hasOption(invocation, undefined, '--no-cache') || /rm\s+[^;&|]*\/var\/cache\/apk/.test(runText))
          continue;
        if (mountsCacheOver(run.instruction, ['/var/cache/apk', '/etc/apk/cache'])) continue;
        context.report(where, 'Use `apk add --no-cache` so the package index is not kept in the layer', {
          fixes: [
            {
              title: 'Add --no-cache',
              edits: [context.edit(sub.end, sub.end, ' --no-cache')],
              preferred: true,
            },
          ],
        });
        continue;
      }
      if (invocation.manager === 'pip' && sub.value === 'install') {
        if (
          hasOption(invocation, undefined, '--no-cache-dir') ||
          mountsCacheOver(run.instruction, ['/root/.cache/pip'])
        )
          continue;
        if (context.symbols.scopeAt(run.instruction.startOffset).has('PIP_NO_CACHE_DIR')) continue;
        context.report(
          where,
          'Use `pip install --no-cache-dir` so downloaded packages are not kept in the layer',
          {
            fixes: [
              {
                title: 'Add --no-cache-dir',
                edits: [context.edit(sub.end, sub.end, ' --no-cache-dir')],
                preferred: true,
              },
            ],
          },
        );
        continue;
      }
      const cleanup = cleanups[invocation.manager];
      if (!cleanup || !cleanup.installs.has(sub.value)) continue;
      const key = `${run.instruction.startOffset}:${invocation.manager}`;
      if (
        seen.has(key) ||
        cleanup.cleaned.test(runText) ||
        mountsCacheOver(run.instruction, cleanup.cacheDirs)
      )
        continue;
      seen.add(key);
      context.report(
        where,
        `\`${invocation.managerWord.value} ${sub.value}\` leaves its cache in the layer: ${cleanup.advice}`,
        {
          fixes: appendFix(context, run, cleanup.cleanup),
        },
      );
    }
  },
};
