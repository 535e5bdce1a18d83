// Formatting that never changes what BuildKit builds: instruction keywords in the file's majority
// case at the start of their line, one space after the keyword, no trailing whitespace, at most one
// blank line in a row, one final newline. Continuation lines keep their indentation (multi-line RUN
// layouts are deliberate) and heredoc bodies are left byte for byte.
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';

export function computeFormatting(document: DockerfileDocument, range?: Range): TextEdit[] {
  const dockerfile = document.dockerfile;
  const text = document.text;
  const lines = text.split(/\r?\n|\r/);
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';

  const verbatim = new Set<number>();
  const instructionStarts = new Map<number, { keyword: string; start: number; end: number }>();
  let lower = 0;
  let upper = 0;
  for (const instruction of dockerfile.instructions) {
    for (const heredoc of instruction.heredocs) {
      const last = (heredoc.terminator ?? heredoc.body).range.end.line;
      for (let l = heredoc.body.range.start.line; l <= last; l++) verbatim.add(l);
    }
    const keyword = instruction.keyword.value;
    if (instruction.known) {
      if (keyword === keyword.toLowerCase()) lower++;
      else if (keyword === keyword.toUpperCase()) upper++;
    }
    instructionStarts.set(instruction.range.start.line, {
      keyword,
      start: instruction.keyword.range.start.character,
      end: instruction.keyword.range.end.character,
    });
  }
  const toCase = lower > upper ? (k: string) => k.toLowerCase() : (k: string) => k.toUpperCase();
  const knownNames = new Set(dockerfile.instructions.filter((i) => i.known).map((i) => i.keyword.value));

  const first = range ? range.start.line : 0;
  const last = range ? Math.min(range.end.line, lines.length - 1) : lines.length - 1;
  const edits: TextEdit[] = [];
  let blankRun = 0;
  for (let l = 0; l <= last; l++) {
    const line = lines[l];
    if (verbatim.has(l)) {
      blankRun = 0;
      continue;
    }
    let formatted = line.replace(/[ \t]+$/, '');
    const start = instructionStarts.get(l);
    if (start) {
      const keyword = knownNames.has(start.keyword) ? toCase(start.keyword) : start.keyword;
      const rest = formatted.slice(start.end);
      const afterKeyword =
        /^[ \t]+(?=\S)/.test(rest) && !/^[ \t]+[\\`][ \t]*$/.test(rest) ? ` ${rest.trimStart()}` : rest;
      formatted = keyword + afterKeyword;
    }
    const blank = formatted === '';
    blankRun = blank ? blankRun + 1 : 0;
    if (l < first) continue;
    const isTrailingEmpty = l === lines.length - 1 && blank;
    if (blank && blankRun > 1 && !isTrailingEmpty) {
      // Remove the whole line (from the end of the previous one).
      edits.push({
        range: {
          start: { line: l - 1, character: lines[l - 1].length },
          end: { line: l, character: line.length },
        },
        newText: '',
      });
      continue;
    }
    if (formatted !== line) {
      edits.push({
        range: { start: { line: l, character: 0 }, end: { line: l, character: line.length } },
        newText: formatted,
      });
    }
  }
  if (!range || last === lines.length - 1) {
    // Exactly one newline at the end.
    let end = lines.length - 1;
    while (end > 0 && lines[end] === '' && lines[end - 1].trim() === '' && !verbatim.has(end - 1)) end--;
    if (lines[lines.length - 1] !== '') {
      edits.push({
        range: {
          start: { line: last, character: lines[last].length },
          end: { line: last, character: lines[last].length },
        },
        newText: eol,
      });
    } else if (end < lines.length - 1) {
      edits.push({
        range: {
          start: { line: end - 1, character: lines[end - 1].length },
          end: { line: lines.length - 1, character: 0 },
        },
        newText: eol,
      });
    }
  }
  return dropOverlaps(edits);
}

/** Edits must not overlap: keep the first of any overlapping pair (line order). */
function dropOverlaps(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const edit of edits) {
    const previous = out[out.length - 1];
    if (
      previous &&
      (edit.range.start.line < previous.range.end.line ||
        (edit.range.start.line === previous.range.end.line &&
          edit.range.start.character < previous.range.end.character))
    ) {
      continue;
    }
    out.push(edit);
  }
  return out;
}
