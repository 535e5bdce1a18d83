import type { Rule } from './rule';
import { berthRuleUrl } from './support';

const pointless: ReadonlySet<string> = new Set([
  'ssh',
  'vim',
  'shutdown',
  'service',
  'ps',
  'free',
  'top',
  'kill',
  'mount',
  'ifconfig',
]);

export const PointlessCommandInRun: Rule = {
  name: 'PointlessCommandInRun',
  source: 'berth',
  description:
    'Interactive or system-management commands (ssh, vim, shutdown, service, ps, free, top, kill, mount, ifconfig) do nothing useful in a build step.',
  url: berthRuleUrl('PointlessCommandInRun'),
  severity: 'information',
  hadolint: ['DL3001'],
  check(context) {
    for (const { command, name, at } of context.runCommands()) {
      if (!pointless.has(name)) continue;
      const word = command.words[at];
      context.report(
        context.span(word.start, word.end),
        `\`${name}\` makes no sense in a build step: the container has no services, terminal or other processes to manage`,
      );
    }
  },
};
