// What each instruction accepts: its flags with their value kinds and allowed values, whether it
// takes the JSON form and heredocs. The typed parser checks flags against this table, and the
// language service reuses it for completion, hover and diagnostics.

/** How BuildKit reads a flag: `bool` (`--link`, `--link=false`), `string` (once), `strings` (repeatable). */
export type FlagKind = 'bool' | 'string' | 'strings';

export interface FlagInfo {
  /** The name without `--`. */
  readonly name: string;
  readonly kind: FlagKind;
  /** One-line description for hover and completion. */
  readonly description: string;
  /** The only values BuildKit accepts, when it checks them. */
  readonly values?: readonly string[];
  /** The default BuildKit uses when the flag is absent, if any. */
  readonly defaultValue?: string;
  /** Whether the value may use variables (BuildKit expands it). */
  readonly expands: boolean;
}

export interface InstructionInfo {
  /** Upper-case name. */
  readonly name: string;
  readonly description: string;
  /** Usage lines, as in the Dockerfile reference. */
  readonly syntax: readonly string[];
  readonly flags: readonly FlagInfo[];
  /** Accepts the JSON (exec) form. */
  readonly jsonForm: boolean;
  /** Accepts heredocs (`<<EOF`). */
  readonly heredocs: boolean;
  /** Deprecated by Docker (MAINTAINER). */
  readonly deprecated: boolean;
  /** The Dockerfile reference page for it. */
  readonly docsUrl: string;
}

const DOCS = 'https://docs.docker.com/reference/dockerfile/';

function flag(name: string, kind: FlagKind, description: string, extra: Partial<FlagInfo> = {}): FlagInfo {
  return { name, kind, description, expands: true, ...extra };
}

const chown = flag('chown', 'string', 'Owner (user:group, names or ids) of the copied files.');
const chmod = flag(
  'chmod',
  'string',
  'Permissions of the copied files (octal such as 755, or symbolic such as u+x).',
);
const link = flag(
  'link',
  'bool',
  'Copy into an independent layer that does not depend on the previous ones.',
);
const exclude = flag('exclude', 'strings', 'Path pattern to leave out of the copy (repeatable).');

function info(
  name: string,
  description: string,
  syntax: string[],
  flags: FlagInfo[] = [],
  extra: Partial<InstructionInfo> = {},
): InstructionInfo {
  return {
    name,
    description,
    syntax,
    flags,
    jsonForm: false,
    heredocs: false,
    deprecated: false,
    docsUrl: DOCS + '#' + name.toLowerCase(),
    ...extra,
  };
}

