/**
 * Berth's one Dockerfile parser, shared by the language server and the image builder so the two
 * never disagree about a Dockerfile. docs/dockerfile-parser.md is the guide.
 *
 * `parseDockerfile(text)` returns a read-only {@link Dockerfile} (`parseDockerfile(text, previous)`
 * builds on the parse of the version before an edit: docs/dockerfile-parser.md):
 *
 * - `directives` (`# syntax=`, `# escape=`, `# check=`), `comments`;
 * - `instructions`, each with its `keyword`, `flags` (name and value spans), `args` exactly as
 *   BuildKit's parser splits them, `argsText`, `form` (`json`/`shell`), `heredocs` (marker, body and
 *   terminator spans), `variables` (every `$V`/`${V…}` with the span of its name), the `comments`
 *   above it, for ONBUILD its `trigger` instruction, and `command`: the typed instruction as
 *   BuildKit's `instructions` package builds it (`CommandOf<'RUN'>` has the mounts, network…);
 * - `stages` (FROM … up to the next FROM, with name, base image and `--platform`), `globalArgs`;
 * - `errors`: everything BuildKit would refuse, in BuildKit's words, each with a span and a stable
 *   `code`; `phase` says whether BuildKit's parser or its instruction parser refuses it. The parser
 *   never throws.
 *
 * Every span has an LSP `range` (zero-based lines, UTF-16 characters; `\n`, `\r\n` and `\r` break
 * lines), computed on first access, and `startOffset`/`endOffset` into the text. Spans of things
 * that continue over several lines cover the whole source extent, continuation characters and inner
 * comments included.
 *
 * Also here: `instructionInfo`/`flagsOf` (what each instruction accepts, for completion and
 * diagnostics); `analyzeVariables` (which ARG/ENV each reference sees, BuildKit's scoping) and
 * `platformArgs`/`evaluateGlobalArgs` (the values a build starts with); `processShellWord`
 * (BuildKit's shell-word expansion); `PatternMatcher`/`readIgnoreFile`/`findDockerignore`
 * (`.dockerignore` with Docker's semantics); `dumpDockerfile` (BuildKit's `Node.Dump()`).
 */

export type {
  Argument,
  ArgumentForm,
  ArgumentRole,
  Comment,
  Directive,
  DirectiveName,
  Dockerfile,
  DockerfileError,
  DockerfileErrorCode,
  Flag,
  Heredoc,
  Instruction,
  Position,
  Range,
  Span,
  Stage,
  Token,
  VariableOperator,
  VariableReference,
} from './model';
export { parseDockerfile } from './parser';
export { dumpDockerfile, dumpInstruction } from './dump';
export { chompHeredocContent, parseHeredocWord } from './heredocMarker';
export type { HeredocMarker } from './heredocMarker';
export { processShellWord, variablesFrom } from './shell';
export type { ShellLexOptions, ShellWordResult, VariableSource } from './shell';
export { goQuote } from './text';
export { exposedPortKeys, exposePortError, splitPortSpec } from './ports';
export type { PortSpec } from './ports';
export { emptyCheckConfig, parseCheckOptions } from './check-options';
export { stopSignalError } from './signals';
export type { CheckConfig, ParsedCheckConfig } from './check-options';

// Typed instructions (BuildKit's `instructions` package) and what each instruction accepts.
export type * from './instructions/commands';
export { parseCommand } from './instructions/parse';
export type { CommandError, CommandResult } from './instructions/parse';
export {
  flagsOf,
  instructionInfo,
  mountKeys,
  mountSharingModes,
  mountTypes,
  predefinedArgs,
} from './instructions/metadata';
export type { FlagInfo, FlagKind, InstructionInfo } from './instructions/metadata';
export { parseDevice, parseMount } from './instructions/runFlags';
export { suggest } from './instructions/suggest';

// The variable model: what each reference sees, and the values of the global ARGs.
export { analyzeVariables, parentStage } from './scope';
export type { ResolvedReference, VariableAnalysis, VariableDefinition, VariableKind } from './scope';
export { evaluateGlobalArgs, formatPlatform, hostPlatform, platformArgs } from './buildArgs';
export type { BuildArgOptions, GlobalArgs, Platform } from './buildArgs';

// .dockerignore with Docker's semantics.
export {
  cleanPath,
  dockerignoreCandidates,
  findDockerignore,
  PatternMatcher,
  readIgnoreFile,
} from './dockerignore';
export type { IgnoreLine } from './dockerignore';

// Expansion of a typed instruction as BuildKit's dispatcher does it (for the builder).
export { expandInstruction } from './expand';
export type { ExpandedCommand } from './expand';
export type { MountExpander, MountResult } from './instructions/runFlags';
