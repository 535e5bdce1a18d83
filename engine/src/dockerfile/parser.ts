// The Dockerfile parser. It reads the text line by line exactly as BuildKit's parser.Parse does
// (directives, comments, `\` continuations with comments and blank lines inside, heredoc bodies)
// but never gives up: what BuildKit would refuse becomes an error in the model, and parsing goes on.

import * as argumentParsers from './arguments';
import type { ArgumentContext, ArgumentParser } from './arguments';
import { directiveAt } from './directives';
import { splitCommand } from './flags';
import { heredocMarkersInLine } from './heredocMarker';
import { parseCommand } from './instructions/parse';
import { LogicalLine } from './logicalLine';
import type {
  Comment,
  Directive,
  Dockerfile,
  DockerfileError,
  DockerfileErrorCode,
  Heredoc,
  Instruction,
  Span,
  Stage,
} from './model';
import { CommentNode, ErrorNode, HeredocNode, InstructionNode } from './nodes';
import { ParseReuse } from './reuse';
import { endIn, SourceText } from './source';
import { stageGraphErrors } from './stageGraph';
import { buildStages, DockerfileImpl } from './stages';
import { isGoSpace } from './text';
import { argumentVariables, heredocVariables } from './variables';

const parsersByKeyword: Record<string, ArgumentParser> = {
  add: argumentParsers.parseMaybeJsonToList,
  arg: argumentParsers.parseNameOrNameValue,
  cmd: argumentParsers.parseMaybeJson,
  copy: argumentParsers.parseMaybeJsonToList,
  entrypoint: argumentParsers.parseMaybeJson,
  env: argumentParsers.parseEnv,
  expose: argumentParsers.parseWhitespaceDelimited,
  from: argumentParsers.parseWhitespaceDelimited,
  healthcheck: argumentParsers.parseHealthcheck,
  label: argumentParsers.parseLabel,
  maintainer: argumentParsers.parseString,
  run: argumentParsers.parseMaybeJson,
  shell: argumentParsers.parseMaybeJson,
  stopsignal: argumentParsers.parseString,
  user: argumentParsers.parseString,
  volume: argumentParsers.parseMaybeJsonToList,
  workdir: argumentParsers.parseString,
};

/** Instructions whose shell form may carry heredocs. */
const heredocKeywords = new Set(['add', 'copy', 'run']);

/** bufio.Scanner's limit in BuildKit: longer lines fail the parse. */
const MAX_LINE_BYTES = 65535;

/**
 * Parses a Dockerfile. Never throws; everything BuildKit would refuse is in `errors`.
 *
 * Given the parse of the text before an edit (`previous`), takes over the instructions before the
 * edit instead of reading them again (see reuse.ts); the result is the same as a parse from
 * scratch. `previous` then shares its nodes and line table with the new parse and must not be
 * used any more; a parse can be taken over once (later attempts parse from scratch).
 */
export function parseDockerfile(text: string, previous?: Dockerfile): Dockerfile {
  const reuse = previous instanceof DockerfileImpl ? previous.reuse : undefined;
  return new Parser(text, reuse).parse();
}

class Parser {
  private readonly src: SourceText;
  private pos = 0;
  private escape = 0x5c; // backslash
  private directivesDone = false;
  private readonly seenDirectives = new Set<string>();
  private readonly directives: Directive[] = [];
  private readonly comments: Comment[] = [];
  private readonly instructions: Instruction[] = [];
  private readonly errors: DockerfileError[] = [];
  private readonly emptyContinuationLines: Span[] = [];
  private readonly pendingComments: string[] = [];
  /** Instructions BuildKit's parser already refuses: the typed layer does not look at them. */
  private readonly refused = new Set<Instruction>();
  /** Per instruction, for the next version's parse (see reuse.ts). */
  private readonly resumeAt: number[] = [];
  private readonly commentsAfter: number[] = [];
  private readonly emptyLinesAfter: number[] = [];
  private readonly scanErrorsAfter: number[] = [];
  private readonly instructionErrors = new Map<number, DockerfileError>();
  /** Leading instructions taken over from the previous version's parse. */
  private readonly taken: number;

  constructor(
    private readonly text: string,
    private readonly previous: ParseReuse | undefined,
  ) {
    this.taken = previous?.reusableCount(text) ?? 0;
    if (previous && this.taken > 0) {
      previous.consumed = true;
      previous.lines.reset(text, previous.unchangedLength(text));
      this.src = new SourceText(text, previous.lines);
      this.takeOver(previous, this.taken);
    } else {
      this.src = new SourceText(text);
    }
  }

