// The classes behind the model's interfaces. A span stores offsets and works out its LSP range
// the first time it is asked: most ranges of a large file are never read, and not allocating
// them keeps a full parse of a 5,000-line Dockerfile within a few milliseconds.
//
// Fields are `declare`d and assigned in constructors rather than written as class fields or
// parameter properties: V8 (Node 20) runs class-field initialisers several times slower than
// plain assignments, and a large file makes hundreds of thousands of these objects.

import type { Command } from './instructions/commands';
import type {
  Argument,
  ArgumentForm,
  ArgumentRole,
  Comment,
  Directive,
  DirectiveName,
  DockerfileError,
  DockerfileErrorCode,
  Flag,
  Heredoc,
  Instruction,
  Range,
  Span,
  Stage,
  Token,
  VariableOperator,
  VariableReference,
} from './model';
import type { LineIndex } from './text';

/**
 * The one empty list every node shares: most instructions have no flags, heredocs, comments or
 * variables, and a parse keeps an `[]` per list per instruction otherwise (the model is
 * read-only, so sharing is safe; frozen so that a mistake fails loudly).
 */
export const none: readonly never[] = Object.freeze([]);

export class SourceSpan implements Span {
  declare private readonly lines: LineIndex;
  declare private cachedRange: Range | undefined;
  declare startOffset: number;
  declare endOffset: number;

  constructor(lines: LineIndex, startOffset: number, endOffset: number) {
    this.lines = lines;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this.cachedRange = undefined;
  }

  get range(): Range {
    return (this.cachedRange ??= this.lines.rangeOf(this.startOffset, this.endOffset));
  }
}

export class TokenNode extends SourceSpan implements Token {
  declare readonly value: string;

  constructor(lines: LineIndex, startOffset: number, endOffset: number, value: string) {
    super(lines, startOffset, endOffset);
    this.value = value;
  }
}

export class ArgumentNode extends SourceSpan implements Argument {
  declare readonly value: string;
  declare readonly role: ArgumentRole;

  constructor(lines: LineIndex, startOffset: number, endOffset: number, value: string, role: ArgumentRole) {
    super(lines, startOffset, endOffset);
    this.value = value;
    this.role = role;
  }
}

export class FlagNode extends SourceSpan implements Flag {
  declare readonly text: string;
  declare readonly name: string;
  declare readonly nameSpan: Span;
  declare readonly value: string | undefined;
  declare readonly valueSpan: Span | undefined;

  constructor(
    lines: LineIndex,
    startOffset: number,
    endOffset: number,
    text: string,
    name: string,
    nameSpan: Span,
    value: string | undefined,
    valueSpan: Span | undefined,
  ) {
    super(lines, startOffset, endOffset);
    this.text = text;
    this.name = name;
    this.nameSpan = nameSpan;
    this.value = value;
    this.valueSpan = valueSpan;
  }
}

export class CommentNode extends SourceSpan implements Comment {
  declare readonly text: string;
  declare readonly inContinuation: boolean;

  constructor(
    lines: LineIndex,
    startOffset: number,
    endOffset: number,
    text: string,
    inContinuation: boolean,
  ) {
    super(lines, startOffset, endOffset);
    this.text = text;
    this.inContinuation = inContinuation;
  }
}

export class DirectiveNode extends SourceSpan implements Directive {
  declare readonly name: DirectiveName;
  declare readonly nameToken: Token;
  declare readonly value: string;
  declare readonly valueToken: Token;

  constructor(
    lines: LineIndex,
    startOffset: number,
    endOffset: number,
    name: DirectiveName,
    nameToken: Token,
    value: string,
    valueToken: Token,
  ) {
    super(lines, startOffset, endOffset);
    this.name = name;
    this.nameToken = nameToken;
    this.value = value;
    this.valueToken = valueToken;
  }
}

export class VariableReferenceNode extends SourceSpan implements VariableReference {
  declare readonly name: string;
  declare readonly nameSpan: Span;
  declare readonly braced: boolean;
  declare readonly operator: VariableOperator | undefined;
  declare readonly word: string | undefined;

