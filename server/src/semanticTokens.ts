// Semantic tokens in one pass over the parsed model: keywords, flags, stage names, image names,
// variables, keys, strings, ports, comments, directives and heredoc markers. Shell text inside
// RUN/CMD and heredoc bodies is left to the TextMate grammar (which embeds shell), except the
// variable references in it. Linear in the file: each token is emitted once and sorted per line.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { Dockerfile, Instruction } from '../../engine/src/dockerfile/model';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';

const tokenTypes = [
  'keyword',
  'comment',
  'parameter',
  'property',
  'class',
  'type',
  'string',
  'variable',
  'number',
  'operator',
  'macro',
] as const;
const tokenModifiers = ['declaration', 'deprecated', 'readonly'] as const;

type TokenType = (typeof tokenTypes)[number];
type TokenModifier = (typeof tokenModifiers)[number];

export const semanticTokensLegend: SemanticTokensLegend = {
  tokenTypes: [...tokenTypes],
  tokenModifiers: [...tokenModifiers],
};

const typeIndex = new Map<string, number>(tokenTypes.map((t, i) => [t, i]));
const modifierBit = new Map<string, number>(tokenModifiers.map((m, i) => [m, 1 << i]));

interface RawToken {
  start: number;
  end: number;
  type: number;
  modifiers: number;
}

class TokenCollector {
  readonly tokens: RawToken[] = [];

  add(
    span: { startOffset: number; endOffset: number } | undefined,
    type: TokenType,
    ...modifiers: TokenModifier[]
  ): void {
    if (!span || span.endOffset <= span.startOffset) return;
    let bits = 0;
    for (const m of modifiers) bits |= modifierBit.get(m)!;
    this.tokens.push({
      start: span.startOffset,
      end: span.endOffset,
      type: typeIndex.get(type)!,
      modifiers: bits,
    });
  }
}

const tokensKey = Symbol('semanticTokens');

export function computeSemanticTokens(document: DockerfileDocument): SemanticTokens {
  return document.cached(tokensKey, () => encode(document.dockerfile, collect(document)));
}

function collect(document: DockerfileDocument): RawToken[] {
  const dockerfile = document.dockerfile;
  const out = new TokenCollector();
  for (const directive of dockerfile.directives) {
    out.add(directive.nameToken, 'macro');
    out.add(directive.valueToken, 'string');
  }
  for (const comment of dockerfile.comments) out.add(comment, 'comment');
  const declared = new Set(document.symbols.declarations.map((d) => d.nameSpan.startOffset));
  const stageRefs = new Set(document.symbols.stageReferences.map((r) => r.span.startOffset));
  for (const instruction of dockerfile.instructions) {
    instructionTokens(out, instruction, declared, stageRefs, dockerfile);
    if (instruction.trigger) instructionTokens(out, instruction.trigger, declared, stageRefs, dockerfile);
  }
  for (const declaration of document.symbols.declarations)
    out.add(declaration.nameSpan, 'variable', 'declaration');
  for (const reference of document.symbols.stageReferences) out.add(reference.span, 'class');
  return out.tokens;
}

function instructionTokens(
  out: TokenCollector,
  instruction: Instruction,
  declared: ReadonlySet<number>,
  stageRefs: ReadonlySet<number>,
  dockerfile: Dockerfile,
): void {
  out.add(
    instruction.keyword,
    'keyword',
    ...(instruction.name === 'MAINTAINER' ? (['deprecated'] as const) : []),
  );
  for (const flag of instruction.flags) {
    out.add({ startOffset: flag.startOffset, endOffset: flag.nameSpan.endOffset }, 'parameter');
    if (flag.valueSpan && !stageRefs.has(flag.valueSpan.startOffset)) out.add(flag.valueSpan, 'string');
  }
  for (const variable of instruction.variables) out.add(variable, 'variable');
  for (const heredoc of instruction.heredocs) {
    out.add(heredoc.marker, 'operator');
    out.add(heredoc.terminator, 'operator');
  }
  const args = instruction.args;
  switch (instruction.name) {
    case 'FROM': {
      const stage = dockerfile.stages.find((s) => s.from === instruction);
      if (stage?.base && !stageRefs.has(stage.base.startOffset)) out.add(stage.base, 'type');
      if (args.length === 3) out.add(args[1], 'keyword');
      if (stage?.nameToken) out.add(stage.nameToken, 'class', 'declaration');
      break;
    }
    case 'ENV':
    case 'LABEL':
    case 'ARG':
      for (const arg of args) {
        if (arg.role === 'key' && !declared.has(arg.startOffset)) out.add(arg, 'property');
        else if (arg.role === 'value') out.add(arg, 'string');
      }
      break;
    case 'EXPOSE':
      for (const arg of args) out.add(arg, 'number');
      break;
    case 'HEALTHCHECK':
      for (const arg of args) if (arg.role === 'type') out.add(arg, 'keyword');
      break;
    default:
      for (const arg of args) if (arg.role === 'json') out.add(arg, 'string');
  }
}

/** Sorts, removes overlaps (inner tokens such as variables win) and encodes as LSP relative data. */
function encode(dockerfile: Dockerfile, tokens: RawToken[]): SemanticTokens {
  tokens.sort((a, b) => a.start - b.start || b.end - a.end);
  const flat: RawToken[] = [];
  // A stack of enclosing tokens: emit the part of an outer token before each inner one.
  const stack: RawToken[] = [];
  let cursor = 0;
  const emitUpTo = (limit: number) => {
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const end = Math.min(top.end, limit);
      if (end > cursor) flat.push({ ...top, start: Math.max(cursor, top.start), end });
      cursor = Math.max(cursor, end);
      if (top.end <= limit) stack.pop();
      else break;
    }
  };
  for (const token of tokens) {
    emitUpTo(token.start);
    cursor = Math.max(cursor, token.start);
    if (token.end <= cursor) continue;
    stack.push(token);
  }
  emitUpTo(Number.MAX_SAFE_INTEGER);

  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  const text = dockerfile.text;
  for (const token of flat) {
    // Tokens may not span lines: split at line breaks.
    let start = token.start;
    while (start < token.end) {
      let end = start;
      while (end < token.end && text[end] !== '\n' && text[end] !== '\r') end++;
      if (end > start) {
        const position = dockerfile.positionAt(start);
        const deltaLine = position.line - prevLine;
        const deltaChar = deltaLine === 0 ? position.character - prevChar : position.character;
        data.push(deltaLine, deltaChar, end - start, token.type, token.modifiers);
        prevLine = position.line;
        prevChar = position.character;
      }
      start = end;
      while (start < token.end && (text[start] === '\n' || text[start] === '\r')) start++;
    }
  }
  return { data };
}
