import type { Instruction, Stage } from '../../model';
import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const LastUserRoot: Rule = {
  name: 'LastUserRoot',
  source: 'berth',
  description:
    'The final image runs as root when its last USER is root: switch back to an unprivileged user after the steps that need root.',
  url: berthRuleUrl('LastUserRoot'),
  severity: 'warning',
  hadolint: ['DL3002'],
  check(context) {
    const stages = context.dockerfile.stages;
    const final = stages[stages.length - 1];
    if (!final) return;
    let last: Instruction | undefined;
    // The final stage inherits USER from the stages it builds on.
    const chain: Stage[] = [];
    for (let s: Stage | undefined = final; s; s = context.symbols.baseStage(s)) chain.unshift(s);
    for (const stage of chain) for (const i of stage.instructions) if (i.name === 'USER') last = i;
    const user = last?.command?.kind === 'USER' ? last.command.user : undefined;
    if (!last || user === undefined) return;
    const name = user.split(':')[0];
    if (name !== 'root' && name !== '0') return;
    context.report(last, 'Last USER should not be root');
  },
};
