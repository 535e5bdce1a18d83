import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const CopyEntireStageFilesystem: Rule = {
  name: 'CopyEntireStageFilesystem',
  source: 'berth',
  description:
    '`COPY --from=<stage> / …` copies a whole filesystem, package databases and caches included: copy the directories you need.',
  url: berthRuleUrl('CopyEntireStageFilesystem'),
  severity: 'warning',
  hadolint: ['DL3067'],
  check(context) {
    for (const { instruction, stage } of context.instructions('COPY')) {
      const from = instruction.flags.find((f) => f.name === 'from');
      if (!from?.value || !stage) continue;
      // Copying all of a small image (`--from=tonistiigi/xx / /`, or a stage that only names such an
      // image) is a common, deliberate pattern; a stage that built a system is what this is about.
      const source = context.symbols.stageNamed(from.value, stage.index);
      if (!source || source.instructions.length === 0) continue;
      // Neither is copying a stage built FROM scratch: it holds only what was put there (artifacts).
      let root = source;
      for (let parent = context.symbols.baseStage(root); parent; parent = context.symbols.baseStage(root))
        root = parent;
      // (A base chosen by a variable, `FROM binaries-$TARGETOS`, is usually such a stage too.)
      const base = root.base?.value ?? '';
      if (base.toLowerCase() === 'scratch' || base.includes('$')) continue;
      for (const source of instruction.args.slice(0, -1)) {
        if (source.value === '/' || source.value === '/.' || source.value === '.') {
          context.report(source, 'Do not copy an entire filesystem from another stage');
        }
      }
    }
  },
};