const table: InstructionInfo[] = [
  info(
    'ADD',
    'Add local or remote files and directories.',
    ['ADD [OPTIONS] <src> ... <dest>', 'ADD [OPTIONS] ["<src>", ... "<dest>"]'],
    [
      flag('checksum', 'string', 'Checksum (sha256:…) the remote source must match.'),
      flag('keep-git-dir', 'bool', 'Keep the .git directory of a Git source.'),
      flag('unpack', 'bool', 'Whether to extract a local or remote tar archive.'),
      chown,
      chmod,
      link,
      exclude,
    ],
    { jsonForm: true, heredocs: true },
  ),
  info('ARG', 'Declare a build argument, optionally with a default.', [
    'ARG <name>[=<default value>] [<name>[=<default value>]...]',
  ]),
  info(
    'CMD',
    'Default command of the image.',
    ['CMD ["executable","param1","param2"]', 'CMD ["param1","param2"]', 'CMD command param1 param2'],
    [],
    { jsonForm: true },
  ),
  info(
    'COPY',
    'Copy files and directories.',
    ['COPY [OPTIONS] <src> ... <dest>', 'COPY [OPTIONS] ["<src>", ... "<dest>"]'],
    [
      flag(
        'from',
        'string',
        'Copy from a build stage, a named context or an image instead of the build context.',
        { expands: false },
      ),
      flag('parents', 'bool', 'Keep the parent directories of the sources.'),
      chown,
      chmod,
      link,
      exclude,
    ],
    { jsonForm: true, heredocs: true },
  ),
  info(
    'ENTRYPOINT',
    'Executable the container runs.',
    ['ENTRYPOINT ["executable", "param1", "param2"]', 'ENTRYPOINT command param1 param2'],
    [],
    { jsonForm: true },
  ),
  info('ENV', 'Set environment variables.', ['ENV <key>=<value> [<key>=<value>...]']),
  info('EXPOSE', 'Document the ports the container listens on.', ['EXPOSE <port> [<port>[/<protocol>]...]']),
  info(
    'FROM',
    'Start a build stage from a base image or another stage.',
    [
      'FROM [--platform=<platform>] <image> [AS <name>]',
      'FROM [--platform=<platform>] <image>[:<tag>] [AS <name>]',
      'FROM [--platform=<platform>] <image>[@<digest>] [AS <name>]',
    ],
    [flag('platform', 'string', 'Platform of the base image (os/arch[/variant]), such as $BUILDPLATFORM.')],
  ),
  info(
    'HEALTHCHECK',
    'How to check that the container is still working.',
    ['HEALTHCHECK [OPTIONS] CMD command', 'HEALTHCHECK NONE'],
    [
      flag('interval', 'string', 'Time between checks (default 30s).', { expands: false }),
      flag('timeout', 'string', 'Time a check may take before it counts as failed (default 30s).', {
        expands: false,
      }),
      flag('start-period', 'string', 'Start-up time during which failures do not count (default 0s).', {
        expands: false,
      }),
      flag('start-interval', 'string', 'Time between checks during the start period (default 5s).', {
        expands: false,
      }),
      flag('retries', 'string', 'Consecutive failures before the container is unhealthy (default 3).', {
        expands: false,
      }),
    ],
    { jsonForm: true },
  ),
  info('LABEL', 'Add metadata to the image.', ['LABEL <key>=<value> [<key>=<value>...]']),
  info(
    'MAINTAINER',
    'Author of the image (deprecated: use LABEL org.opencontainers.image.authors).',
    ['MAINTAINER <name>'],
    [],
    { deprecated: true },
  ),
  info('ONBUILD', 'An instruction to run when the image is used as the base of another build.', [
    'ONBUILD <INSTRUCTION>',
  ]),
  info(
    'RUN',
    'Run a command while building.',
    ['RUN [OPTIONS] <command> ...', 'RUN [OPTIONS] [ "<command>", ... ]'],
    [
      flag(
        'mount',
        'strings',
        'Mount a bind, cache, tmpfs, secret or ssh filesystem for this command (repeatable).',
        { expands: true },
      ),
      flag('network', 'string', 'Network of the command.', {
        values: ['default', 'none', 'host'],
        defaultValue: 'default',
        expands: false,
      }),
      flag('security', 'string', 'Run in the default sandbox or with elevated privileges (insecure).', {
        values: ['sandbox', 'insecure'],
        defaultValue: 'sandbox',
        expands: false,
      }),
      flag('device', 'strings', 'Make a device (CDI name) available to the command (repeatable).', {
        expands: false,
      }),
    ],
    { jsonForm: true, heredocs: true },
  ),
  info(
    'SHELL',
    'Shell used by the shell form of RUN, CMD and ENTRYPOINT.',
    ['SHELL ["executable", "parameters"]'],
    [],
    { jsonForm: true },
  ),
  info('STOPSIGNAL', 'Signal that stops the container.', ['STOPSIGNAL signal']),
  info('USER', 'User (and group) that runs the following instructions and the container.', [
    'USER <user>[:<group>]',
    'USER <UID>[:<GID>]',
  ]),
  info('VOLUME', 'Create a mount point for a volume.', ['VOLUME ["/data"]', 'VOLUME /data ...'], [], {
    jsonForm: true,
  }),
  info('WORKDIR', 'Working directory of the following instructions and the container.', [
    'WORKDIR /path/to/workdir',
  ]),
];

/** Every instruction BuildKit knows, by upper-case name. */
export const instructionInfo: ReadonlyMap<string, InstructionInfo> = new Map(table.map((i) => [i.name, i]));

