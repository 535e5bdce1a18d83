// Document symbols (stages containing their instructions, global ARGs at the top) and folding
// ranges (multi-line instructions, heredoc bodies, stages, comment blocks).
import {
  FoldingRangeKind,
  SymbolKind,
  SymbolTag,
  type DocumentSymbol,
  type FoldingRange,
} from 'vscode-languageserver-types';
import type { Instruction } from '../../engine/src/dockerfile/model';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';

function firstLine(instruction: Instruction): string {
  const line = instruction.line.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function instructionSymbol(instruction: Instruction): DocumentSymbol {
  const symbol: DocumentSymbol = {
    name: instruction.name,
    detail: firstLine(instruction).slice(instruction.keyword.value.length).trim(),
    kind:
      instruction.name === 'ARG' || instruction.name === 'ENV' ? SymbolKind.Variable : SymbolKind.Function,
    range: instruction.range,
    selectionRange: instruction.keyword.range,
  };
  if (instruction.name === 'MAINTAINER') symbol.tags = [SymbolTag.Deprecated];
  return symbol;
}

export function computeDocumentSymbols(document: DockerfileDocument): DocumentSymbol[] {
  const dockerfile = document.dockerfile;
  const symbols: DocumentSymbol[] = dockerfile.globalArgs.map(instructionSymbol);
  for (const stage of dockerfile.stages) {
    const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
    symbols.push({
      name: stage.name ?? `stage ${stage.index}`,
      detail: stage.base ? `FROM ${stage.base.value}` : 'FROM',
      kind: SymbolKind.Class,
      range: { start: stage.from.range.start, end: last.range.end },
      selectionRange: (stage.nameToken ?? stage.from.keyword).range,
      children: stage.instructions.map(instructionSymbol),
    });
  }
  return symbols;
}

export function computeFoldingRanges(document: DockerfileDocument): FoldingRange[] {
  const dockerfile = document.dockerfile;
  const ranges: FoldingRange[] = [];
  for (const stage of dockerfile.stages) {
    const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
    if (last.range.end.line > stage.from.range.start.line) {
      ranges.push({ startLine: stage.from.range.start.line, endLine: last.range.end.line });
    }
  }
  for (const instruction of dockerfile.instructions) {
    const { start, end } = instruction.range;
    if (end.line > start.line) ranges.push({ startLine: start.line, endLine: end.line });
  }
  // Runs of consecutive comment lines.
  let runStart = -1;
  let previous = -2;
  for (const comment of dockerfile.comments) {
    const line = comment.range.start.line;
    if (line !== previous + 1) {
      if (runStart >= 0 && previous > runStart)
        ranges.push({ startLine: runStart, endLine: previous, kind: FoldingRangeKind.Comment });
      runStart = line;
    }
    previous = line;
  }
  if (runStart >= 0 && previous > runStart)
    ranges.push({ startLine: runStart, endLine: previous, kind: FoldingRangeKind.Comment });
  return ranges.sort((a, b) => a.startLine - b.startLine);
}
