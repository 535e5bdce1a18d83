// What hover, completion and signature help say about each Dockerfile instruction and its flags.
// Written for Berth from the Dockerfile reference; the flag sets match what BuildKit's instruction
// parser accepts, so completion never offers a flag the builder would reject.

export type FlagValueKind =
  | 'string'
  | 'boolean'
  | 'duration'
  | 'integer'
  | 'enum'
  | 'mount'
  | 'stage'
  | 'platform'
  | 'chown'
  | 'chmod'
  | 'checksum'
  | 'path';

export interface FlagDoc {
  /** Without the leading dashes. */
  readonly name: string;
  readonly summary: string;
  readonly value: FlagValueKind;
  /** The accepted values of an `enum` flag, or suggestions for others. */
  readonly values?: readonly string[];
  /** Snippet placeholder for the value. */
  readonly placeholder: string;
  readonly repeatable?: boolean;
}

export interface InstructionDoc {
  readonly name: string;
  readonly summary: string;
  /** Syntax forms, one per line, as the reference writes them. */
  readonly forms: readonly string[];
  /** Longer explanation (Markdown). */
  readonly details: string;
  readonly url: string;
  /** Completion snippets (LSP snippet syntax), the first is the default. */
  readonly snippets: readonly { readonly label: string; readonly body: string }[];
  readonly flags: readonly FlagDoc[];
  readonly deprecated?: string;
}

const reference = 'https://docs.docker.com/reference/dockerfile/';

const chown: FlagDoc = {
  name: 'chown',
  summary:
    'Owner of the copied files: `user`, `user:group`, `uid` or `uid:gid` (names resolve in the target stage).',
  value: 'chown',
  placeholder: 'user:group',
};
const chmod: FlagDoc = {
  name: 'chmod',
  summary: 'Permissions of the copied files, octal (`755`) or symbolic (`u=rwx,go=rx`).',
  value: 'chmod',
  placeholder: '755',
};
const link: FlagDoc = {
  name: 'link',
  summary:
    'Copy into an independent layer, so the layer is reused even when earlier layers change (faster rebuilds, better cache hits).',
  value: 'boolean',
  values: ['true', 'false'],
  placeholder: 'true',
};
const exclude: FlagDoc = {
  name: 'exclude',
  summary: 'Leave out paths that match this pattern (`.dockerignore` syntax). Repeatable.',
  value: 'path',
  placeholder: 'pattern',
  repeatable: true,
};

export const mountTypes = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'] as const;

/** Keys of `RUN --mount=…`, per mount type; BuildKit accepts each key only for the types listed. */
export const mountKeys: readonly {
  key: string;
  aliases?: string[];
  types: readonly string[];
  summary: string;
  values?: string[];
}[] = [
  {
    key: 'type',
    types: mountTypes,
    summary: 'Mount type: `bind` (default), `cache`, `tmpfs`, `secret` or `ssh`.',
    values: [...mountTypes],
  },
  {
    key: 'target',
    aliases: ['dst', 'destination'],
    types: mountTypes,
    summary: 'Where the mount appears inside the build container.',
  },
  {
    key: 'source',
    aliases: ['src'],
    types: ['bind', 'cache'],
    summary: 'Path in `from` to mount (defaults to its root).',
  },
  {
    key: 'from',
    types: ['bind', 'cache'],
    summary:
      'Stage, image or named context to mount from (defaults to the build context for `bind`, an empty directory for `cache`).',
  },
  {
    key: 'readonly',
    aliases: ['ro'],
    types: ['bind', 'cache'],
    summary: 'Mount read-only.',
    values: ['true', 'false'],
  },
  {
    key: 'readwrite',
    aliases: ['rw'],
    types: ['bind'],
    summary: 'Allow writes to a bind mount (the writes are discarded after the step).',
    values: ['true', 'false'],
  },
  {
    key: 'id',
    types: ['cache', 'secret', 'ssh'],
    summary: 'Identifier: cache id (defaults to the target), secret id or SSH agent id (`default`).',
  },
  {
    key: 'sharing',
    types: ['cache'],
    summary: 'How concurrent builds share the cache: `shared` (default), `private` or `locked`.',
    values: ['shared', 'private', 'locked'],
  },
  {
    key: 'mode',
    types: ['cache', 'secret', 'ssh'],
    summary: 'File mode of the mount, octal (cache `0755`, secret and ssh `0400`).',
  },
  { key: 'uid', types: ['cache', 'secret', 'ssh'], summary: 'User id owning the mount (default 0).' },
  { key: 'gid', types: ['cache', 'secret', 'ssh'], summary: 'Group id owning the mount (default 0).' },
  { key: 'size', types: ['tmpfs'], summary: 'Size limit of the tmpfs, in bytes.' },
  {
    key: 'required',
    types: ['secret', 'ssh'],
    summary: 'Fail the build when the secret or SSH agent is not provided.',
    values: ['true', 'false'],
  },
  {
    key: 'env',
    types: ['secret'],
    summary: 'Expose the secret as this environment variable instead of (or as well as) a file.',
  },
];

