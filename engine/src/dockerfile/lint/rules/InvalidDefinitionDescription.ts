import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

export const InvalidDefinitionDescription: Rule = {
  name: 'InvalidDefinitionDescription',
  source: 'buildkit',
  description:
    'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.',
  url: buildkitRuleUrl('invalid-definition-description'),
  severity: 'warning',
  experimental: true,
  fix: 'Starts the comment with the name, or separates the comment from the instruction with an empty line.',
  check(context) {
    const dockerfile = context.dockerfile;
    const argNames = new Map<unknown, string[]>();
    for (const d of context.symbols.declarations) {
      if (d.kind !== 'ARG') continue;
      const list = argNames.get(d.instruction) ?? [];
      list.push(d.name);
      argNames.set(d.instruction, list);
    }
    let commentsByLine: Map<number, (typeof dockerfile.comments)[number]> | undefined;
    for (const { instruction, stage } of context.instructions()) {
      if (instruction.comments.length === 0) continue;
      let keys: string[];
      if (stage && instruction === stage.from && stage.nameToken) keys = [stage.nameToken.value];
      else if (instruction.name === 'ARG') keys = argNames.get(instruction) ?? [];
      else continue;
      const comments = instruction.comments;
      if (keys.length === 0) continue;
      const last = comments[comments.length - 1].replace(/^#\s?/, '');
      if (keys.includes(last.split(' ')[0])) continue;
      const example = keys.length > 1 ? '<arg_key>' : keys[0];
      const line = instruction.range.start.line - 1;
      // Built on the first finding: a file can have thousands of comments and many findings.
      commentsByLine ??= new Map(dockerfile.comments.map((c) => [c.range.start.line, c]));
      const comment = commentsByLine.get(line);
      const fixes = [];
      if (comment && keys.length === 1) {
        const hash = dockerfile.text.indexOf('#', comment.startOffset);
        const at = dockerfile.positionAt(hash + 1);
        fixes.push({
          title: `Start the comment with '${keys[0]}'`,
          edits: [{ range: { start: at, end: at }, newText: ` ${keys[0]}` }],
          preferred: true,
        });
      }
      const before = { line: instruction.range.start.line, character: 0 };
      fixes.push({
        title: 'Separate the comment with an empty line',
        edits: [{ range: { start: before, end: before }, newText: '\n' }],
      });
      context.report(
        instruction.keyword,
        `Comment for ${instruction.keyword.value.toUpperCase() === 'FROM' ? 'FROM' : 'ARG'} should follow the format: \`# ${example} <description>\``,
        { fixes },
      );
    }
  },
};
