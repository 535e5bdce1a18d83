// BuildKit's instructions.ParseInstruction: from a syntax-tree instruction to a typed command, or
// the error BuildKit reports for it, in BuildKit's words, with the span to underline.

import { chompHeredocContent, parseHeredocWord } from '../heredocMarker';
import type { Argument, DockerfileErrorCode, Flag, Instruction, Span } from '../model';
import { goQuote, goTrimSpace } from '../text';
import { parseFlags, type FlagValues } from './bflags';
import type * as C from './commands';
import { parseGoDuration, parseGoInt, type Parsed } from './goValues';
import { flagsOf, instructionInfo } from './metadata';
import { parseDevice, parseMount } from './runFlags';
import { withSuggestion } from './suggest';

export interface CommandError {
  readonly message: string;
  readonly code: DockerfileErrorCode;
  /** What to underline. */
  readonly span: Span;
}

export type CommandResult = { readonly command: C.Command } | { readonly error: CommandError };

/** What BuildKit's parseRequest holds, taken from the syntax tree. */
interface Request {
  readonly instruction: Instruction;
  /** BuildKit's nodeArgs: argument values (for ONBUILD: the trigger keyword and its arguments). */
  readonly args: readonly string[];
  readonly json: boolean;
}

class InstructionError extends Error {
  constructor(
    message: string,
    readonly code: DockerfileErrorCode,
    readonly span: Span,
  ) {
    super(message);
  }
}

/** Parses one instruction into its typed command; errors come back as data. */
export function parseCommand(instruction: Instruction): CommandResult {
  const name = instruction.keyword.value.toLowerCase();
  const parse = parsers[name];
  if (!parse) {
    const message = withSuggestion(
      `unknown instruction: ${instruction.keyword.value}`,
      instruction.keyword.value,
      instructionInfo.keys(),
      false,
    );
    return { error: { message, code: 'unknown-instruction', span: instruction.keyword } };
  }
  const trigger = instruction.trigger;
  const args = trigger
    ? [trigger.keyword.value, ...trigger.args.map((a) => a.value)]
    : instruction.args.map((a) => a.value);
  try {
    return { command: parse({ instruction, args, json: instruction.form === 'json' }) };
  } catch (e) {
    if (!(e instanceof InstructionError)) throw e;
    return { error: { message: e.message, code: e.code, span: e.span } };
  }
}

type Parser = (req: Request) => C.Command;

const parsers: Record<string, Parser> = {
  add: parseAdd,
  arg: parseArg,
  cmd: (req) => {
    flagValues(req);
    return { kind: 'CMD', ...shellDependent(req) };
  },
  copy: parseCopy,
  entrypoint: (req) => {
    flagValues(req);
    return { kind: 'ENTRYPOINT', ...shellDependent(req) };
  },
  env: (req) => {
    flagValues(req);
    return { kind: 'ENV', env: keyValuePairs(req, 'ENV') };
  },
  expose: parseExpose,
  from: parseFrom,
  healthcheck: parseHealthcheck,
  label: (req) => {
    flagValues(req);
    return { kind: 'LABEL', labels: keyValuePairs(req, 'LABEL') };
  },
  maintainer: (req) => {
    exactlyOne(req, 'MAINTAINER');
    flagValues(req);
    return { kind: 'MAINTAINER', maintainer: req.args[0] };
  },
  onbuild: parseOnbuild,
  run: parseRun,
  shell: parseShell,
  stopsignal: (req) => {
    exactlyOne(req, 'STOPSIGNAL'); // BuildKit does not check STOPSIGNAL's flags
    return { kind: 'STOPSIGNAL', signal: req.args[0] };
  },
  user: (req) => {
    exactlyOne(req, 'USER');
    flagValues(req);
    return { kind: 'USER', user: req.args[0] };
  },
  volume: parseVolume,
  workdir: (req) => {
    exactlyOne(req, 'WORKDIR');
    flagValues(req);
    return { kind: 'WORKDIR', path: req.args[0] };
  },
};

function argumentsSpan(req: Request): Span {
  return req.instruction.argsText ?? req.instruction.keyword;
}

