// The Run Container choices as data: what to suggest (ports from EXPOSE, the last choices for this
// image), how to read what the user typed (ports, env, volumes, command), and the engine's create
// request they make. No `vscode` here: run/runWizard.ts asks, this module decides.
import type Docker from 'dockerode';
import * as path from 'node:path';

export interface RunChoices {
  /** Container name; '' lets the engine generate one. */
  readonly name: string;
  /** Published ports, e.g. `8080:80 127.0.0.1:5353:53/udp`. */
  readonly ports: string;
  /** Environment, e.g. `MODE=dev GREETING="hello there"`. */
  readonly env: string;
  /** Bind mounts and volumes, e.g. `./site:/usr/share/nginx/html:ro data:/var/lib/data`. */
  readonly volumes: string;
  /** Command overriding the image's CMD; '' keeps it. */
  readonly command: string;
  /** Attach a terminal to the container's TTY (run -it) instead of running it in the background. */
  readonly interactive: boolean;
}

/** A reading error: says which entry is wrong and how to write it. */
export class RunInputError extends Error {}

/** `EXPOSE 80 53/udp` (the image's ExposedPorts) → `80:80 53:53/udp`: publish each on the same host port. */
export function suggestPorts(exposed: Record<string, unknown> | undefined | null): string {
  if (!exposed) return '';
  return Object.keys(exposed)
    .map((key) => {
      const [port, proto = 'tcp'] = key.split('/');
      return proto === 'tcp' ? `${port}:${port}` : `${port}:${port}/${proto}`;
    })
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
    .join(' ');
}

/** The first choices shown: the last ones for this image, else suggestions from the image. */
export function initialChoices(
  exposed: Record<string, unknown> | undefined | null,
  remembered: RunChoices | undefined,
  interactive: boolean | undefined,
): RunChoices {
  const base = remembered ?? {
    name: '',
    ports: suggestPorts(exposed),
    env: '',
    volumes: '',
    command: '',
    interactive: false,
  };
  return interactive === undefined ? base : { ...base, interactive };
}

/**
 * Splits text into words as a shell would for simple cases: whitespace separates, '…' and "…"
 * group, backslash escapes the next character. Throws on an unclosed quote.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new RunInputError(`a ${quote} quote is not closed in: ${text}`);
  if (inWord) words.push(word);
  return words;
}

export interface PublishedPorts {
  readonly exposed: Record<string, Record<string, never>>;
  readonly bindings: Record<string, { HostIp?: string; HostPort: string }[]>;
}

const PORT_ENTRY =
  /^(?:(\[[0-9a-fA-F:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d*):)?(\d+)(?:\/(tcp|udp|sctp))?$/;

function checkPort(value: string, entry: string): void {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new RunInputError(`port ${value} in "${entry}" is not between 1 and 65535`);
}

/** `8080:80 127.0.0.1:5353:53/udp 3000` (spaces or commas between) → exposed ports and bindings. */
export function parsePorts(text: string): PublishedPorts {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp?: string; HostPort: string }[]> = {};
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const m = PORT_ENTRY.exec(entry);
    if (!m) {
      throw new RunInputError(
        `"${entry}" is not a port mapping: write [ip:]hostPort:containerPort[/udp], e.g. 8080:80`,
      );
    }
    const [, ip, hostPort, containerPort, proto = 'tcp'] = m;
    checkPort(containerPort, entry);
    if (hostPort) checkPort(hostPort, entry);
    const key = `${containerPort}/${proto}`;
    exposed[key] = {};
    const binding: { HostIp?: string; HostPort: string } = { HostPort: hostPort ?? '' };
    if (ip) binding.HostIp = ip.replace(/^\[|\]$/g, '');
    (bindings[key] ??= []).push(binding);
  }
  return { exposed, bindings };
}

/** `A=1 B="two words"` → ['A=1', 'B=two words']; a bare `NAME` is refused (say NAME= for empty). */
export function parseEnv(text: string): string[] {
  return splitWords(text).map((entry) => {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*=/.test(entry)) {
      throw new RunInputError(
        `"${entry}" is not NAME=value (for an empty value write ${entry.split('=')[0] || 'NAME'}=)`,
      );
    }
    return entry;
  });
}

/**
 * `./site:/usr/share/nginx/html:ro data:/data` → Docker binds. A source with a slash or starting with
 * `.` or `~` is a host path (relative ones resolved against `baseDir`, the workspace folder); a
 * plain name is a named volume.
 */
export function parseVolumes(text: string, baseDir: string | undefined, home: string): string[] {
  return parseVolumeEntries(splitWords(text), baseDir, home);
}

/** parseVolumes for entries already split (tasks.json gives an array). */
export function parseVolumeEntries(
  entries: readonly string[],
  baseDir: string | undefined,
  home: string,
): string[] {
  return entries.map((entry) => {
    const parts = entry.split(':');
    if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) {
      throw new RunInputError(`"${entry}" is not source:destination[:ro], e.g. ./data:/data or mydata:/data`);
    }
    let [source] = parts;
    const [, destination, mode] = parts;
    if (!destination.startsWith('/'))
      throw new RunInputError(`the destination in "${entry}" must be an absolute path in the container`);
    if (source === '~' || source.startsWith('~/')) source = path.join(home, source.slice(1));
    else if (source.startsWith('.')) {
      if (!baseDir)
        throw new RunInputError(
          `"${entry}" has a relative path, but no folder is open to resolve it against; use an absolute path`,
        );
      source = path.resolve(baseDir, source);
    } else if (!source.startsWith('/') && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(source)) {
      throw new RunInputError(
        `"${source}" in "${entry}" is neither a path nor a volume name (letters, digits, _ . -)`,
      );
    }
    return [source, destination, mode].filter(Boolean).join(':');
  });
}

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function validateName(name: string): string | undefined {
  if (name === '' || CONTAINER_NAME.test(name)) return undefined;
  return 'Use letters, digits, "_", "." and "-", starting with a letter or digit (or leave empty for a generated name)';
}

/** The engine's create request for these choices (throws RunInputError on unreadable input). */
export function createOptions(
  image: string,
  choices: RunChoices,
  baseDir: string | undefined,
  home: string,
): Docker.ContainerCreateOptions {
  const nameError = validateName(choices.name.trim());
  if (nameError) throw new RunInputError(`"${choices.name}" is not a container name: ${nameError}`);
  const ports = parsePorts(choices.ports);
  const command = choices.command.trim() ? splitWords(choices.command) : undefined;
  const options: Docker.ContainerCreateOptions = {
    Image: image,
    Env: parseEnv(choices.env),
    ExposedPorts: ports.exposed,
    HostConfig: {
      PortBindings: ports.bindings,
      Binds: parseVolumes(choices.volumes, baseDir, home),
    },
    Labels: { 'dev.berth.created-by': 'vscode' },
  };
  if (choices.name.trim()) options.name = choices.name.trim();
  if (command) options.Cmd = command;
  if (choices.interactive) {
    Object.assign(options, {
      Tty: true,
      OpenStdin: true,
      StdinOnce: false,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
  }
  return options;
}

/** One line describing the choices, for "Run with the same options as last time". */
export function describeChoices(choices: RunChoices): string {
  const parts = [
    choices.name ? `name ${choices.name}` : '',
    choices.ports ? `ports ${choices.ports}` : '',
    choices.env ? `env ${choices.env}` : '',
    choices.volumes ? `volumes ${choices.volumes}` : '',
    choices.command ? `command ${choices.command}` : '',
    choices.interactive ? 'interactive' : 'detached',
  ];
  return parts.filter(Boolean).join(', ');
}
