// The shell scripts a Dockerfile runs at build time: each shell-form RUN's command line and each
// RUN heredoc body meant for the shell, tokenized for the rules that look inside them (once per lint
// run: see rules/shared.ts). Windows shells (SHELL ["cmd"…]/["powershell"…] or a backtick escape) are left
// out: the rules speak POSIX shell.
import type { Heredoc, Instruction, Stage } from '../../model';
import { carriedKey, type DockerfileDocument } from '../document';
import { packageInvocation, type PackageInvocation } from './packages';
import { commandIndex, commandName, tokenizeShell, type ShellCommand, type ShellScript } from './shell';

export interface RunScript {
  readonly instruction: Instruction;
  readonly stage: Stage;
  readonly script: ShellScript;
  /** Offsets of the script text in the document. */
  readonly start: number;
  readonly end: number;
  /** Set when the script is a heredoc body rather than the command line. */
  readonly heredoc?: Heredoc;
}

function isPosixShell(shell: readonly string[]): boolean {
  return !/(?:^|[\\/])(?:cmd|powershell|pwsh)(?:\.exe)?$/i.test(shell[0] ?? '');
}

/**
 * The scripts a document version tokenized, by the node they come from (a RUN instruction for its
 * command line, a heredoc for its body). The next version receives them (DockerfileDocument's
 * carried values): its parse takes a node over from this one only when the node's text is
 * unchanged (parseDockerfile), so after an edit only the RUNs it touched are tokenized again. A
 * plain map handed from version to version, not a WeakMap: weak keys cost every garbage collection
 * (a third more time on the corpus). Trimming a document drops them with its parse.
 */
const tokenizedKey = carriedKey('tokenized RUN scripts');

/** The POSIX shell scripts of the document's RUN instructions, tokenized. */
export function findRunScripts(document: DockerfileDocument): RunScript[] {
  const dockerfile = document.dockerfile;
  const text = document.text;
  const scripts: RunScript[] = [];
  if (dockerfile.escapeChar === '`') return scripts;
  const before = document.carried<Map<object, ShellScript>>(tokenizedKey);
  const tokenized = new Map<object, ShellScript>();
  document.remember(tokenizedKey, tokenized);
  const tokenizeOnce = (node: object, start: number, end: number, escape?: string): ShellScript => {
    const script = before?.get(node) ?? tokenizeShell(text, start, end, escape);
    tokenized.set(node, script);
    return script;
  };
  for (const stage of dockerfile.stages) {
    let posix = true; // each stage starts with /bin/sh; SHELL changes it for what follows
    for (const instruction of stage.instructions) {
      if (instruction.command?.kind === 'SHELL') posix = isPosixShell(instruction.command.shell);
      if (instruction.name !== 'RUN' || instruction.form !== 'shell' || !instruction.argsText) continue;
      if (!posix) continue;
      if (instruction.heredocs.length === 0) {
        const { startOffset, endOffset } = instruction.argsText;
        scripts.push({
          instruction,
          stage,
          script: tokenizeOnce(instruction, startOffset, endOffset, dockerfile.escapeChar),
          start: startOffset,
          end: endOffset,
        });
        continue;
      }
      // Only `RUN <<EOF` (or `RUN bash <<EOF`) runs a body as the script; `RUN python3 <<EOF` feeds
      // it to another program.
      const line = instruction.argsText.value;
      if (!/^(?:(?:\/bin\/|\/usr\/bin\/)?(?:sh|bash|ash|dash)(?:\s+-\w+)*\s+)?<<-?\S+\s*$/.test(line))
        continue;
      for (const heredoc of instruction.heredocs) {
        const body = heredoc.body;
        // A body with a shebang for another interpreter is not shell.
        const firstLine = text.slice(body.startOffset, text.indexOf('\n', body.startOffset));
        if (firstLine.startsWith('#!') && !/\b(?:sh|bash|ash|dash|zsh)\b/.test(firstLine)) continue;
        scripts.push({
          instruction,
          stage,
          script: tokenizeOnce(heredoc, body.startOffset, body.endOffset),
          start: body.startOffset,
          end: body.endOffset,
          heredoc,
        });
      }
    }
  }
  return scripts;
}

/** True when another stage builds on, copies from or mounts `stage` (so its size matters less). */
export function isIntermediate(document: DockerfileDocument, stage: Stage): boolean {
  return document.symbols.isReferenced(stage);
}

export interface RunInvocation {
  readonly run: RunScript;
  readonly invocation: PackageInvocation;
}

const mentionsManager =
  /^(?:apt-get|apt|apk|yum|dnf|microdnf|zypper|pip[\d.]*|python[\d.]*|npm|yarn|gem|go)$/;

/** Every package-manager invocation among the commands of RUN scripts. */
export function findPackageInvocations(commands: readonly RunCommand[]): RunInvocation[] {
  const out: RunInvocation[] = [];
  for (const { run, command, name } of commands) {
    // Cheap filter before the full split: the program must be a package manager or python.
    if (!mentionsManager.test(name)) continue;
    const invocation = packageInvocation(command);
    if (invocation) out.push({ run, invocation });
  }
  return out;
}

/** True when the RUN mounts a cache (or tmpfs) over one of `paths` (or a parent of one). */
export function mountsCacheOver(instruction: Instruction, paths: readonly string[]): boolean {
  if (instruction.command?.kind !== 'RUN') return false;
  return instruction.command.mounts.some(
    (m) =>
      (m.type === 'cache' || m.type === 'tmpfs') &&
      paths.some((p) => p === m.target || p.startsWith(`${m.target.replace(/\/$/, '')}/`)),
  );
}

export interface RunCommand {
  readonly run: RunScript;
  readonly command: ShellCommand;
  /** Basename of the program (`apt-get` for `/usr/bin/apt-get`), after assignments and sudo. */
  readonly name: string;
  /** Index of the program word in `command.words`. */
  readonly at: number;
}

/** Every simple command of the RUN scripts. */
export function findRunCommands(scripts: readonly RunScript[]): RunCommand[] {
  const out: RunCommand[] = [];
  for (const run of scripts) {
    for (const command of run.script.commands) {
      const name = commandName(command);
      if (name) out.push({ run, command, name, at: commandIndex(command.words) });
    }
  }
  return out;
}
