// The Dockerfile model: plain, read-only data produced by `parseDockerfile`. Every piece of source
// carries its LSP range and its offsets, so the language server uses them as they are and the
// builder can point at the same places in its errors.

import type { Command } from './instructions/commands';

/** A zero-based LSP position; `character` counts UTF-16 code units. Lines break at `\n`, `\r\n`, `\r`. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

/** An LSP range: `end` is exclusive. */
export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A piece of the source text. `startOffset`/`endOffset` index the text given to the parser (UTF-16). */
export interface Span {
  readonly range: Range;
  readonly startOffset: number;
  readonly endOffset: number;
}

/** A piece of source with its value. `value` is what the parser made of it, not always the raw text. */
export interface Token extends Span {
  readonly value: string;
}

/** The parser directives BuildKit knows. */
export type DirectiveName = 'syntax' | 'escape' | 'check';

/** `# syntax=…`, `# escape=…`, `# check=…` at the top of the file. */
export interface Directive extends Span {
  /** Lower-cased directive name. */
  readonly name: DirectiveName;
  /** The name as written, with its span. */
  readonly nameToken: Token;
  /** The value, trimmed as BuildKit does. */
  readonly value: string;
  readonly valueToken: Token;
}

/** A comment line (`# …`), anywhere outside heredoc bodies, including inside line continuations. */
export interface Comment extends Span {
  /** The text after `#`, trimmed. */
  readonly text: string;
  /** True for a comment inside a line continuation (BuildKit drops it from the instruction). */
  readonly inContinuation: boolean;
}

/**
 * A `--name=value` flag between the keyword and the arguments. BuildKit removes quotes and escapes
 * from flag words; `text` is that processed word (what BuildKit's AST stores), `name` and `value`
 * are cut at the first `=`.
 */
export interface Flag extends Span {
  /** The processed word, e.g. `--mount=type=cache,target=/root/.cache`. */
  readonly text: string;
  /** The name without `--`, as written (BuildKit flag names are case-sensitive). */
  readonly name: string;
  /** The span of the name, without the leading `--`. */
  readonly nameSpan: Span;
  /** The value after `=`; undefined for a bare `--flag`. */
  readonly value: string | undefined;
  /** The span after `=` up to the end of the word (quotes included); undefined for a bare flag. */
  readonly valueSpan: Span | undefined;
}

/** How the arguments of CMD/ENTRYPOINT/RUN/SHELL/HEALTHCHECK CMD/COPY/ADD/VOLUME were written. */
export type ArgumentForm = 'json' | 'shell';

/**
 * One argument as BuildKit's parser splits it (one value of its AST node chain). For most
 * instructions these are the words; for shell-form RUN/CMD/ENTRYPOINT it is the whole command line;
 * for ENV/LABEL they come in triples `key`, `value`, `=` (or `""` for the legacy `ENV key value`).
 */
export interface Argument extends Token {
  /** What this argument is within its instruction. */
  readonly role: ArgumentRole;
}

/**
 * - `word`: a plain argument.
 * - `command`: a whole shell-form command line (RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK CMD).
 * - `json`: an element of a JSON array; its span covers the string literal with its quotes.
 * - `key`, `value`, `separator`: ENV/LABEL triples (`separator` is `=` or empty).
 * - `type`: the HEALTHCHECK type word (`CMD`, `NONE`).
 */
export type ArgumentRole = 'word' | 'command' | 'json' | 'key' | 'value' | 'separator' | 'type';

/** A heredoc (`<<EOF` … `EOF`) attached to a RUN, COPY or ADD (also under ONBUILD). */
export interface Heredoc extends Span {
  /** The delimiter word after removing quotes, e.g. `EOF` for `<<-"EOF"`. */
  readonly name: string;
  /** The whole `<<-"EOF"` marker in the instruction line. */
  readonly marker: Span;
  /** The delimiter as written after `<<`/`<<-` (quotes included). */
  readonly nameSpan: Span;
  /** `<<-`: leading tabs are stripped from the body lines and the terminator. */
  readonly chomp: boolean;
  /** False when any part of the delimiter was quoted: the body is taken literally. */
  readonly expand: boolean;
  /** The file descriptor written before `<<` (`3<<EOF`), 0 when absent. */
  readonly fileDescriptor: number;
  /** The body exactly as BuildKit keeps it: each line with its line break (not chomped). */
  readonly content: string;
  /** Span of the body lines (from the first body line to the end of the last one). */
  readonly body: Span;
  /** The terminator line; undefined when the heredoc runs to the end of the file unterminated. */
  readonly terminator: Span | undefined;
}

/** The shell parameter-expansion operator of a `${…}` reference. */
export type VariableOperator =
  ':-' | '-' | ':+' | '+' | ':?' | '?' | '#' | '##' | '%' | '%%' | '/' | '//' | ':'; // `${V:x…}` (unsupported by BuildKit; kept so the service can report it)

/** A `$NAME` or `${NAME…}` reference found in an instruction, a flag value or a heredoc body. */
export interface VariableReference extends Span {
  /** The variable name. */
  readonly name: string;
  /** Span of the name only. */
  readonly nameSpan: Span;
  /** True for `${…}`. */
  readonly braced: boolean;
  /** The operator of `${NAME<op>word}`, if any. */
  readonly operator: VariableOperator | undefined;
  /** The raw text of the operator's word (`d` in `${V:-d}`), if any. */
  readonly word: string | undefined;
}