function fail(message: string, code: DockerfileErrorCode, span: Span): never {
  throw new InstructionError(message, code, span);
}

function atLeastOne(req: Request, command: string): void {
  if (req.args.length === 0)
    fail(`${command} requires at least one argument`, 'arguments', argumentsSpan(req));
}

function exactlyOne(req: Request, command: string): void {
  if (req.args.length !== 1)
    fail(`${command} requires exactly one argument`, 'arguments', argumentsSpan(req));
}

/** BFlags.Parse against the instruction's accepted flags. */
function flagValues(req: Request): FlagValues {
  const result = parseFlags(req.instruction.flags, flagsOf(req.instruction.keyword.value));
  if ('error' in result) {
    const code = result.error.startsWith('unknown flag')
      ? 'unknown-flag'
      : result.error.startsWith('duplicate flag')
        ? 'duplicate-flag'
        : 'flag-value';
    fail(result.error, code, result.flag);
  }
  return result;
}

function flagError(flag: Flag | undefined, req: Request, message: string): never {
  fail(message, 'flag-value', flag ?? req.instruction.keyword);
}

function keyValuePairs(req: Request, command: string): C.KeyValuePair[] {
  const args = req.instruction.args;
  if (args.length === 0) fail(`${command} requires at least one argument`, 'arguments', argumentsSpan(req));
  const pairs: C.KeyValuePair[] = [];
  for (let i = 0; i + 2 < args.length; i += 3) {
    if (args[i].value === '') fail(`${command} names can not be blank`, 'invalid-argument', args[i + 2]);
    pairs.push({
      key: args[i].value,
      value: args[i + 1].value,
      legacy: args[i + 2].value === '',
      keyToken: args[i],
      valueToken: args[i + 1],
    });
  }
  return pairs;
}

/** The comment above that documents `name` (`# NAME does…`). */
function docComment(req: Request, name: string): string {
  if (name === '') return '';
  for (const line of req.instruction.comments)
    if (line.startsWith(name + ' ')) return line.slice(name.length + 1);
  return '';
}

function parseArg(req: Request): C.ArgCommand {
  atLeastOne(req, 'ARG');
  const args = req.instruction.args.map((token): C.ArgDefinition => {
    const eq = token.value.indexOf('=');
    if (eq === 0) fail('ARG names can not be blank', 'invalid-argument', token);
    const key = eq < 0 ? token.value : token.value.slice(0, eq);
    return {
      key,
      value: eq < 0 ? undefined : token.value.slice(eq + 1),
      token,
      docComment: docComment(req, key),
    };
  });
  return { kind: 'ARG', args };
}

const validStageName = /^[a-z][a-z0-9-_.]*$/;

function parseFrom(req: Request): C.FromCommand {
  const args = req.instruction.args;
  let name = '';
  if (args.length === 3 && args[1].value.toLowerCase() === 'as') {
    name = args[2].value.toLowerCase();
    if (!validStageName.test(name)) {
      fail(
        `invalid name for build stage: ${goQuote(args[2].value)}, name can't start with a number or contain symbols`,
        'invalid-argument',
        args[2],
      );
    }
  } else if (args.length !== 1) {
    fail('FROM requires either one or three arguments', 'arguments', argumentsSpan(req));
  }
  const flags = flagValues(req);
  return {
    kind: 'FROM',
    baseName: args[0].value,
    baseToken: args[0],
    name,
    nameToken: name ? args[2] : undefined,
    platform: flags.values.get('platform') ?? '',
    docComment: docComment(req, name),
  };
}

function sourcesAndDest(req: Request, command: string) {
  const args = req.args;
  const dest = args[args.length - 1];
  if (isHeredoc(dest)) {
    fail(
      `${command} cannot accept a heredoc as a destination`,
      'invalid-argument',
      req.instruction.args[args.length - 1],
    );
  }
  const heredocs = new Map(req.instruction.heredocs.map((h) => [h.name, h]));
  const sourcePaths: string[] = [];
  const sourceContents: C.SourceContent[] = [];
  for (const src of args.slice(0, -1)) {
    const marker = parseHeredocWord(src);
    if (marker && !('error' in marker)) {
      const content = heredocs.get(marker.name)?.content ?? '';
      sourceContents.push({
        path: marker.name,
        data: marker.chomp ? chompHeredocContent(content) : content,
        expand: marker.expand,
      });
    } else {
      sourcePaths.push(src);
    }
  }
  return { sourcePaths, sourceContents, destPath: dest };
}

