import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const WgetProgressBar: Rule = {
  name: 'WgetProgressBar',
  source: 'berth',
  description: 'wget prints a progress bar line per chunk in build logs unless told otherwise.',
  url: berthRuleUrl('WgetProgressBar'),
  severity: 'information',
  hadolint: ['DL3047'],
  fix: 'Adds `--progress=dot:giga`.',
  check(context) {
    for (const { command, name, at } of context.runCommands()) {
      if (name !== 'wget') continue;
      const options = command.words.slice(at + 1).map((w) => w.value);
      const quiet = options.some(
        (o) =>
          /^--(?:progress|quiet|no-verbose|output-file|append-output)\b/.test(o) ||
          /^-[A-Za-z]*[qoa]/.test(o) ||
          o === '-nv',
      );
      if (quiet) continue;
      const word = command.words[at];
      context.report(
        context.span(word.start, word.end),
        'Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).',
        {
          fixes: [
            {
              title: 'Add --progress=dot:giga',
              edits: [context.edit(word.end, word.end, ' --progress=dot:giga')],
              preferred: true,
            },
          ],
        },
      );
    }
  },
};
