// The engine of BuildKit's shell lexer (its `shellWord`): one pass over a word that removes quotes
// and escapes, expands `$VAR`/`${VAR…}` with every operator, and splits into words. shell.ts is
// its public face.

import type { PositionedWord, ShellLexOptions, VariableSource } from './shell';
import { applyModifier, applyReplacement } from './shellPattern';
import { goQuote, isGoSpace } from './text';

const EOF = -1;

class LexError {
  constructor(readonly message: string) {}
}

/** Collects output words the way BuildKit's `wordsStruct` does, remembering where each started. */
class WordCollector {
  declare buf: string;
  declare inWord: boolean;
  declare words: PositionedWord[];
  declare wordStart: number;
  declare private readonly lexer: ShellLexer;

  // Plain assignments, not class fields: V8 (Node 20) runs class-field initialisers slowly.
  constructor(lexer: ShellLexer) {
    this.lexer = lexer;
    this.buf = '';
    this.inWord = false;
    this.words = [];
    this.wordStart = 0;
  }

  addChar(ch: string): void {
    const space = ch.length === 1 && isGoSpace(ch.charCodeAt(0));
    if (space && this.inWord) {
      if (this.buf.length !== 0) {
        this.words.push({ value: this.buf, start: this.wordStart, end: this.lexer.tokenStart });
        this.buf = '';
        this.inWord = false;
      }
    } else if (!space) {
      this.addRawChar(ch);
    }
  }

  addRawChar(ch: string): void {
    this.begin();
    this.buf += ch;
  }

  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  addRawString(s: string): void {
    this.begin();
    this.buf += s;
  }

  private begin(): void {
    if (!this.inWord) {
      this.inWord = true;
      this.wordStart = this.lexer.tokenStart;
    }
  }