function isHeredoc(word: string): boolean {
  const marker = parseHeredocWord(word);
  return marker !== undefined && !('error' in marker);
}

function noDestination(req: Request, command: string): void {
  if (req.args.length < 2) {
    fail(
      `${command} requires at least two arguments, but only one was provided. Destination could not be determined`,
      'arguments',
      argumentsSpan(req),
    );
  }
}

function parseAdd(req: Request): C.AddCommand {
  noDestination(req, 'ADD');
  const flags = flagValues(req);
  const v = flags.values;
  return {
    kind: 'ADD',
    ...sourcesAndDest(req, 'ADD'),
    chown: v.get('chown') ?? '',
    chmod: v.get('chmod') ?? '',
    link: v.get('link') === 'true',
    excludePatterns: flags.lists.get('exclude') ?? [],
    checksum: v.get('checksum') ?? '',
    keepGitDir: v.has('keep-git-dir') ? v.get('keep-git-dir') === 'true' : undefined,
    unpack: v.has('unpack') ? v.get('unpack') === 'true' : undefined,
  };
}

function parseCopy(req: Request): C.CopyCommand {
  noDestination(req, 'COPY');
  const flags = flagValues(req);
  const v = flags.values;
  return {
    kind: 'COPY',
    ...sourcesAndDest(req, 'COPY'),
    from: v.get('from') ?? '',
    chown: v.get('chown') ?? '',
    chmod: v.get('chmod') ?? '',
    link: v.get('link') === 'true',
    parents: v.get('parents') === 'true',
    excludePatterns: flags.lists.get('exclude') ?? [],
  };
}

function shellDependent(req: Request): C.ShellDependentCommandLine {
  const files = req.instruction.heredocs.map((h) => ({ name: h.name, data: h.content, chomp: h.chomp }));
  const cmdLine = req.args.length === 0 ? [] : req.json ? [...req.args] : [req.args.join(' ')];
  return { cmdLine, files, prependShell: !req.json };
}

function parseRun(req: Request): C.RunCommand {
  const flags = flagValues(req);
  const used = flags.used;
  // BuildKit's post-parse hooks run in this order: devices, mounts, network, security.
  const devices = (flags.lists.get('device') ?? []).map((value) => {
    const device = parseDevice(value);
    if ('error' in device) flagError(findFlag(req, 'device', value), req, device.error);
    return device.device;
  });
  const mounts = (flags.lists.get('mount') ?? []).map((value) => {
    const flag = findFlag(req, 'mount', value);
    const checked = parseMount(value, false);
    if ('error' in checked) flagError(flag, req, checked.error);
    // The full check needs expanded values; without variables it is the same as BuildKit's later one.
    const evaluated = parseMount(value, true);
    if ('error' in evaluated) {
      if (!value.includes('$')) flagError(flag, req, evaluated.error);
      return checked.mount;
    }
    return evaluated.mount;
  });
  const network = flags.values.get('network') ?? 'default';
  if (network !== 'default' && network !== 'none' && network !== 'host') {
    flagError(used.get('network'), req, `invalid network mode ${goQuote(network)}`);
  }
  const security = flags.values.get('security') ?? 'sandbox';
  if (security !== 'sandbox' && security !== 'insecure') {
    flagError(used.get('security'), req, `security ${goQuote(security)} is not valid`);
  }
  return {
    kind: 'RUN',
    ...shellDependent(req),
    mounts,
    network,
    security,
    devices,
    flagsUsed: [...used.keys()],
  };
}

function findFlag(req: Request, name: string, value: string): Flag | undefined {
  return req.instruction.flags.find((f) => f.name === name && f.value === value);
}

