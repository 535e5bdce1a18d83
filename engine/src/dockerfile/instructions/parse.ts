// BuildKit's instructions.ParseInstruction: from a syntax-tree instruction to a typed command, or
// the error BuildKit reports for it, in BuildKit's words, with the span to underline.

import { chompHeredocContent, parseHeredocWord } from '../heredocMarker';
import type { Argument, DockerfileErrorCode, Instruction, Span } from '../model';
import { goQuote, goTrimSpace } from '../text';
import { parseHealthcheck, parseRun, parseShell, shellDependent } from './commandLine';
import type * as C from './commands';
import { instructionInfo } from './metadata';
import {
  argumentsSpan,
  atLeastOne,
  exactlyOne,
  fail,
  flagValues,
  InstructionError,
  type Request,
} from './request';
import { withSuggestion } from './suggest';

export interface CommandError {
  readonly message: string;
  readonly code: DockerfileErrorCode;
  /** What to underline. */
  readonly span: Span;
}

export type CommandResult = { readonly command: C.Command } | { readonly error: CommandError };

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
