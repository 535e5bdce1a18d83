import type { Rule } from './rule';
import { berthRuleUrl, didYouMean } from './support';

export const CopyFromUnknownStage: Rule = {
  name: 'CopyFromUnknownStage',
  source: 'berth',
  description:
    "`COPY --from` with a name close to an earlier stage's (but not equal) is almost surely a typo: BuildKit would pull an image of that name instead.",
  url: berthRuleUrl('CopyFromUnknownStage'),
  severity: 'warning',
  hadolint: ['DL3022'],
  fix: 'Replaces the name with the stage it resembles.',
  check(context) {
    const stages = context.dockerfile.stages;
    const named = new Set(stages.map((s) => s.name));
    for (const stage of stages) {
      for (const instruction of stage.instructions) {
        const from = instruction.flags.find((f) => f.name === 'from');
        if ((instruction.name !== 'COPY' && instruction.name !== 'ADD') || !from?.value || !from.valueSpan)
          continue;
        const value = from.value;
        if (/[/:@.$]/.test(value) || /^\d+$/.test(value) || context.symbols.stageNamed(value, stage.index))
          continue;
        // BuildKit also resolves names of later stages; only a near-miss of an earlier one is a likely typo.
        if (named.has(value.toLowerCase())) continue;
        const earlier = stages
          .filter((s) => s.index < stage.index && s.name !== undefined)
          .map((s) => s.name!);
        const suggestion = didYouMean(value.toLowerCase(), earlier);
        if (!suggestion) continue;
        const message = `\`--from=${value}\` names no stage (did you mean ${suggestion}?); BuildKit would pull an image called ${value}`;
        context.report(from.valueSpan, message, {
          fixes: [
            {
              title: `Change to ${suggestion}`,
              edits: [{ range: from.valueSpan.range, newText: suggestion }],
              preferred: true,
            },
          ],
        });
      }
    }
  },
};