  /** Starts after the first `count` instructions of the previous parse, with its state there. */
  private takeOver(previous: ParseReuse, count: number): void {
    const last = count - 1;
    this.pos = previous.resumeAt[last];
    this.escape = previous.escape;
    this.directivesDone = true; // the first instruction ended them
    this.directives.push(...previous.directives);
    for (const name of previous.seenDirectives) this.seenDirectives.add(name);
    this.comments.push(...previous.comments.slice(0, previous.commentsAfter[last]));
    this.emptyContinuationLines.push(
      ...previous.emptyContinuationLines.slice(0, previous.emptyLinesAfter[last]),
    );
    this.errors.push(...previous.scanErrors.slice(0, previous.scanErrorsAfter[last]));
    for (let i = 0; i < count; i++) {
      this.instructions.push(previous.instructions[i]);
      this.resumeAt.push(previous.resumeAt[i]);
      this.commentsAfter.push(previous.commentsAfter[i]);
      this.emptyLinesAfter.push(previous.emptyLinesAfter[i]);
      this.scanErrorsAfter.push(previous.scanErrorsAfter[i]);
      if (previous.refused.has(i)) this.refused.add(previous.instructions[i]);
    }
  }

  parse(): Dockerfile {
    const text = this.text;
    const n = text.length;
    if (n > 0 && text.charCodeAt(0) === 0xfeff) this.pos = 1;
    while (this.pos < n) {
      const lineStart = this.pos;
      const contentEnd = this.nextLine();
      let start = lineStart;
      while (start < contentEnd && isGoSpace(text.charCodeAt(start))) start++;
      const isComment = start < contentEnd && text.charCodeAt(start) === 0x23;
      if (!this.directivesDone && this.directive(start, contentEnd)) continue;
      if (isComment) {
        this.comment(start, contentEnd, false);
        continue;
      }
      if (start === contentEnd) continue; // blank line
      this.instruction(start, contentEnd);
    }
    if (this.instructions.length === 0) {
      this.error('file with no instructions', 'no-instructions', 'parse', this.src.span(n, n));
    }
    const escapeChar = this.escape === 0x60 ? '`' : '\\';
    const scanErrors = this.errors.slice();
    this.typeInstructions();
    const { stages, globalArgs } = buildStages(this.instructions, this.src);
    for (const e of stageGraphErrors(stages, escapeChar))
      this.error(e.message, e.code, 'instruction', e.span);
    this.errors.sort((a, b) => a.startOffset - b.startOffset);
    const reuse = new ParseReuse(
      this.text,
      this.src.lines,
      this.escape,
      this.directives,
      this.seenDirectives,
      this.instructions,
      this.comments,
      this.emptyContinuationLines,
      scanErrors,
      this.resumeAt,
      this.commentsAfter,
      this.emptyLinesAfter,
      this.scanErrorsAfter,
      this.refusedIndexes(),
      this.instructionErrors,
    );
    return new DockerfileImpl(this.src, reuse, {
      escapeChar,
      directives: this.directives,
      comments: this.comments,
      instructions: this.instructions,
      globalArgs,
      stages: stages as Stage[],
      emptyContinuationLines: this.emptyContinuationLines,
      errors: this.errors,
    });
  }