function duration(flags: FlagValues, name: string, req: Request): number {
  const value = flags.values.get(name) ?? '';
  if (value === '') return 0;
  const parsed = parseGoDuration(value);
  if ('error' in parsed) flagError(flags.used.get(name), req, parsed.error);
  if (parsed.value === 0) return 0;
  if (parsed.value < 1e6) {
    flagError(flags.used.get(name), req, `Interval ${goQuote(name)} cannot be less than 1ms`);
  }
  return parsed.value;
}

function parseHealthcheck(req: Request): C.HealthcheckCommand {
  atLeastOne(req, 'HEALTHCHECK');
  const type = req.args[0].toUpperCase();
  const rest = req.args.slice(1);
  const none = { interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
  if (type === 'NONE') {
    if (rest.length !== 0) fail('HEALTHCHECK NONE takes no arguments', 'arguments', argumentsSpan(req));
    return { kind: 'HEALTHCHECK', test: [type], ...none };
  }
  const flags = flagValues(req);
  if (type !== 'CMD') {
    fail(
      `Unknown type ${goQuote(type)} in HEALTHCHECK (try CMD)`,
      'invalid-argument',
      req.instruction.args[0],
    );
  }
  const cmd = rest.length === 0 ? [] : req.json ? rest : [rest.join(' ')];
  if (cmd.length === 0) fail('Missing command after HEALTHCHECK CMD', 'arguments', argumentsSpan(req));
  const test = [req.json ? type : 'CMD-SHELL', ...cmd];
  const interval = duration(flags, 'interval', req);
  const timeout = duration(flags, 'timeout', req);
  const startPeriod = duration(flags, 'start-period', req);
  const startInterval = duration(flags, 'start-interval', req);
  let retries = 0;
  const retriesValue = flags.values.get('retries') ?? '';
  if (retriesValue !== '') {
    const parsed: Parsed<number> = parseGoInt(retriesValue, { base: 10, signed: true });
    if ('error' in parsed) flagError(flags.used.get('retries'), req, parsed.error);
    if (parsed.value < 0)
      flagError(flags.used.get('retries'), req, `--retries cannot be negative (${parsed.value})`);
    retries = parsed.value;
  }
  return { kind: 'HEALTHCHECK', test, interval, timeout, startPeriod, startInterval, retries };
}

function parseExpose(req: Request): C.ExposeCommand {
  atLeastOne(req, 'EXPOSE');
  flagValues(req);
  return { kind: 'EXPOSE', ports: [...req.args].sort() };
}

function parseVolume(req: Request): C.VolumeCommand {
  atLeastOne(req, 'VOLUME');
  flagValues(req);
  const volumes = req.instruction.args.map((arg: Argument) => {
    const v = goTrimSpace(arg.value);
    if (v === '') fail('VOLUME specified can not be an empty string', 'invalid-argument', arg);
    return v;
  });
  return { kind: 'VOLUME', volumes };
}

function parseShell(req: Request): C.ShellCommand {
  flagValues(req);
  const shell = req.args.length === 0 ? [] : req.json ? [...req.args] : [req.args.join(' ')];
  if (shell.length === 0) fail('SHELL requires at least one argument', 'arguments', argumentsSpan(req));
  if (!req.json)
    fail('SHELL requires the arguments to be in JSON form', 'invalid-argument', argumentsSpan(req));
  return { kind: 'SHELL', shell };
}

function parseOnbuild(req: Request): C.OnbuildCommand {
  atLeastOne(req, 'ONBUILD');
  flagValues(req);
  const trigger = req.args[0].trim().toUpperCase();
  const triggerSpan = req.instruction.trigger?.keyword ?? argumentsSpan(req);
  if (trigger === 'ONBUILD') {
    fail("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", 'invalid-argument', triggerSpan);
  }
  if (trigger === 'MAINTAINER' || trigger === 'FROM') {
    fail(`${trigger} isn't allowed as an ONBUILD trigger`, 'invalid-argument', triggerSpan);
  }
  let expression = req.instruction.line.replace(/^[\t\n\f\r ]*ONBUILD[\t\n\f\r ]*/i, '');
  for (const heredoc of req.instruction.heredocs) expression += '\n' + heredoc.content + heredoc.name;
  return { kind: 'ONBUILD', expression };
}