export const instructionDocs: readonly InstructionDoc[] = [
  {
    name: 'FROM',
    summary: 'Starts a build stage from a base image (or `scratch`), optionally naming the stage.',
    forms: ['FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]'],
    details:
      'Every stage begins with `FROM`. Name a stage with `AS name` to copy from it (`COPY --from=name`) or to build it alone (`--target name`). ARGs declared before the first `FROM` can be used in `FROM` lines only.',
    url: `${reference}#from`,
    snippets: [
      { label: 'FROM image', body: 'FROM ${1:image}:${2:tag}' },
      { label: 'FROM image AS stage', body: 'FROM ${1:image}:${2:tag} AS ${3:stage}' },
    ],
    flags: [
      {
        name: 'platform',
        summary:
          'Platform of the base image, such as `linux/amd64`; usually `$BUILDPLATFORM` for cross-compiling stages. Defaults to the target platform.',
        value: 'platform',
        values: [
          '$BUILDPLATFORM',
          '$TARGETPLATFORM',
          'linux/amd64',
          'linux/arm64',
          'linux/arm/v7',
          'linux/386',
          'linux/ppc64le',
          'linux/s390x',
          'linux/riscv64',
        ],
        placeholder: '\\$BUILDPLATFORM',
      },
    ],
  },
  {
    name: 'RUN',
    summary: 'Runs a command in a new layer on top of the current image.',
    forms: [
      'RUN [--mount=…] [--network=…] [--security=…] <command>',
      'RUN [--mount=…] ["executable", "param1", …]',
      'RUN <<EOF … EOF',
    ],
    details:
      'The shell form runs through the `SHELL` (default `/bin/sh -c`); the JSON (exec) form runs the program directly. Heredocs (`RUN <<EOF`) pass a multi-line script.',
    url: `${reference}#run`,
    snippets: [
      { label: 'RUN command', body: 'RUN ${1:command}' },
      { label: 'RUN heredoc', body: 'RUN <<EOF\n${1:set -e}\nEOF' },
      { label: 'RUN with cache mount', body: 'RUN --mount=type=cache,target=${1:/root/.cache} ${2:command}' },
    ],
    flags: [
      {
        name: 'mount',
        summary:
          'Mounts a filesystem for this step only: `type=bind` (context or another stage), `cache` (persistent package caches), `tmpfs`, `secret` (files or env from `--secret`), `ssh` (agent socket). Repeatable.',
        value: 'mount',
        placeholder: 'type=cache,target=/root/.cache',
        repeatable: true,
      },
      {
        name: 'network',
        summary:
          'Network for this step: `default`, `none` (no network) or `host` (needs the `network.host` entitlement).',
        value: 'enum',
        values: ['default', 'none', 'host'],
        placeholder: 'none',
      },
      {
        name: 'security',
        summary:
          '`insecure` runs the step with all capabilities (needs the `security.insecure` entitlement); `sandbox` is the default.',
        value: 'enum',
        values: ['sandbox', 'insecure'],
        placeholder: 'sandbox',
      },
      {
        name: 'device',
        summary: 'Exposes a CDI device to this step (`name[,required]`). Repeatable.',
        value: 'string',
        placeholder: 'vendor.com/class=name',
        repeatable: true,
      },
    ],
  },
  {
    name: 'CMD',
    summary: 'Default command (or default arguments to `ENTRYPOINT`) when a container starts.',
    forms: [
      'CMD ["executable", "param1", …]',
      'CMD ["param1", …]  (arguments to ENTRYPOINT)',
      'CMD command param1 …',
    ],
    details:
      'Only the last `CMD` of a stage takes effect. Prefer the JSON form: the shell form runs under `/bin/sh -c`, which does not forward signals such as SIGTERM to your process.',
    url: `${reference}#cmd`,
    snippets: [{ label: 'CMD ["executable"]', body: 'CMD ["${1:executable}"${2}]' }],
    flags: [],
  },
  {
    name: 'LABEL',
    summary: 'Adds metadata to the image as key/value pairs.',
    forms: ['LABEL <key>=<value> [<key>=<value> …]'],
    details:
      'Use the `org.opencontainers.image.*` keys (title, description, source, licenses, authors, version, revision, created…) so registries and tools understand them.',
    url: `${reference}#label`,
    snippets: [{ label: 'LABEL key=value', body: 'LABEL ${1:org.opencontainers.image.source}="${2:value}"' }],
    flags: [],
  },
  {
    name: 'MAINTAINER',
    summary: 'Deprecated: sets the author field. Use `LABEL org.opencontainers.image.authors=…` instead.',
    forms: ['MAINTAINER <name>'],
    details: 'Deprecated since Docker 1.13.',
    url: `${reference}#maintainer-deprecated`,
    snippets: [],
    flags: [],
    deprecated: 'Use LABEL org.opencontainers.image.authors instead.',
  },
  {
    name: 'EXPOSE',
    summary: 'Documents the ports the container listens on (it does not publish them).',
    forms: ['EXPOSE <port>[/<protocol>] …'],
    details: 'Protocol is `tcp` (default) or `udp`. Publishing happens at run time with `-p`.',
    url: `${reference}#expose`,
    snippets: [{ label: 'EXPOSE port', body: 'EXPOSE ${1:8080}' }],
    flags: [],
  },
  {
    name: 'ENV',
    summary:
      'Sets environment variables, kept in the image and visible to later instructions and containers.',
    forms: ['ENV <key>=<value> [<key>=<value> …]'],
    details:
      'Values persist in the final image; use `ARG` for build-only values and `RUN --mount=type=secret` for secrets. The legacy `ENV key value` form is deprecated.',
    url: `${reference}#env`,
    snippets: [{ label: 'ENV key=value', body: 'ENV ${1:KEY}=${2:value}' }],
    flags: [],
  },
  {
    name: 'ADD',
    summary: 'Copies files, URLs or Git repositories into the image; extracts local tar archives.',
    forms: [
      'ADD [--chown=…] [--chmod=…] [--checksum=…] [--link] <src> … <dest>',
      'ADD ["<src>", … "<dest>"]',
    ],
    details:
      'Prefer `COPY` for plain files: `ADD` also fetches URLs, clones Git repositories and unpacks archives.',
    url: `${reference}#add`,
    snippets: [{ label: 'ADD src dest', body: 'ADD ${1:src} ${2:dest}' }],
    flags: [
      chown,
      chmod,
      {
        name: 'checksum',
        summary: 'Verifies a remote source: `sha256:<hex>` for URLs, a commit hash for Git sources.',
        value: 'checksum',
        placeholder: 'sha256:',
      },
      {
        name: 'keep-git-dir',
        summary: 'Keep the `.git` directory when adding a Git repository.',
        value: 'boolean',
        values: ['true', 'false'],
        placeholder: 'true',
      },
      link,
      exclude,
      {
        name: 'unpack',
        summary: 'Whether to extract archives: defaults to true for local archives and false for URLs.',
        value: 'boolean',
        values: ['true', 'false'],
        placeholder: 'true',
      },
    ],
  },
  {
    name: 'COPY',
    summary: 'Copies files from the build context, another stage or an image into the image.',
    forms: [
      'COPY [--from=…] [--chown=…] [--chmod=…] [--link] [--parents] [--exclude=…] <src> … <dest>',
      'COPY ["<src>", … "<dest>"]',
      'COPY <<EOF <dest> … EOF',
    ],
    details:
      'Sources are relative to the build context (filtered by `.dockerignore`) or to the root of `--from`. With several sources the destination must be a directory ending in `/`.',
    url: `${reference}#copy`,
    snippets: [
      { label: 'COPY src dest', body: 'COPY ${1:src} ${2:dest}' },
      { label: 'COPY --from=stage', body: 'COPY --from=${1:stage} ${2:src} ${3:dest}' },
    ],
    flags: [
      {
        name: 'from',
        summary:
          'Copy from a build stage (name or index), an image, or a named build context instead of the build context.',
        value: 'stage',
        placeholder: 'stage',
      },
      chown,
      chmod,
      link,
      {
        name: 'parents',
        summary:
          "Keep the source paths' parent directories under the destination (`./a/b.txt` lands at `dest/a/b.txt`).",
        value: 'boolean',
        values: ['true', 'false'],
        placeholder: 'true',
      },
      exclude,
    ],
  },
  {
    name: 'ENTRYPOINT',
    summary: 'The executable a container runs; `CMD` supplies its default arguments.',
    forms: ['ENTRYPOINT ["executable", "param1", …]', 'ENTRYPOINT command param1 …'],
    details:
      'Only the last `ENTRYPOINT` takes effect. The shell form runs under `/bin/sh -c`, so the process is not PID 1, ignores `CMD` and does not receive signals: prefer the JSON form.',
    url: `${reference}#entrypoint`,
    snippets: [{ label: 'ENTRYPOINT ["executable"]', body: 'ENTRYPOINT ["${1:executable}"${2}]' }],
    flags: [],
  },
  {
    name: 'VOLUME',
    summary: "Declares mount points whose content lives outside the container's writable layer.",
    forms: ['VOLUME ["/data"]', 'VOLUME /data …'],
    details: 'Changes made to a volume path by later build steps are discarded.',
    url: `${reference}#volume`,
    snippets: [{ label: 'VOLUME path', body: 'VOLUME ${1:/data}' }],
    flags: [],
  },
  {
    name: 'USER',
    summary: 'Sets the user (and optionally group) for later `RUN`, `CMD` and `ENTRYPOINT`.',
    forms: ['USER <user>[:<group>]', 'USER <uid>[:<gid>]'],
    details: 'Run the final image as a non-root user where you can.',
    url: `${reference}#user`,
    snippets: [{ label: 'USER name', body: 'USER ${1:user}' }],
    flags: [],
  },
  {
    name: 'WORKDIR',
    summary: 'Sets the working directory for later instructions, creating it if needed.',
    forms: ['WORKDIR /path/to/workdir'],
    details:
      'A relative path is resolved against the previous `WORKDIR`, which the base image may change: use absolute paths.',
    url: `${reference}#workdir`,
    snippets: [{ label: 'WORKDIR path', body: 'WORKDIR ${1:/app}' }],
    flags: [],
  },
  {
    name: 'ARG',
    summary: 'Declares a build argument, set with `--build-arg name=value`.',
    forms: ['ARG <name>[=<default value>] [<name>[=<default value>] …]'],
    details:
      'An `ARG` before the first `FROM` is global and usable in `FROM` lines; redeclare it (without a value) inside a stage to use it there. ARG values appear in the image history: never pass secrets this way.',
    url: `${reference}#arg`,
    snippets: [
      { label: 'ARG name', body: 'ARG ${1:name}' },
      { label: 'ARG name=default', body: 'ARG ${1:name}=${2:default}' },
    ],
    flags: [],
  },
  {
    name: 'ONBUILD',
    summary: 'Registers an instruction to run when another build uses this image as its base.',
    forms: ['ONBUILD <INSTRUCTION>'],
    details: '`ONBUILD`, `FROM` and `MAINTAINER` cannot be triggers.',
    url: `${reference}#onbuild`,
    snippets: [{ label: 'ONBUILD instruction', body: 'ONBUILD ${1:RUN} ${2}' }],
    flags: [],
  },
  {
    name: 'STOPSIGNAL',
    summary: 'The signal sent to stop the container (default `SIGTERM`).',
    forms: ['STOPSIGNAL <signal>'],
    details: 'A name such as `SIGINT` or a number such as `9`.',
    url: `${reference}#stopsignal`,
    snippets: [{ label: 'STOPSIGNAL signal', body: 'STOPSIGNAL ${1:SIGTERM}' }],
    flags: [],
  },
  {
    name: 'HEALTHCHECK',
    summary: 'How the engine checks that the container still works (`NONE` disables an inherited check).',
    forms: [
      'HEALTHCHECK [--interval=…] [--timeout=…] [--start-period=…] [--start-interval=…] [--retries=…] CMD <command>',
      'HEALTHCHECK NONE',
    ],
    details: 'Exit status 0 means healthy, 1 unhealthy. Durations are Go durations such as `30s`, `1m30s`.',
    url: `${reference}#healthcheck`,
    snippets: [
      {
        label: 'HEALTHCHECK CMD',
        body: 'HEALTHCHECK --interval=${1:30s} --timeout=${2:3s} CMD ${3:command}',
      },
      { label: 'HEALTHCHECK NONE', body: 'HEALTHCHECK NONE' },
    ],
    flags: [
      {
        name: 'interval',
        summary: 'Time between checks (default `30s`).',
        value: 'duration',
        placeholder: '30s',
      },
      {
        name: 'timeout',
        summary: 'Time after which a check counts as failed (default `30s`).',
        value: 'duration',
        placeholder: '30s',
      },
      {
        name: 'start-period',
        summary: 'Grace period after start during which failures do not count (default `0s`).',
        value: 'duration',
        placeholder: '0s',
      },
      {
        name: 'start-interval',
        summary: 'Time between checks during the start period (default `5s`).',
        value: 'duration',
        placeholder: '5s',
      },
      {
        name: 'retries',
        summary: 'Consecutive failures before the container is unhealthy (default `3`).',
        value: 'integer',
        placeholder: '3',
      },
    ],
  },
  {
    name: 'SHELL',
    summary: 'Replaces the shell used by the shell form of `RUN`, `CMD` and `ENTRYPOINT`.',
    forms: ['SHELL ["executable", "parameters"]'],
    details:
      'Must be in JSON form. Common choices: `["/bin/bash", "-o", "pipefail", "-c"]`, or PowerShell on Windows.',
    url: `${reference}#shell`,
    snippets: [
      {
        label: 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
        body: 'SHELL ["${1:/bin/bash}", "-o", "pipefail", "-c"]',
      },
    ],
    flags: [],
  },
];

const byName = new Map(instructionDocs.map((doc) => [doc.name, doc]));

/** The documentation of an instruction, by keyword in any case. */
export function instructionDoc(keyword: string): InstructionDoc | undefined {
  return byName.get(keyword.toUpperCase());
}

export function flagDoc(keyword: string, flag: string): FlagDoc | undefined {
  return instructionDoc(keyword)?.flags.find((f) => f.name === flag);
}

/** Instructions that may not follow ONBUILD. */
export const onbuildForbidden: ReadonlySet<string> = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);
