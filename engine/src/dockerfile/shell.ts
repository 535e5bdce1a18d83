// Shell-word processing as BuildKit's shell lexer does it: quotes, escapes and `$VAR`/`${VAR…}`
// expansion, for one word (ProcessWord) or split into words (ProcessWords). The builder expands
// instruction arguments with it; the parser uses it to find heredoc markers; the language service
// uses the matched/unmatched sets for the UndefinedVar check. Errors come back as data.

import { runShellLexer } from './shellLexer';

/** Where variable values come from. `get` returns undefined for an unset variable. */
export interface VariableSource {
  get(name: string): string | undefined;
  /** All names, for "did you mean" suggestions. */
  keys(): Iterable<string>;
}

/** A VariableSource over a Map or a plain record. */
export function variablesFrom(values: ReadonlyMap<string, string> | Record<string, string>): VariableSource {
  if (values instanceof Map) {
    return { get: (name) => values.get(name), keys: () => values.keys() };
  }
  const record = values as Record<string, string>;
  return {
    get: (name) => (Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined),
    keys: () => Object.keys(record),
  };
}

const noVariables: VariableSource = { get: () => undefined, keys: () => [] };

export interface ShellLexOptions {
  /** The escape character (`# escape=`); BuildKit's default is a backslash. */
  readonly escapeChar?: string;
  /** Keep quote characters in the output. */
  readonly rawQuotes?: boolean;
  /** Keep escape characters in the output. */
  readonly rawEscapes?: boolean;
  /** Treat quotes as ordinary characters (heredoc bodies). */
  readonly skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written instead of expanding them to nothing. */
  readonly skipUnsetEnv?: boolean;
}

export interface ShellWordResult {
  /** The processed word (ProcessWord): quotes removed, variables expanded, spaces kept. */
  readonly value: string;
  /** The processed text split into words after expansion (ProcessWords). */
  readonly words: readonly string[];
  /** Variables that were referenced and set. */
  readonly matched: ReadonlySet<string>;
  /** Variables that were referenced and unset. */
  readonly unmatched: ReadonlySet<string>;
  /** BuildKit's error text when the word cannot be processed (`value` and `words` are then empty). */
  readonly error: string | undefined;
}

/** A word of ProcessWords with where it came from in the input. */
export interface PositionedWord {
  readonly value: string;
  /** Index of the word's first input character. */
  readonly start: number;
  /** Index just after its last input character. */
  readonly end: number;
}

/** BuildKit's `ProcessWordWithMatches` / `ProcessWords`: expands `input` with `vars`. */
export function processShellWord(
  input: string,
  vars: VariableSource = noVariables,
  options: ShellLexOptions = {},
): ShellWordResult {
  const { matched, unmatched, result, words, error } = runShellLexer(input, vars, options);
  return {
    value: result,
    words: words.map((w) => w.value),
    matched,
    unmatched,
    error,
  };
}

/** ProcessWords with each word's input span (used to locate heredoc markers); [] on error. */
export function shellWordsWithPositions(
  input: string,
  vars: VariableSource = noVariables,
  options: ShellLexOptions = {},
): PositionedWord[] {
  return runShellLexer(input, vars, options).words;
}
