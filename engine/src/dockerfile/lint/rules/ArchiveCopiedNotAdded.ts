import { archivePattern } from './archives';
import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const ArchiveCopiedNotAdded: Rule = {
  name: 'ArchiveCopiedNotAdded',
  source: 'berth',
  description:
    'Copying a local archive and extracting it with tar in a later RUN keeps the archive in a layer; ADD extracts it in one step.',
  url: berthRuleUrl('ArchiveCopiedNotAdded'),
  severity: 'information',
  hadolint: ['DL3010'],
  check(context) {
    const extracted: { stage: unknown; text: string }[] = [];
    for (const { run, command, name, at } of context.runCommands()) {
      if (name === 'tar')
        extracted.push({
          stage: run.stage,
          text: command.words
            .slice(at + 1)
            .map((w) => w.value)
            .join(' '),
        });
    }
    if (extracted.length === 0) return;
    for (const { instruction, stage } of context.instructions('COPY')) {
      if (instruction.flags.some((f) => f.name === 'from')) continue;
      for (const source of instruction.args.slice(0, -1)) {
        if (!archivePattern.test(source.value)) continue;
        const base = source.value.slice(source.value.lastIndexOf('/') + 1);
        if (!extracted.some((e) => e.stage === stage && e.text.includes(base))) continue;
        context.report(source, 'Use `ADD` for extracting archives into an image');
      }
    }
  },
};
