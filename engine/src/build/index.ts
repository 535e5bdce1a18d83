// The image builder's public API, for the CLI (`berth build`), the daemon (POST /build) and the
// extension:
//
//   const result = await buildImage(
//     { contextDir, tags: ['app:dev'], buildArgs: { V: '1' } },
//     { store, executor, pull, onEvent: new PlainRenderer(write).event },
//   );
//
// Progress comes as BuildEvents; renderers turn them into BuildKit's tty view, plain lines, or
// the classic /build JSON stream (classicStream + classicError). Failures are BuildErrors with
// the Dockerfile location, the failed step and its last output lines (formatBuildError).
export { buildImage, type BuildDependencies, type BuildResult } from './builder';
export { BuildCache } from './cache';
export { buildFromContextTar, type ContextTarRequest } from './context-tar';
export { RuntimeExecutor } from './runtime-executor';
export { BuildError, formatBuildError, type DockerfileLocation } from './errors';
export type { StepExecutor, StepExit, StepMount, StepProcess } from './executor';
export { parseSecretFlag, type BuildRequest, type NetworkMode, type SecretSource } from './options';
export { type BuildEvent, type ProgressSink } from './progress/events';
export { PlainRenderer } from './progress/plain';
export { TtyRenderer } from './progress/tty';
export { classicError, classicStream, type ClassicMessage } from './progress/classic-stream';