/** Error codes, stable for the language service to map onto its diagnostics. */
export type DockerfileErrorCode =
  // parser phase (BuildKit's parser.Parse fails)
  | 'no-instructions'
  | 'duplicate-directive'
  | 'invalid-escape'
  | 'line-too-long'
  | 'missing-value' // ENV/LABEL key without value
  | 'missing-equals' // ENV/LABEL mixing key=value and words
  | 'json-not-strings'
  | 'invalid-heredoc'
  | 'unterminated-heredoc'
  // instruction phase (BuildKit's instructions.Parse fails)
  | 'unknown-instruction'
  | 'no-stage'
  | 'arguments'
  | 'unknown-flag'
  | 'duplicate-flag'
  | 'flag-value'
  | 'invalid-argument'
  // stage graph (BuildKit checks it before building)
  | 'stage-reference' // COPY --from=<index> out of range
  | 'circular-dependency';

/**
 * An error as data: what BuildKit would fail the build with, in BuildKit's words, and where.
 * `phase` tells which BuildKit stage reports it: `parse` (the parser refuses the file) or
 * `instruction` (the typed-instruction parser refuses one instruction, or the stage graph is
 * wrong: `COPY --from` with a variable or a bad index, stages depending on each other in a loop).
 */
export interface DockerfileError extends Span {
  readonly message: string;
  readonly code: DockerfileErrorCode;
  readonly phase: 'parse' | 'instruction';
}

/** One instruction (a logical line: continuation lines joined, heredoc bodies attached). */
export interface Instruction extends Span {
  /** The keyword as written (`run`, `Run`…), with its span. */
  readonly keyword: Token;
  /** Upper-cased keyword (`RUN`). Unknown keywords are upper-cased too. */
  readonly name: string;
  /** Whether BuildKit knows this instruction. */
  readonly known: boolean;
  /** Flags before the arguments (`--from=build`), in order. */
  readonly flags: readonly Flag[];
  /** The arguments as BuildKit's parser splits them (see `Argument`). */
  readonly args: readonly Argument[];
  /**
   * The argument text after the flags, continuation lines joined and trimmed; empty when none.
   * Its span runs from the first to the last argument character in the source.
   */
  readonly argsText: Token | undefined;
  /** `json` when the arguments were a valid JSON string array, `shell` otherwise. */
  readonly form: ArgumentForm;
  /** Heredocs, in the order their bodies follow the instruction. */
  readonly heredocs: readonly Heredoc[];
  /** Variable references in arguments, flag values and expandable heredoc bodies, in source order. */
  readonly variables: readonly VariableReference[];
  /** Comments directly above the instruction (BuildKit's `PrevComment`), used for doc comments. */
  readonly comments: readonly string[];
  /** For ONBUILD: the trigger instruction. */
  readonly trigger: Instruction | undefined;
  /** The logical line as BuildKit sees it (continuations joined, comments dropped). */
  readonly line: string;
  /** Index in `Dockerfile.instructions` (for a trigger: its ONBUILD's index). */
  readonly index: number;
  /**
   * The typed command (BuildKit's `instructions` layer); undefined when the instruction has an
   * error (see `Dockerfile.errors`) or is an ONBUILD trigger (BuildKit checks triggers only when
   * they run; use `parseCommand(trigger)` to check one now).
   */
  readonly command: Command | undefined;
}

/** A build stage: a FROM and the instructions up to the next FROM. */
export interface Stage extends Span {
  /** Zero-based position among the stages. */
  readonly index: number;
  /** The FROM instruction. */
  readonly from: Instruction;
  /** The stage name after `AS`, lower-cased as BuildKit does; undefined when unnamed. */
  readonly name: string | undefined;
  /** The name as written, with its span. */
  readonly nameToken: Token | undefined;
  /** The image (or stage) the stage starts from, as written (variables unexpanded). */
  readonly base: Token | undefined;
  /** The `--platform` flag, if any. */
  readonly platform: Flag | undefined;
  /** The instructions after FROM, up to the next FROM. */
  readonly instructions: readonly Instruction[];
}

/** A parsed Dockerfile. Never thrown away on bad input: errors are in `errors`. */
export interface Dockerfile {
  /** The text that was parsed. */
  readonly text: string;
  /** The escape character (`\` or a backtick from `# escape=`). */
  readonly escapeChar: '\\' | '`';
  readonly directives: readonly Directive[];
  readonly comments: readonly Comment[];
  /** Top-level instructions in file order. */
  readonly instructions: readonly Instruction[];
  /** ARG instructions before the first FROM (BuildKit's meta args). */
  readonly globalArgs: readonly Instruction[];
  readonly stages: readonly Stage[];
  /** Whitespace-only lines inside line continuations (BuildKit's NoEmptyContinuation warning). */
  readonly emptyContinuationLines: readonly Span[];
  /** Everything BuildKit would refuse, in source order. */
  readonly errors: readonly DockerfileError[];
  /** Number of LSP lines. */
  readonly lineCount: number;
  positionAt(offset: number): Position;
  offsetAt(position: Position): number;
  /** The top-level instruction whose span (heredoc bodies included) contains `offset`, if any. */
  instructionAt(offset: number): Instruction | undefined;
  /** The stage containing `offset`, if any. */
  stageAt(offset: number): Stage | undefined;
}
