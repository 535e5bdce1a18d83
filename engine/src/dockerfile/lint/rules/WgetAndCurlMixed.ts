import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const WgetAndCurlMixed: Rule = {
  name: 'WgetAndCurlMixed',
  source: 'berth',
  description: 'Using both wget and curl in one stage means installing and maintaining two download tools.',
  url: berthRuleUrl('WgetAndCurlMixed'),
  severity: 'information',
  hadolint: ['DL4001'],
  check(context) {
    const firstByStage = new Map<unknown, Map<string, { start: number; end: number }>>();
    for (const { run, command, name, at } of context.runCommands()) {
      if (name !== 'wget' && name !== 'curl') continue;
      const tools = firstByStage.get(run.stage) ?? new Map();
      firstByStage.set(run.stage, tools);
      const word = command.words[at];
      if (!tools.has(name)) tools.set(name, word);
      const other = name === 'wget' ? 'curl' : 'wget';
      if (tools.has(other) && tools.get(name) === word) {
        context.report(
          context.span(word.start, word.end),
          `Either use wget or curl but not both: this stage already uses ${other}`,
        );
      }
    }
  },
};