/** The flags an instruction accepts, by name (empty for instructions without flags). */
export function flagsOf(instruction: string): ReadonlyMap<string, FlagInfo> {
  return flagMaps.get(instruction.toUpperCase()) ?? noFlags;
}

const noFlags: ReadonlyMap<string, FlagInfo> = new Map();
const flagMaps = new Map(table.map((i) => [i.name, new Map(i.flags.map((f) => [f.name, f]))]));

/** `RUN --mount` types and the keys each accepts. */
export const mountTypes: ReadonlyMap<string, readonly string[]> = new Map([
  ['bind', ['target', 'source', 'from', 'readonly', 'readwrite']],
  ['cache', ['target', 'id', 'readonly', 'sharing', 'from', 'source', 'mode', 'uid', 'gid']],
  ['tmpfs', ['target', 'size']],
  ['secret', ['id', 'target', 'env', 'required', 'mode', 'uid', 'gid']],
  ['ssh', ['id', 'target', 'required', 'mode', 'uid', 'gid']],
]);

/** Every `--mount` key BuildKit accepts, aliases included. */
export const mountKeys: readonly string[] = [
  'type',
  'from',
  'source',
  'target',
  'readonly',
  'id',
  'sharing',
  'required',
  'size',
  'mode',
  'uid',
  'gid',
  'src',
  'dst',
  'destination',
  'ro',
  'rw',
  'readwrite',
  'env',
];

/** `RUN --mount=type=cache,sharing=…` values. */
export const mountSharingModes: readonly string[] = ['shared', 'private', 'locked'];

/**
 * The ARGs a build defines without a declaration: the platform ones (global scope: usable in FROM,
 * and in a stage after a bare `ARG NAME`) and the proxy ones (passed to RUN when given as build args).
 */
export const predefinedArgs: ReadonlyMap<string, string> = new Map([
  ['TARGETPLATFORM', 'Platform of the build result, such as linux/amd64.'],
  ['TARGETOS', 'OS component of TARGETPLATFORM.'],
  ['TARGETARCH', 'Architecture component of TARGETPLATFORM.'],
  ['TARGETVARIANT', 'Variant component of TARGETPLATFORM.'],
  ['BUILDPLATFORM', 'Platform of the node performing the build.'],
  ['BUILDOS', 'OS component of BUILDPLATFORM.'],
  ['BUILDARCH', 'Architecture component of BUILDPLATFORM.'],
  ['BUILDVARIANT', 'Variant component of BUILDPLATFORM.'],
  ['BUILDOSVERSION', 'OS version component of BUILDPLATFORM (Windows).'],
  ['TARGETOSVERSION', 'OS version component of TARGETPLATFORM (Windows).'],
  ['TARGETSTAGE', 'Name of the stage being built.'],
  ['HTTP_PROXY', 'Proxy for HTTP requests during RUN (from --build-arg; kept out of the image history).'],
  ['http_proxy', 'Proxy for HTTP requests during RUN (from --build-arg; kept out of the image history).'],
  ['HTTPS_PROXY', 'Proxy for HTTPS requests during RUN (from --build-arg; kept out of the image history).'],
  ['https_proxy', 'Proxy for HTTPS requests during RUN (from --build-arg; kept out of the image history).'],
  ['FTP_PROXY', 'Proxy for FTP requests during RUN (from --build-arg; kept out of the image history).'],
  ['ftp_proxy', 'Proxy for FTP requests during RUN (from --build-arg; kept out of the image history).'],
  ['NO_PROXY', 'Hosts that bypass the proxy during RUN (from --build-arg; kept out of the image history).'],
  ['no_proxy', 'Hosts that bypass the proxy during RUN (from --build-arg; kept out of the image history).'],
  ['ALL_PROXY', 'Proxy for all protocols during RUN (from --build-arg; kept out of the image history).'],
  ['all_proxy', 'Proxy for all protocols during RUN (from --build-arg; kept out of the image history).'],
]);
