import { DiagnosticTag } from 'vscode-languageserver-types';
import type { Instruction } from '../../model';
import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

const once: ReadonlySet<string> = new Set(['CMD', 'ENTRYPOINT', 'HEALTHCHECK']);

export const MultipleInstructionsDisallowed: Rule = {
  name: 'MultipleInstructionsDisallowed',
  source: 'buildkit',
  description: 'Multiple instructions of the same type should not be used in the same stage',
  url: buildkitRuleUrl('multiple-instructions-disallowed'),
  severity: 'warning',
  hadolint: ['DL3012', 'DL4003', 'DL4004'],
  fix: 'Deletes the instruction that has no effect.',
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const last = new Map<string, Instruction>();
      for (const instruction of stage.instructions) {
        if (!once.has(instruction.name)) continue;
        const previous = last.get(instruction.name);
        // The earlier one is reported: it is the one that will be ignored.
        if (previous) {
          const deleteLines = {
            start: { line: previous.range.start.line, character: 0 },
            end: { line: previous.range.end.line + 1, character: 0 },
          };
          context.report(
            previous,
            `Multiple ${previous.keyword.value} instructions should not be used in the same stage because only the last one will be used`,
            {
              tags: [DiagnosticTag.Unnecessary],
              fixes: [
                { title: `Delete this ${previous.name}`, edits: [{ range: deleteLines, newText: '' }] },
              ],
            },
          );
        }
        last.set(instruction.name, instruction);
      }
    }
  },
};