  /** Advances past the current physical line; returns the end of its content (line break excluded). */
  private nextLine(): number {
    const text = this.text;
    const start = this.pos;
    const nl = text.indexOf('\n', start);
    let end = nl < 0 ? text.length : nl;
    this.pos = nl < 0 ? text.length : nl + 1;
    while (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    if (end - start > MAX_LINE_BYTES / 3 && Buffer.byteLength(text.slice(start, end)) > MAX_LINE_BYTES) {
      this.error(
        `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`,
        'line-too-long',
        'parse',
        this.src.span(start, end),
      );
    }
    return end;
  }

  private directive(start: number, end: number): boolean {
    const found = directiveAt(this.text, start, end, this.src);
    if (!found) {
      this.directivesDone = true;
      return false;
    }
    if (this.seenDirectives.has(found.name)) {
      this.error(
        `only one ${found.name} parser directive can be used`,
        'duplicate-directive',
        'parse',
        found,
      );
      return false;
    }
    this.seenDirectives.add(found.name);
    if (found.name === 'escape') {
      if (found.value !== '`' && found.value !== '\\') {
        this.error(
          `invalid escape token '${found.value}' does not match \` or \\`,
          'invalid-escape',
          'parse',
          found.valueToken,
        );
        return false;
      }
      this.escape = found.value.charCodeAt(0);
    }
    this.directives.push(found);
    return true;
  }

  private comment(start: number, end: number, inContinuation: boolean): void {
    let textStart = start + 1;
    let textEnd = end;
    while (textStart < textEnd && isGoSpace(this.text.charCodeAt(textStart))) textStart++;
    while (textEnd > textStart && isGoSpace(this.text.charCodeAt(textEnd - 1))) textEnd--;
    const commentText = this.text.slice(textStart, textEnd);
    this.comments.push(new CommentNode(this.src.lines, start, end, commentText, inContinuation));
    if (inContinuation) return;
    // BuildKit's PrevComment: comments directly above an instruction; a bare `#` resets them.
    if (commentText === '') this.pendingComments.length = 0;
    else this.pendingComments.push(commentText);
  }

  /** Where the continuation character of `text[start, end)` is, or -1 if the line does not continue. */
  private continuationAt(start: number, end: number): number {
    const text = this.text;
    let i = end;
    while (i > start) {
      const c = text.charCodeAt(i - 1);
      if (c !== 0x20 && c !== 0x09) break;
      i--;
    }
    if (i === start || text.charCodeAt(i - 1) !== this.escape) return -1;
    const at = i - 1;
    return at === start || text.charCodeAt(at - 1) !== this.escape ? at : -1;
  }

  private instruction(start: number, contentEnd: number): void {
    const text = this.text;
    const line = new LogicalLine();
    let cont = this.continuationAt(start, contentEnd);
    line.append(text, start, cont < 0 ? contentEnd : cont);
    let end = contentEnd;
    while (cont >= 0 && this.pos < text.length) {
      const lineStart = this.pos;
      const lineEnd = this.nextLine();
      let first = lineStart;
      while (first < lineEnd && isGoSpace(text.charCodeAt(first))) first++;
      if (first < lineEnd && text.charCodeAt(first) === 0x23) {
        this.comment(first, lineEnd, true);
        continue;
      }
      if (first === lineEnd) {
        this.emptyContinuationLines.push(this.src.span(lineStart, lineEnd));
        continue;
      }
      cont = this.continuationAt(lineStart, lineEnd);
      line.append(text, lineStart, cont < 0 ? lineEnd : cont);
      end = lineEnd;
    }

    const index = this.instructions.length;
    const instruction = this.fromLine(line, 0, line.text.length, index, start, end);
    if (this.pendingComments.length > 0) {
      // An exact copy: the list kept by the model should not carry the room push leaves.
      instruction.comments = this.pendingComments.slice();
      this.pendingComments.length = 0;
    }
    const trigger = instruction.trigger;
    const heredocOwner = trigger && instruction.name === 'ONBUILD' ? trigger : instruction;
    if (
      line.text.includes('<<') &&
      heredocKeywords.has(heredocOwner.keyword.value.toLowerCase()) &&
      heredocOwner.form !== 'json'
    ) {
      this.heredocs(line, instruction);
    }
    if (instruction.heredocs.length > 0) {
      instruction.variables = [...instruction.variables, ...heredocVariables(instruction, this.src)];
    }
    this.instructions.push(instruction);
    this.resumeAt.push(this.pos);
    this.commentsAfter.push(this.comments.length);
    this.emptyLinesAfter.push(this.emptyContinuationLines.length);
    this.scanErrorsAfter.push(this.errors.length);
  }

  /** BuildKit's newNodeFromLine over `line.text[from, to)`: keyword, flags, arguments. */
  private fromLine(
    line: LogicalLine,
    from: number,
    to: number,
    index: number,
    start: number,
    end: number,
  ): InstructionNode {
    const ctx: ArgumentContext = { line, escape: this.escape, src: this.src };
    const split = splitCommand(line, from, to, this.escape, this.src);
    const keyword = line.text.slice(split.keywordStart, split.keywordEnd);
    const lower = keyword.toLowerCase();
    const { argsStart, argsEnd } = split;
    let trigger: Instruction | undefined;
    let parsed: argumentParsers.ParsedArguments = { args: [], form: 'shell' };
    if (lower === 'onbuild') {
      if (argsStart < argsEnd) {
        const s = line.sourceStart(argsStart);
        trigger = this.fromLine(line, argsStart, argsEnd, index, s, endIn(line, argsStart, argsEnd, s));
      }
    } else {
      parsed = (parsersByKeyword[lower] ?? argumentParsers.parseIgnore)(ctx, argsStart, argsEnd);
    }
    const draft = new InstructionNode(
      this.src.lines,
      start,
      end,
      this.src.tokenIn(line, split.keywordStart, split.keywordEnd, keyword),
      keyword.toUpperCase(),
      lower === 'onbuild' || lower in parsersByKeyword,
      split.flags,
      parsed.args,
      argsStart < argsEnd
        ? this.src.tokenIn(line, argsStart, argsEnd, line.text.slice(argsStart, argsEnd))
        : undefined,
      parsed.form,
      trigger,
      line.text.slice(from, to),
      index,
    );
    if (parsed.error) {
      this.error(parsed.error.message, parsed.error.code, 'parse', draft.argsText ?? draft);
      this.refused.add(draft);
    }
    draft.variables = argumentVariables(draft, line, argsStart, argsEnd, this.escape, this.src);
    return draft;
  }

  /** Reads the bodies of the heredocs named in the instruction line, in order. */
  private heredocs(line: LogicalLine, instruction: InstructionNode): void {
    const markers = heredocMarkersInLine(line.text);
    if ('error' in markers) {
      this.error(markers.error, 'invalid-heredoc', 'parse', instruction);
      this.refused.add(instruction);
      return;
    }
    const text = this.text;
    const heredocs: Heredoc[] = [];
    for (const marker of markers) {
      const bodyStart = this.pos;
      let bodyEnd = bodyStart;
      let terminator: Span | undefined;
      while (this.pos < text.length) {
        const lineStart = this.pos;
        const lineEnd = this.nextLine();
        let first = lineStart;
        if (marker.chomp) while (first < lineEnd && text.charCodeAt(first) === 0x09) first++;
        if (lineEnd - first === marker.name.length && text.startsWith(marker.name, first)) {
          terminator = this.src.span(lineStart, lineEnd);
          break;
        }
        bodyEnd = lineEnd;
      }
      const markerStart = line.sourceStart(marker.start);
      const markerEnd = endIn(line, marker.start, marker.end, markerStart);
      const nameStart = Math.min(markerStart + marker.prefixLength, markerEnd);
      const heredocEnd = terminator ? terminator.endOffset : text.length;
      const contentEnd = terminator ? terminator.startOffset : text.length;
      const heredoc = new HeredocNode(
        this.src.lines,
        markerStart,
        heredocEnd,
        marker.name,
        this.src.span(markerStart, markerEnd),
        this.src.span(nameStart, markerEnd),
        marker.chomp,
        marker.expand,
        marker.fileDescriptor,
        text.slice(bodyStart, contentEnd),
        this.src.span(bodyStart, Math.max(bodyStart, bodyEnd)),
        terminator,
      );
      heredocs.push(heredoc);
      if (!terminator) {
        this.error('unterminated heredoc', 'unterminated-heredoc', 'parse', heredoc.marker);
        this.refused.add(instruction);
      }
    }
    instruction.heredocs = heredocs;
    if (heredocs.length > 0) {
      const last = heredocs[heredocs.length - 1];
      instruction.endOffset = Math.max(instruction.endOffset, last.endOffset);
    }
  }

  /** BuildKit's instructions.Parse over every instruction, reporting each one's error. */
  private typeInstructions(): void {
    let inStage = false;
    const instructions = this.instructions as InstructionNode[];
    for (let index = 0; index < instructions.length; index++) {
      const instruction = instructions[index];
      if (this.isRefused(instruction)) continue;
      if (index < this.taken) {
        // Taken over with its command and its error: only the stage context needs replaying.
        const error = this.previous!.instructionErrors.get(index);
        if (error) this.instructionError(index, error);
        if (instruction.command?.kind === 'FROM') inStage = true;
        continue;
      }
      const result = parseCommand(instruction);
      if ('error' in result) {
        const { message, code, span } = result.error;
        this.instructionError(index, this.makeError(message, code, 'instruction', span));
        continue;
      }
      instruction.command = result.command;
      if (result.command.kind === 'FROM') inStage = true;
      else if (!inStage && result.command.kind !== 'ARG') {
        const message = 'no build stage in current context';
        this.instructionError(index, this.makeError(message, 'no-stage', 'instruction', instruction.keyword));
      }
    }
  }

  private refusedIndexes(): Set<number> {
    const indexes = new Set<number>();
    this.instructions.forEach((instruction, index) => {
      if (this.isRefused(instruction)) indexes.add(index);
    });
    return indexes;
  }

  private isRefused(instruction: Instruction): boolean {
    return (
      this.refused.has(instruction) ||
      (instruction.trigger !== undefined && this.refused.has(instruction.trigger))
    );
  }

  private instructionError(index: number, error: DockerfileError): void {
    this.errors.push(error);
    this.instructionErrors.set(index, error);
  }

  private error(message: string, code: DockerfileErrorCode, phase: DockerfileError['phase'], at: Span): void {
    this.errors.push(this.makeError(message, code, phase, at));
  }

  private makeError(
    message: string,
    code: DockerfileErrorCode,
    phase: DockerfileError['phase'],
    at: Span,
  ): ErrorNode {
    return new ErrorNode(this.src.lines, at.startOffset, at.endOffset, message, code, phase);
  }
}
