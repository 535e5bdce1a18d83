// Variable expansion of a typed instruction, as BuildKit's dispatcher does it before running the
// instruction: which words it expands (and which it leaves alone), with which lexer options, and
// the variables that were set or unset along the way (the UndefinedVar check).

import type * as C from './instructions/commands';
import type { Instruction } from './model';
import { parseMount } from './instructions/runFlags';
import { processShellWord, type ShellLexOptions, type VariableSource } from './shell';

export interface ExpandedCommand {
  /** The command with its words expanded; undefined when `error` is set. */
  readonly command: C.Command | undefined;
  /** Variables referenced and set. */
  readonly matched: ReadonlySet<string>;
  /** Variables referenced and unset. */
  readonly unmatched: ReadonlySet<string>;
  /** BuildKit's error for the first word that cannot be expanded. */
  readonly error: string | undefined;
}

class ExpansionError extends Error {}

/**
 * Expands the typed command of `instruction` with `vars` (the stage's ARG/ENV values, or the global
 * ARGs for FROM). Instructions BuildKit does not expand (RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK
 * command lines, ONBUILD, MAINTAINER, COPY --from) come back unchanged, RUN mounts re-checked.
 */
export function expandInstruction(
  instruction: Instruction,
  vars: VariableSource,
  escapeChar: '\\' | '`' = '\\',
): ExpandedCommand {
  const matched = new Set<string>();
  const unmatched = new Set<string>();
  const word = (text: string, options: ShellLexOptions = { escapeChar }): string => {
    const r = processShellWord(text, vars, options);
    r.matched.forEach((n) => matched.add(n));
    r.unmatched.forEach((n) => unmatched.add(n));
    if (r.error !== undefined) throw new ExpansionError(r.error);
    return r.value;
  };
  const words = (text: string): readonly string[] => {
    const r = processShellWord(text, vars, { escapeChar });
    r.unmatched.forEach((n) => unmatched.add(n));
    r.matched.forEach((n) => matched.add(n));
    if (r.error !== undefined) throw new ExpansionError(r.error);
    return r.words;
  };
  // Heredoc bodies: backslash escapes, quotes kept as they are.
  const raw = (text: string) => word(text, { escapeChar: '\\', skipProcessQuotes: true });
  const command = instruction.command;
  try {
    return {
      command: command && expand(command, instruction, word, words, raw),
      matched,
      unmatched,
      error: undefined,
    };
  } catch (e) {
    if (!(e instanceof ExpansionError)) throw e;
    return { command: undefined, matched, unmatched, error: e.message };
  }
}

type Expand = (text: string) => string;

function expand(
  command: C.Command,
  instruction: Instruction,
  word: Expand,
  words: (text: string) => readonly string[],
  raw: Expand,
): C.Command {
  const pairs = (list: readonly C.KeyValuePair[]) =>
    list.map((p) => ({ ...p, key: word(p.key), value: word(p.value) }));
  const contents = (list: readonly C.SourceContent[]) =>
    list.map((c) => (c.expand ? { ...c, data: raw(c.data) } : c));
  switch (command.kind) {
    case 'FROM':
      return { ...command, baseName: word(command.baseName), platform: word(command.platform) };
    case 'ENV':
      return { ...command, env: pairs(command.env) };
    case 'LABEL':
      return { ...command, labels: pairs(command.labels) };
    case 'ARG': // the dispatcher expands defaults only
      return {
        ...command,
        args: command.args.map((a) => (a.value === undefined ? a : { ...a, value: word(a.value) })),
      };
    case 'COPY':
      return {
        ...command,
        chown: word(command.chown),
        chmod: word(command.chmod),
        sourcePaths: command.sourcePaths.map(word),
        destPath: word(command.destPath),
        sourceContents: contents(command.sourceContents),
      };
    case 'ADD':
      return {
        ...command,
        chown: word(command.chown),
        chmod: word(command.chmod),
        checksum: word(command.checksum),
        sourcePaths: command.sourcePaths.map(word),
        destPath: word(command.destPath),
        sourceContents: contents(command.sourceContents),
      };
    case 'WORKDIR':
      return { ...command, path: word(command.path) };
    case 'USER':
      return { ...command, user: word(command.user) };
    case 'VOLUME':
      return { ...command, volumes: command.volumes.map(word) };
    case 'STOPSIGNAL':
      return { ...command, signal: word(command.signal) };
    case 'EXPOSE':
      return { ...command, ports: command.ports.flatMap((p) => words(p)) };
    case 'RUN': {
      const mountValues = instruction.flags.filter((f) => f.name === 'mount' && f.value !== undefined);
      const mounts = mountValues.map((flag) => {
        const result = parseMount(flag.value as string, (value) => ({ value: word(value) }));
        if ('error' in result) throw new ExpansionError(result.error);
        return result.mount;
      });
      return { ...command, mounts };
    }
    default:
      return command;
  }
}
