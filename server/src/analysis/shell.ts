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

const operatorChars = new Set(['&', '|', ';', '(', ')', '\n']);
/** Characters that end a plain run inside a word. */
const special = new Set([' ', '\t', '\r', '\n', '&', '|', ';', '(', ')', '<', '>', "'", '"', '\\', '$', '`']);

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
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let hasPipe = false;
  let i = start;

  const finish = (terminator: string) => {
    if (words.length > 0) commands.push({ words, terminator });
    words = [];
  };

  /** If a Dockerfile continuation starts at `at`, returns the offset after it (and skipped lines). */
  const continuation = (at: number): number => {
    if (dockerfileEscape === undefined || text[at] !== dockerfileEscape) return -1;
    let j = at + 1;
    while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
    if (text[j] === '\r') j++;
    if (j < end && text[j] !== '\n') return -1;
    j++;
    // Lines that are empty or start with '#' are removed from a continued instruction.
    while (j < end) {
      let k = j;
      while (k < end && (text[k] === ' ' || text[k] === '\t')) k++;
      if (text[k] === '#' || text[k] === '\n' || text[k] === '\r') {
        const nl = text.indexOf('\n', k);
        j = nl < 0 || nl >= end ? end : nl + 1;
        continue;
      }
      break;
    }
    return j;
  };

  while (i < end) {
    const c = text[i];
    const next = continuation(i);
    if (next >= 0) {
      i = next;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#' && words.length === 0) {
      // A shell comment runs to the end of the line.
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl >= end ? end : nl;
      continue;
    }
    if (operatorChars.has(c)) {
      const two = text.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === ';;') {
        finish(two);
        i += 2;
      } else {
        if (c === '|') hasPipe = true;
        finish(c === '(' || c === ')' ? ';' : c);
        i++;
      }
      continue;
    }
    if (c === '<' || c === '>') {
      // Redirections: skip the operator and its target so they never look like arguments.
      i++;
      while (i < end && (text[i] === '<' || text[i] === '>' || text[i] === '&')) i++;
      while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
      i = readWord(text, i, end, dockerfileEscape, continuation).end;
      continue;
    }
    const word = readWord(text, i, end, dockerfileEscape, continuation);
    if (word.end === i) {
      i++;
      continue;
    }
    // `2>&1`: a file-descriptor number glued to a redirection is not an argument.
    const fdRedirect = /^\d+$/.test(word.value) && (text[word.end] === '>' || text[word.end] === '<');
    if (!fdRedirect) words.push(word);
    i = word.end;
  }
  finish('');
  return { commands, hasPipe };
}

function readWord(
  text: string,
  start: number,
  end: number,
  dockerfileEscape: string | undefined,
  continuation: (at: number) => number,
): ShellWord {
  let value = '';
  let i = start;
  while (i < end) {
    const c = text[i];
    if (dockerfileEscape !== undefined && c === dockerfileEscape) {
      const next = continuation(i);
      if (next >= 0) break;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || operatorChars.has(c) || c === '<' || c === '>')
      break;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const stop = close < 0 || close >= end ? end : close;
      value += text.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < end && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < end) {
          const next = continuation(i);
          if (next >= 0) {
            i = next;
            continue;
          }
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += text[i];
        i++;
      }
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < end) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const close = matching(text, i + 1, end);
      value += text.slice(i, close);
      i = close;
      continue;
    }
    if (c === '`') {
      const close = text.indexOf('`', i + 1);
      const stop = close < 0 || close >= end ? end : close + 1;
      value += text.slice(i, stop);
      i = stop;
      continue;
    }
    // A run of ordinary characters: copy it in one slice.
    let j = i + 1;
    while (j < end && !special.has(text[j]) && text[j] !== dockerfileEscape) j++;
    value += text.slice(i, j);
    i = j;
  }
  return { value, start, end: Math.min(i, end) };
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
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
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