  constructor(
    lines: LineIndex,
    startOffset: number,
    endOffset: number,
    name: string,
    nameSpan: Span,
    braced: boolean,
    operator: VariableOperator | undefined,
    word: string | undefined,
  ) {
    super(lines, startOffset, endOffset);
    this.name = name;
    this.nameSpan = nameSpan;
    this.braced = braced;
    this.operator = operator;
    this.word = word;
  }
}

export class HeredocNode extends SourceSpan implements Heredoc {
  declare readonly name: string;
  declare readonly marker: Span;
  declare readonly nameSpan: Span;
  declare readonly chomp: boolean;
  declare readonly expand: boolean;
  declare readonly fileDescriptor: number;
  declare readonly content: string;
  declare readonly body: Span;
  declare readonly terminator: Span | undefined;

  constructor(
    lines: LineIndex,
    startOffset: number,
    endOffset: number,
    name: string,
    marker: Span,
    nameSpan: Span,
    chomp: boolean,
    expand: boolean,
    fileDescriptor: number,
    content: string,
    body: Span,
    terminator: Span | undefined,
  ) {
    super(lines, startOffset, endOffset);
    this.name = name;
    this.marker = marker;
    this.nameSpan = nameSpan;
    this.chomp = chomp;
    this.expand = expand;
    this.fileDescriptor = fileDescriptor;
    this.content = content;
    this.body = body;
    this.terminator = terminator;
  }
}

export class ErrorNode extends SourceSpan implements DockerfileError {
  declare readonly message: string;
  declare readonly code: DockerfileErrorCode;
  declare readonly phase: 'parse' | 'instruction';

  constructor(
    lines: LineIndex,
    startOffset: number,
    endOffset: number,
    message: string,
    code: DockerfileErrorCode,
    phase: 'parse' | 'instruction',
  ) {
    super(lines, startOffset, endOffset);
    this.message = message;
    this.code = code;
    this.phase = phase;
  }
}

/** An instruction while and after it is parsed (the model exposes it read-only). */
export class InstructionNode extends SourceSpan implements Instruction {
  declare readonly keyword: Token;
  declare readonly name: string;
  declare readonly known: boolean;
  declare readonly flags: readonly Flag[];
  declare readonly args: readonly Argument[];
  declare readonly argsText: Token | undefined;
  declare readonly form: ArgumentForm;
  declare readonly trigger: Instruction | undefined;
  declare readonly line: string;
  declare readonly index: number;
  declare heredocs: readonly Heredoc[];
  declare variables: readonly VariableReference[];
  declare comments: readonly string[];
  declare command: Command | undefined;

  constructor(
    lines: LineIndex,
    startOffset: number,
    endOffset: number,
    keyword: Token,
    name: string,
    known: boolean,
    flags: readonly Flag[],
    args: readonly Argument[],
    argsText: Token | undefined,
    form: ArgumentForm,
    trigger: Instruction | undefined,
    line: string,
    index: number,
  ) {
    super(lines, startOffset, endOffset);
    this.keyword = keyword;
    this.name = name;
    this.known = known;
    this.flags = flags;
    this.args = args;
    this.argsText = argsText;
    this.form = form;
    this.trigger = trigger;
    this.line = line;
    this.index = index;
    this.heredocs = none;
    this.variables = none;
    this.comments = none;
    this.command = undefined;
  }
}

export class StageNode extends SourceSpan implements Stage {
  declare readonly index: number;
  declare readonly from: Instruction;
  declare readonly name: string | undefined;
  declare readonly nameToken: Token | undefined;
  declare readonly base: Token | undefined;
  declare readonly platform: Flag | undefined;
  declare readonly instructions: readonly Instruction[];

  constructor(
    lines: LineIndex,
    startOffset: number,
    endOffset: number,
    index: number,
    from: Instruction,
    name: string | undefined,
    nameToken: Token | undefined,
    base: Token | undefined,
    platform: Flag | undefined,
    instructions: readonly Instruction[],
  ) {
    super(lines, startOffset, endOffset);
    this.index = index;
    this.from = from;
    this.name = name;
    this.nameToken = nameToken;
    this.base = base;
    this.platform = platform;
    this.instructions = instructions;
  }
}
