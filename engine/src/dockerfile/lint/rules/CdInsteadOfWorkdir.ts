import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const CdInsteadOfWorkdir: Rule = {
  name: 'CdInsteadOfWorkdir',
  source: 'berth',
  description:
    'A `cd` that starts a RUN only affects that step; WORKDIR sets the directory for the following instructions and is easier to read.',
  url: berthRuleUrl('CdInsteadOfWorkdir'),
  severity: 'information',
  hadolint: ['DL3003'],
  check(context) {
    for (const { run, command, name, at } of context.runCommands()) {
      // Only a cd that begins the step to an absolute path reads like a WORKDIR; `cd build && make && cd ..` is local.
      if (name !== 'cd' || run.script.commands[0] !== command) continue;
      const target = command.words[at + 1]?.value;
      if (!target?.startsWith('/')) continue;
      const word = command.words[at];
      context.report(
        context.span(word.start, command.words[at + 1].end),
        `Use WORKDIR ${target} to switch to a directory`,
      );
    }
  },
};
