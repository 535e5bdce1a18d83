// Quick fixes: each rule's mechanical fixes, "skip this check" (in the file's `# check=` directive
// or in a `# check=` comment above one instruction, both honoured by BuildKit too), the parser's
// "did you mean" suggestions, and a fix-all source action.
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-types';
import type { Dockerfile, Instruction } from '../../engine/src/dockerfile/model';
import { comparePositions } from '../../engine/src/dockerfile/lint/analysis/spans';
import { diagnosticSource } from './diagnostics';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';
import type { ServiceEnvironment } from '../../engine/src/dockerfile/lint/environment';
import { parseCheckOptions } from '../../engine/src/dockerfile';
import { lint } from '../../engine/src/dockerfile/lint/rules/lint';

export const fixAllKind = `${CodeActionKind.SourceFixAll}.berth`;

function sameRange(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.start) === 0 && comparePositions(a.end, b.end) === 0;
}

export function computeCodeActions(
  document: DockerfileDocument,
  diagnostics: readonly Diagnostic[],
  environment: ServiceEnvironment,
  only?: readonly string[],
): CodeAction[] {
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    const results = lint(document, environment);
    for (const diagnostic of diagnostics) {
      if (diagnostic.source !== diagnosticSource) continue;
      if (typeof diagnostic.code !== 'string') {
        const message =
          typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
        const suggestion = /\(did you mean (\S+?)\?\)$/.exec(message)?.[1];
        if (suggestion)
          actions.push(
            quickFix(
              document,
              `Change to ${suggestion}`,
              diagnostic,
              [{ range: diagnostic.range, newText: suggestion }],
              true,
            ),
          );
        continue;
      }
      const rule = diagnostic.code;
      for (const { finding } of results) {
        if (finding.rule.name !== rule || !sameRange(finding.range, diagnostic.range)) continue;
        for (const fix of finding.fixes)
          actions.push(quickFix(document, fix.title, diagnostic, fix.edits, fix.preferred));
      }
      const instruction = document.dockerfile.instructionAt(
        document.dockerfile.offsetAt(diagnostic.range.start),
      );
      if (instruction) {
        actions.push(
          quickFix(
            document,
            `Skip ${rule} for this instruction`,
            diagnostic,
            skipForInstruction(document.dockerfile, instruction, rule),
          ),
        );
      }
      const fileEdits = skipInFile(document.dockerfile, rule);
      if (fileEdits.length > 0)
        actions.push(quickFix(document, `Skip ${rule} in this file`, diagnostic, fileEdits));
    }
  }
  if (wants(fixAllKind)) {
    const edits = fixAllEdits(document, environment);
    if (edits.length > 0) {
      actions.push({
        title: 'Fix all auto-fixable problems',
        kind: fixAllKind,
        edit: { changes: { [document.uri]: edits } },
      });
    }
  }
  return actions;
}

function quickFix(
  document: DockerfileDocument,
  title: string,
  diagnostic: Diagnostic,
  edits: readonly TextEdit[],
  preferred?: boolean,
): CodeAction {
  const action: CodeAction = {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [document.uri]: [...edits] } },
  };
  if (preferred) action.isPreferred = true;
  return action;
}

/** The preferred fix of every finding, skipping fixes whose edits overlap earlier ones. */
export function fixAllEdits(document: DockerfileDocument, environment: ServiceEnvironment): TextEdit[] {
  const dockerfile = document.dockerfile;
  const taken: [number, number][] = [];
  const edits: TextEdit[] = [];
  for (const { finding } of lint(document, environment)) {
    const fix = finding.fixes.find((f) => f.preferred);
    if (!fix) continue;
    const spans = fix.edits.map(
      (e) => [dockerfile.offsetAt(e.range.start), dockerfile.offsetAt(e.range.end)] as [number, number],
    );
    const overlaps = spans.some(([s, e]) =>
      taken.some(([ts, te]) => (s < te && ts < e) || (s === e && s === ts && e === te)),
    );
    if (overlaps) continue;
    taken.push(...spans);
    edits.push(...fix.edits);
  }
  return edits;
}

/** Adds the rule to the file's `# check=skip=` directive, creating the directive if needed. */
export function skipInFile(dockerfile: Dockerfile, rule: string): TextEdit[] {
  const directive = dockerfile.directives.find((d) => d.name === 'check');
  if (!directive) {
    const last = dockerfile.directives[dockerfile.directives.length - 1];
    const line = last ? last.range.end.line + 1 : 0;
    const at = { line, character: 0 };
    return [{ range: { start: at, end: at }, newText: `# check=skip=${rule}\n` }];
  }
  return appendSkip(dockerfile, directive.valueToken.startOffset, directive.value, rule);
}

/** Adds the rule to a `# check=skip=` comment right above the instruction, creating it if needed. */
export function skipForInstruction(
  dockerfile: Dockerfile,
  instruction: Instruction,
  rule: string,
): TextEdit[] {
  const line = instruction.range.start.line;
  for (let l = line - 1; l >= 0; l--) {
    const comment = dockerfile.comments.find((c) => c.range.start.line === l && !c.inContinuation);
    if (!comment) break;
    const match = /^(check\s*=\s*)(\S*)/i.exec(comment.text);
    if (match) {
      const valueStart = dockerfile.text.indexOf(comment.text, comment.startOffset) + match[1].length;
      return appendSkip(dockerfile, valueStart, match[2], rule);
    }
  }
  const indent =
    /^[ \t]*/.exec(dockerfile.text.slice(instruction.startOffset - instruction.range.start.character))?.[0] ??
    '';
  const at = { line, character: 0 };
  return [{ range: { start: at, end: at }, newText: `${indent}# check=skip=${rule}\n` }];
}

function appendSkip(dockerfile: Dockerfile, valueStart: number, value: string, rule: string): TextEdit[] {
  const config = parseCheckOptions(value).config;
  if (config?.skipAll || config?.skip.has(rule)) return [];
  const skip = /(^|;)\s*skip\s*=([^;]*)/.exec(value);
  if (skip && config) {
    const end = valueStart + skip.index + skip[0].length;
    const at = dockerfile.positionAt(end);
    const list = skip[2].trim();
    return [{ range: { start: at, end: at }, newText: list === '' ? rule : `,${rule}` }];
  }
  const at = dockerfile.positionAt(valueStart + value.length);
  return [{ range: { start: at, end: at }, newText: value.trim() === '' ? `skip=${rule}` : `;skip=${rule}` }];
}