  finish(end: number): PositionedWord[] {
    if (this.buf.length > 0) {
      this.words.push({ value: this.buf, start: this.wordStart, end });
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

/** One run of the lexer over one input (BuildKit's `shellWord`). */
class ShellLexer {
  declare pos: number;
  /** Input index where the token being processed at the top level started. */
  declare tokenStart: number;
  declare readonly matched: Set<string>;
  declare readonly unmatched: Set<string>;
  declare private rawEscapes: boolean;
  declare private readonly escape: number;
  declare private readonly input: string;
  declare private readonly vars: VariableSource;
  declare private readonly options: ShellLexOptions;

  constructor(input: string, vars: VariableSource, options: ShellLexOptions) {
    this.input = input;
    this.vars = vars;
    this.options = options;
    this.pos = 0;
    this.tokenStart = 0;
    this.matched = new Set<string>();
    this.unmatched = new Set<string>();
    this.rawEscapes = options.rawEscapes ?? false;
    this.escape = (options.escapeChar ?? '\\').charCodeAt(0);
  }

  private peek(): number {
    return this.pos < this.input.length ? this.input.charCodeAt(this.pos) : EOF;
  }

  /** Consumes one code point and returns it as a string ('' at the end). */
  private next(): string {
    if (this.pos >= this.input.length) return '';
    const c = this.input.codePointAt(this.pos) as number;
    const s = c > 0xffff ? this.input.slice(this.pos, this.pos + 2) : this.input[this.pos];
    this.pos += s.length;
    return s;
  }

  /** Processes up to `stop` (a char code, or EOF for the whole input). */
  processStopOn(
    stop: number,
    rawEscapes: boolean,
    topLevel = false,
  ): { result: string; words: WordCollector } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      let result = '';
      const words = new WordCollector(this);
      const quotes = !this.options.skipProcessQuotes;
      while (this.pos < this.input.length) {
        const c = this.input.charCodeAt(this.pos);
        if (topLevel) this.tokenStart = this.pos;
        if (stop !== EOF && c === stop) {
          this.pos++;
          return { result, words };
        }
        if (c === 0x24 /* $ */) {
          const tmp = this.processDollar();
          result += tmp;
          words.addString(tmp);
        } else if (c === 0x3c /* < */) {
          const tmp = this.processPossibleHeredoc();
          result += tmp;
          words.addRawString(tmp);
        } else if (quotes && c === 0x27 /* ' */) {
          const tmp = this.processSingleQuote();
          result += tmp;
          words.addRawString(tmp);
        } else if (quotes && c === 0x22 /* " */) {
          const tmp = this.processDoubleQuote();
          result += tmp;
          words.addRawString(tmp);
        } else {
          let ch = this.next();
          if (c === this.escape) {
            if (this.rawEscapes) {
              words.addRawChar(ch);
              result += ch;
            }
            ch = this.next();
            if (ch === '') break;
            words.addRawChar(ch);
          } else {
            words.addChar(ch);
          }
          result += ch;
        }
      }
      if (stop !== EOF) {
        throw new LexError(
          `unexpected end of statement while looking for matching ${String.fromCharCode(stop)}`,
        );
      }
      return { result, words };
    } finally {
      this.rawEscapes = saved;
    }
  }

  private processSingleQuote(): string {
    let result = '';
    const raw = this.options.rawQuotes;
    const open = this.next();
    if (raw) result += open;
    for (;;) {
      const ch = this.next();
      if (ch === '')
        throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (raw) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    let result = '';
    const raw = this.options.rawQuotes;
    const open = this.next();
    if (raw) result += open;
    for (;;) {
      const c = this.peek();
      if (c === EOF)
        throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (c === 0x22) {
        const ch = this.next();
        if (raw) result += ch;
        return result;
      }
      if (c === 0x24) {
        result += this.processDollar();
        continue;
      }
      let ch = this.next();
      if (c === this.escape) {
        if (this.rawEscapes) result += ch;
        const p = this.peek();
        if (p === EOF) continue; // an escape at the very end is dropped
        if (p === 0x22 || p === 0x24 || p === this.escape) ch = this.next();
      }
      result += ch;
    }
  }

  private processDollar(): string {
    this.pos++; // '$'
    if (this.peek() !== 0x7b /* { */) {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.lookup(name);
      if (value === undefined && this.options.skipUnsetEnv) return '$' + name;
      return value ?? '';
    }
    this.pos++; // '{'
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === 0x7b || first === 0x7d || first === 0x3a)
      throw new LexError('syntax error: bad substitution');
    const name = this.processName();
    let ch = this.next();
    let chs = ch === '' ? '\ufffd' : ch;
    switch (ch) {
      case '}': {
        const value = this.lookup(name);
        if (value === undefined && this.options.skipUnsetEnv) return '${' + name + '}';
        return value ?? '';
      }
      case ':':
      case '+':
      case '-':
      case '?':
      case '#':
      case '%': {
        const nullIsUnset = ch === ':';
        if (nullIsUnset) {
          ch = this.next();
          chs += ch === '' ? '\ufffd' : ch;
        }
        const rawEscapes = ch === '#' || ch === '%';
        if (nullIsUnset && rawEscapes) throw new LexError(`unsupported modifier (${chs}) in substitution`);
        let word: string;
        try {
          word = this.processStopOn(0x7d, rawEscapes).result;
        } catch (e) {
          if (this.peek() === EOF) throw new LexError("syntax error: missing '}'");
          throw e;
        }
        const value = this.lookup(name);
        if (value === undefined && this.options.skipUnsetEnv) return '${' + name + chs + word + '}';
        const expanded = applyModifier(name, value, ch, nullIsUnset, word, chs);
        if (typeof expanded !== 'string') throw new LexError(expanded.error);
        return expanded;
      }
      case '/': {
        const replaceAll = this.peek() === 0x2f;
        if (replaceAll) this.pos++;
        let pattern: string;
        try {
          pattern = this.processStopOn(0x2f, true).result;
        } catch (e) {
          if (this.peek() === EOF) throw new LexError("syntax error: missing '/' in ${}");
          throw e;
        }
        let replacement: string;
        try {
          replacement = this.processStopOn(0x7d, true).result;
        } catch (e) {
          if (this.peek() === EOF) throw new LexError("syntax error: missing '}'");
          throw e;
        }
        const value = this.lookup(name);
        if (value === undefined && this.options.skipUnsetEnv)
          return '${' + name + '/' + pattern + '/' + replacement + '}';
        const replaced = applyReplacement(value ?? '', pattern, replacement, replaceAll);
        if (typeof replaced !== 'string') throw new LexError(replaced.error);
        return replaced;
      }
      default:
        throw new LexError(`unsupported modifier (${chs}) in substitution`);
    }
  }

  /** A name: letters, digits and `_`; or all digits (positional); or one special parameter. */
  private processName(): string {
    const input = this.input;
    const start = this.pos;
    const first = this.peek();
    if (first === EOF) return '';
    if (isDigitAt(input, start)) {
      while (this.pos < input.length && isDigitAt(input, this.pos))
        this.pos += codePointLength(input, this.pos);
      return input.slice(start, this.pos);
    }
    if (isSpecialParam(first)) {
      this.pos++;
      return input[start];
    }
    while (this.pos < input.length) {
      const c = input.charCodeAt(this.pos);
      if (c < 0x80) {
        if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f))
          break;
        this.pos++;
      } else {
        if (!isLetterOrDigitAt(input, this.pos)) break;
        this.pos += codePointLength(input, this.pos);
      }
    }
    return input.slice(start, this.pos);
  }

  private processPossibleHeredoc(): string {
    this.pos++; // '<'
    if (this.peek() !== 0x3c) return '<';
    this.pos++;
    const start = this.pos;
    for (;;) {
      const c = this.peek();
      if (c !== 0x09 && c !== 0x0d && c !== 0x20) break;
      this.pos++;
    }
    return '<<' + this.input.slice(start, this.pos);
  }

  private lookup(name: string): string | undefined {
    const value = this.vars.get(name);
    if (value !== undefined) this.matched.add(name);
    else this.unmatched.add(name);
    return value;
  }
}

function isSpecialParam(c: number): boolean {
  // @ * # ? - $ ! 0
  return (
    c === 0x40 ||
    c === 0x2a ||
    c === 0x23 ||
    c === 0x3f ||
    c === 0x2d ||
    c === 0x24 ||
    c === 0x21 ||
    c === 0x30
  );
}

const digitRe = /^\p{Nd}/u;
const letterOrDigitRe = /^[\p{L}\p{Nd}]/u;

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0x80) return c >= 0x30 && c <= 0x39;
  return digitRe.test(s.slice(i, i + 2));
}

function isLetterOrDigitAt(s: string, i: number): boolean {
  return letterOrDigitRe.test(s.slice(i, i + 2));
}

function codePointLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

/** One run of the lexer over `input`: the word, the positioned words, the variables, the error. */
export function runShellLexer(
  input: string,
  vars: VariableSource,
  options: ShellLexOptions,
): {
  matched: Set<string>;
  unmatched: Set<string>;
  result: string;
  words: PositionedWord[];
  error: string | undefined;
} {
  const lexer = new ShellLexer(input, vars, options);
  const { matched, unmatched } = lexer;
  try {
    const { result, words } = lexer.processStopOn(EOF, options.rawEscapes ?? false, true);
    return { matched, unmatched, result, words: words.finish(lexer.pos), error: undefined };
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    return {
      matched,
      unmatched,
      result: '',
      words: [],
      error: `failed to process ${goQuote(input)}: ${e.message}`,
    };
  }
}
