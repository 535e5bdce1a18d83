import type { Stage } from '../../model';
import type { Rule, RuleContext } from './rule';
import { buildkitRuleUrl, goQuoted } from './support';

/** Absolute on Linux, or a Windows drive path (only a Windows build writes those). */
function isAbsolute(path: string, windows: boolean): boolean {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return true;
  return windows && /^[\\/]/.test(path);
}

/** BuildKit stops checking once a stage (or a stage it builds on) has set any WORKDIR. */
function workdirSetBefore(context: RuleContext, stage: Stage | undefined): boolean {
  for (let current = stage; current; current = context.symbols.baseStage(current)) {
    if (current.instructions.some((i) => i.name === 'WORKDIR')) return true;
  }
  return false;
}

export const WorkdirRelativePath: Rule = {
  name: 'WorkdirRelativePath',
  source: 'buildkit',
  description:
    'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes',
  url: buildkitRuleUrl('workdir-relative-path'),
  severity: 'warning',
  hadolint: ['DL3000'],
  fix: "Makes the path absolute by prefixing '/'.",
  check(context) {
    const windows = context.dockerfile.escapeChar === '`';
    for (const stage of context.dockerfile.stages) {
      if (workdirSetBefore(context, context.symbols.baseStage(stage))) continue;
      const first = stage.instructions.find((i) => i.name === 'WORKDIR');
      const path = first?.args[0];
      if (!first || !path) continue;
      // A path starting with a variable depends on values we cannot see (often the base image's).
      if (path.value.startsWith('$') || isAbsolute(path.value, windows)) continue;
      context.report(
        first,
        `Relative workdir ${goQuoted(path.value)} can have unexpected results if the base image changes`,
        {
          fixes: [
            {
              title: `Use /${path.value}`,
              edits: [{ range: { start: path.range.start, end: path.range.start }, newText: '/' }],
              preferred: true,
            },
          ],
        },
      );
    }
  },
};
