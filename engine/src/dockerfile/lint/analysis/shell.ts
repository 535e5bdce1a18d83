// A small shell tokenizer for the best-practice rules that look inside RUN commands (package
// managers, sudo, cd, pipes). It is not a shell parser: it splits a script into simple commands
// (words with their source offsets) at `&&`, `||`, `;`, `|`, `&`, newlines and parentheses, which is
// what those rules need, and it never throws. Offsets index the document text, so rules can point
// at a word and quick fixes can insert next to it.

export interface ShellWord {
  /** The word with quotes removed (`"a b"` → `a b`); substitutions are kept verbatim. */
  readonly value: string;
  /** Offset of the word's first character in the document. */
  readonly start: number;
  /** Offset just past the word's last character. */
  readonly end: number;
}

export interface ShellCommand {
  readonly words: readonly ShellWord[];
  /** The operator that ended this command (`&&`, `||`, `;`, `|`, `&`, `\n`), or '' at the end. */
  readonly terminator: string;
}

export interface ShellScript {
  readonly commands: readonly ShellCommand[];
  /** True when some command's output is piped into another (`a | b`, not `a || b`). */
  readonly hasPipe: boolean;
}

// Character classes (ASCII) for the scanner.
const PLAIN = 0;
const SPACE = 1; // space, tab, CR
const OPERATOR = 2; // & | ; ( ) and newline
const REDIRECT = 3; // < >
const SINGLE = 4; // '
const DOUBLE = 5; // "
const BACKSLASH = 6;
const DOLLAR = 7;
const BACKTICK = 8;
const classes = new Uint8Array(128);
for (const c of ' \t\r') classes[c.charCodeAt(0)] = SPACE;
for (const c of '&|;()\n') classes[c.charCodeAt(0)] = OPERATOR;
classes['<'.charCodeAt(0)] = REDIRECT;
classes['>'.charCodeAt(0)] = REDIRECT;
classes["'".charCodeAt(0)] = SINGLE;
classes['"'.charCodeAt(0)] = DOUBLE;
classes['\\'.charCodeAt(0)] = BACKSLASH;
classes['$'.charCodeAt(0)] = DOLLAR;
classes['`'.charCodeAt(0)] = BACKTICK;

function classOf(code: number): number {
  return code < 128 ? classes[code] : PLAIN;
}

const NEWLINE = 10;
const CR = 13;
const SPACE_CODE = 32;
const TAB = 9;
const HASH = 35;

/**
 * Tokenizes `text.slice(start, end)` as a shell script. When `dockerfileEscape` is given, the
 * Dockerfile line continuations in it (escape + newline) are treated as plain whitespace and the
 * comment or blank lines inside continuations, which BuildKit drops, are skipped.
 */
export function tokenizeShell(
  text: string,
  start: number,
  end: number,
  dockerfileEscape?: string,
): ShellScript {
  return new Tokenizer(text, end, dockerfileEscape === undefined ? -1 : dockerfileEscape.charCodeAt(0)).run(
    start,
  );
}

class Tokenizer {
  private readonly commands: ShellCommand[] = [];
  private readonly words: ShellWord[] = [];
  private hasPipe = false;

  constructor(
    private readonly text: string,
    private readonly end: number,
    private readonly escape: number,
  ) {}

  run(start: number): ShellScript {
    const { text, end } = this;
    let i = start;
    while (i < end) {
      const code = text.charCodeAt(i);
      if (code === this.escape) {
        const next = this.continuation(i);
        if (next >= 0) {
          i = next;
          continue;
        }
      }
      const kind = classOf(code);
      if (kind === SPACE) {
        i++;
        continue;
      }
      if (code === HASH && this.words.length === 0) {
        // A shell comment runs to the end of the line.
        const nl = text.indexOf('\n', i);
        i = nl < 0 || nl >= end ? end : nl;
        continue;
      }
      if (kind === OPERATOR) {
        const c = text[i];
        const two = i + 1 < end ? text[i + 1] : '';
        if ((c === '&' || c === '|' || c === ';') && two === c) {
          this.finish(c === '&' ? '&&' : c === '|' ? '||' : ';;');
          i += 2;
        } else {
          if (c === '|') this.hasPipe = true;
          this.finish(c === '(' || c === ')' ? ';' : c);
          i++;
        }
        continue;
      }
      if (kind === REDIRECT) {
        // Redirections: skip the operator and its target so they never look like arguments.
        i++;
        while (i < end && (classOf(text.charCodeAt(i)) === REDIRECT || text[i] === '&')) i++;
        while (i < end && (text.charCodeAt(i) === SPACE_CODE || text.charCodeAt(i) === TAB)) i++;
        i = this.readWord(i).end;
        continue;
      }
      const word = this.readWord(i);
      if (word.end === i) {
        i++;
        continue;
      }
      // `2>&1`: a file-descriptor number glued to a redirection is not an argument.
      const after = word.end < end ? classOf(text.charCodeAt(word.end)) : PLAIN;
      if (!(after === REDIRECT && /^\d+$/.test(word.value))) this.words.push(word);
      i = word.end;
    }
    this.finish('');
    return { commands: this.commands, hasPipe: this.hasPipe };
  }

