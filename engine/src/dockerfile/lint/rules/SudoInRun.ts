import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const SudoInRun: Rule = {
  name: 'SudoInRun',
  source: 'berth',
  description:
    'RUN steps already run as the current USER; sudo adds a TTY and PAM dependency and unpredictable behaviour. Switch users with USER (or gosu/su-exec at run time).',
  url: berthRuleUrl('SudoInRun'),
  severity: 'warning',
  hadolint: ['DL3004'],
  fix: 'Removes `sudo` and its options.',
  check(context) {
    for (const run of context.runScripts()) {
      for (const command of run.script.commands) {
        const words = command.words;
        // Fast path: sudo can only come first or after VAR=value assignments.
        if (words[0].value !== 'sudo' && !words[0].value.includes('=')) continue;
        let i = 0;
        while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i].value)) i++;
        if (words[i]?.value !== 'sudo') continue;
        let end = i + 1;
        while (end < words.length && words[end].value.startsWith('-')) end++;
        if (end >= words.length) continue;
        context.report(
          context.span(words[i].start, words[i].end),
          'Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root',
          {
            fixes: [
              {
                title: 'Remove sudo',
                edits: [context.edit(words[i].start, words[end].start, '')],
                preferred: true,
              },
            ],
          },
        );
      }
    }
  },
};
