import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const ShellReplacedByLink: Rule = {
  name: 'ShellReplacedByLink',
  source: 'berth',
  description:
    "Replacing /bin/sh with a link to another shell changes every later script in the image; the SHELL instruction changes the build's shell only.",
  url: berthRuleUrl('ShellReplacedByLink'),
  severity: 'warning',
  hadolint: ['DL4005'],
  check(context) {
    for (const { command, name, at } of context.runCommands()) {
      if (name !== 'ln') continue;
      const args = command.words.slice(at + 1).filter((w) => !w.value.startsWith('-'));
      const target = args[args.length - 1];
      if (target?.value !== '/bin/sh') continue;
      context.report(context.span(target.start, target.end), 'Use SHELL to change the default shell');
    }
  },
};