  /**
   * Ends the current command. Words gather in one scratch list and each command gets an exact
   * copy: a list grown by push keeps room for 17 words, and the commands of every RUN script live
   * for the whole lint run.
   */
  private finish(terminator: string): void {
    if (this.words.length === 0) return;
    this.commands.push({ words: this.words.slice(), terminator });
    this.words.length = 0;
  }

  /** If a Dockerfile continuation starts at `at`, the offset after it (and skipped lines), else -1. */
  private continuation(at: number): number {
    const { text, end } = this;
    if (this.escape < 0 || text.charCodeAt(at) !== this.escape) return -1;
    let j = at + 1;
    while (j < end && (text.charCodeAt(j) === SPACE_CODE || text.charCodeAt(j) === TAB)) j++;
    if (text.charCodeAt(j) === CR) j++;
    if (j < end && text.charCodeAt(j) !== NEWLINE) return -1;
    j++;
    // Lines that are empty or start with '#' are removed from a continued instruction.
    while (j < end) {
      let k = j;
      while (k < end && (text.charCodeAt(k) === SPACE_CODE || text.charCodeAt(k) === TAB)) k++;
      const c = text.charCodeAt(k);
      if (c === HASH || c === NEWLINE || c === CR) {
        const nl = text.indexOf('\n', k);
        j = nl < 0 || nl >= end ? end : nl + 1;
        continue;
      }
      break;
    }
    return j;
  }

  private readWord(start: number): ShellWord {
    const { text, end } = this;
    let value = '';
    let i = start;
    while (i < end) {
      const code = text.charCodeAt(i);
      if (code === this.escape && this.continuation(i) >= 0) break;
      const kind = classOf(code);
      if (kind === SPACE || kind === OPERATOR || kind === REDIRECT) break;
      if (kind === SINGLE) {
        const close = text.indexOf("'", i + 1);
        const stop = close < 0 || close >= end ? end : close;
        value += text.slice(i + 1, stop);
        i = stop + 1;
      } else if (kind === DOUBLE) {
        i++;
        while (i < end && text.charCodeAt(i) !== 34) {
          if (text.charCodeAt(i) === 92 && i + 1 < end) {
            const next = this.continuation(i);
            if (next >= 0) {
              i = next;
              continue;
            }
            value += text[i + 1];
            i += 2;
            continue;
          }
          // A run of plain characters inside the quotes: copy it in one slice.
          let j = i + 1;
          while (j < end && text.charCodeAt(j) !== 34 && text.charCodeAt(j) !== 92) j++;
          value += text.slice(i, j);
          i = j;
        }
        i++;
      } else if (kind === BACKSLASH && i + 1 < end) {
        value += text[i + 1];
        i += 2;
      } else if (kind === DOLLAR && (text[i + 1] === '(' || text[i + 1] === '{')) {
        const close = matching(text, i + 1, end);
        value += text.slice(i, close);
        i = close;
      } else if (kind === BACKTICK) {
        const close = text.indexOf('`', i + 1);
        const stop = close < 0 || close >= end ? end : close + 1;
        value += text.slice(i, stop);
        i = stop;
      } else {
        // A run of ordinary characters: copy it in one slice.
        let j = i + 1;
        while (j < end) {
          const c = text.charCodeAt(j);
          if (c === this.escape || (c < 128 && classes[c] !== PLAIN)) break;
          j++;
        }
        value += text.slice(i, j);
        i = j;
      }
    }
    return { value, start, end: Math.min(i, end) };
  }
}

/** Offset just past the bracket matching the one at `open`, honouring nesting and quotes. */
function matching(text: string, open: number, end: number): number {
  const opener = text[open];
  const closer = opener === '(' ? ')' : '}';
  let depth = 0;
  let i = open;
  while (i < end) {
    const c = text[i];
    if (c === "'" && opener === '(') {
      const close = text.indexOf("'", i + 1);
      i = close < 0 || close >= end ? end : close + 1;
      continue;
    }
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === opener) depth++;
    else if (c === closer && --depth === 0) return i + 1;
    i++;
  }
  return end;
}

/** Index of the command word, after `VAR=value` assignments and wrappers like `sudo`/`env`. */
export function commandIndex(words: readonly ShellWord[], skipWrappers = true): number {
  let i = 0;
  while (i < words.length) {
    const w = words[i].value;
    if (w.includes('=') && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
      i++;
      continue;
    }
    if (
      skipWrappers &&
      (w === 'sudo' || w === 'env' || w === 'exec' || w === 'nohup' || w === 'time' || w === 'command')
    ) {
      i++;
      while (i < words.length && words[i].value.startsWith('-')) i++;
      continue;
    }
    break;
  }
  return i;
}

/** The command's name (basename of the command word), or '' for a bare assignment. */
export function commandName(command: ShellCommand): string {
  const word = command.words[commandIndex(command.words)];
  if (!word) return '';
  const slash = word.value.lastIndexOf('/');
  return slash >= 0 ? word.value.slice(slash + 1) : word.value;
}
