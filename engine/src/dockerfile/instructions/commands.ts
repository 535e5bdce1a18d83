// Typed instructions, as BuildKit's `instructions` package defines them: what each instruction
// means once its flags and arguments are checked. Values are as written (variables unexpanded);
// the builder expands them with the variable model. Tokens keep their spans for the editor.

import type { Argument, Token } from '../model';

/** `key=value` of ENV and LABEL. */
export interface KeyValuePair {
  readonly key: string;
  readonly value: string;
  /** The legacy `ENV key value` form (BuildKit's LegacyKeyValueFormat check). */
  readonly legacy: boolean;
  readonly keyToken: Argument;
  readonly valueToken: Argument;
}

/** One `name` or `name=default` of ARG. */
export interface ArgDefinition {
  readonly key: string;
  /** The default as written; undefined for a bare `ARG name`. */
  readonly value: string | undefined;
  /** The whole word. */
  readonly token: Argument;
  /** The comment above the ARG that starts with the name (`# NAME does …`), BuildKit's doc comment. */
  readonly docComment: string;
}

/** A heredoc used as a file by COPY/ADD. */
export interface SourceContent {
  /** The heredoc name (the file name in the destination). */
  readonly path: string;
  /** The body, chomped for `<<-`. */
  readonly data: string;
  /** Whether variables in the body are expanded. */
  readonly expand: boolean;
}

/** A heredoc body handed to RUN/CMD/ENTRYPOINT. */
export interface ShellInlineFile {
  readonly name: string;
  readonly data: string;
  readonly chomp: boolean;
}

/** The command line of RUN/CMD/ENTRYPOINT. */
export interface ShellDependentCommandLine {
  /** Exec form: the JSON elements; shell form: one string, the command line. */
  readonly cmdLine: readonly string[];
  readonly files: readonly ShellInlineFile[];
  /** True for the shell form (run through SHELL). */
  readonly prependShell: boolean;
}

export type MountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
export type MountSharing = 'shared' | 'private' | 'locked';

/** A `RUN --mount=…`. Fields are as written (variables unexpanded). */
export interface Mount {
  readonly type: MountType;
  readonly from: string;
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** tmpfs size in bytes (0: unset). */
  readonly sizeLimit: number;
  readonly cacheId: string;
  readonly cacheSharing: MountSharing | '';
  readonly required: boolean;
  readonly env: string | undefined;
  readonly mode: number | undefined;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
}

/** A `RUN --device=…`. */
export interface Device {
  readonly name: string;
  readonly required: boolean;
}

export type NetworkMode = 'default' | 'none' | 'host';
export type SecurityMode = 'sandbox' | 'insecure';

export interface FromCommand {
  readonly kind: 'FROM';
  /** The base image or stage, as written. */
  readonly baseName: string;
  readonly baseToken: Argument;
  /** The stage name, lower-cased; '' when unnamed. */
  readonly name: string;
  readonly nameToken: Argument | undefined;
  /** `--platform` as written; '' when absent. */
  readonly platform: string;
  readonly docComment: string;
}

export interface RunCommand extends ShellDependentCommandLine {
  readonly kind: 'RUN';
  readonly mounts: readonly Mount[];
  readonly network: NetworkMode;
  readonly security: SecurityMode;
  readonly devices: readonly Device[];
  /** Names of the flags that were given. */
  readonly flagsUsed: readonly string[];
}

export interface CmdCommand extends ShellDependentCommandLine {
  readonly kind: 'CMD';
}

export interface EntrypointCommand extends ShellDependentCommandLine {
  readonly kind: 'ENTRYPOINT';
}

interface SourcesAndDest {
  readonly sourcePaths: readonly string[];
  readonly sourceContents: readonly SourceContent[];
  readonly destPath: string;
  readonly chown: string;
  readonly chmod: string;
  readonly link: boolean;
  readonly excludePatterns: readonly string[];
}

export interface CopyCommand extends SourcesAndDest {
  readonly kind: 'COPY';
  readonly from: string;
  readonly parents: boolean;
}

export interface AddCommand extends SourcesAndDest {
  readonly kind: 'ADD';
  readonly checksum: string;
  /** undefined when `--keep-git-dir` was not given. */
  readonly keepGitDir: boolean | undefined;
  /** undefined when `--unpack` was not given. */
  readonly unpack: boolean | undefined;
}

export interface EnvCommand {
  readonly kind: 'ENV';
  readonly env: readonly KeyValuePair[];
}

export interface LabelCommand {
  readonly kind: 'LABEL';
  readonly labels: readonly KeyValuePair[];
}

export interface ArgCommand {
  readonly kind: 'ARG';
  readonly args: readonly ArgDefinition[];
}

export interface ExposeCommand {
  readonly kind: 'EXPOSE';
  /** Sorted as BuildKit sorts them. */
  readonly ports: readonly string[];
}

export interface VolumeCommand {
  readonly kind: 'VOLUME';
  readonly volumes: readonly string[];
}

export interface UserCommand {
  readonly kind: 'USER';
  readonly user: string;
}

export interface WorkdirCommand {
  readonly kind: 'WORKDIR';
  readonly path: string;
}

export interface ShellCommand {
  readonly kind: 'SHELL';
  readonly shell: readonly string[];
}

export interface HealthcheckCommand {
  readonly kind: 'HEALTHCHECK';
  /** `["NONE"]`, `["CMD", …]` (exec form) or `["CMD-SHELL", "…"]` (shell form). */
  readonly test: readonly string[];
  /** Durations in nanoseconds, 0 when not given (as the image config stores them). */
  readonly interval: number;
  readonly timeout: number;
  readonly startPeriod: number;
  readonly startInterval: number;
  readonly retries: number;
}

export interface StopSignalCommand {
  readonly kind: 'STOPSIGNAL';
  readonly signal: string;
}

export interface OnbuildCommand {
  readonly kind: 'ONBUILD';
  /** The trigger as stored in the image (`RUN echo hi`, heredoc bodies appended). */
  readonly expression: string;
}

export interface MaintainerCommand {
  readonly kind: 'MAINTAINER';
  readonly maintainer: string;
}

/** Any typed instruction; `kind` is the upper-case instruction name. */
export type Command =
  | FromCommand
  | RunCommand
  | CmdCommand
  | EntrypointCommand
  | CopyCommand
  | AddCommand
  | EnvCommand
  | LabelCommand
  | ArgCommand
  | ExposeCommand
  | VolumeCommand
  | UserCommand
  | WorkdirCommand
  | ShellCommand
  | HealthcheckCommand
  | StopSignalCommand
  | OnbuildCommand
  | MaintainerCommand;

/** Narrows a Command by kind: `CommandOf<'RUN'>` is `RunCommand`. */
export type CommandOf<K extends Command['kind']> = Extract<Command, { kind: K }>;

/** Re-exported for users of the typed layer. */
export type { Token };
