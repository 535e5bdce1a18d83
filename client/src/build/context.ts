// The build context sent to the engine's /build: the context folder as a tar stream without what
// .dockerignore excludes, packed by the engine's packer (the same one `berth build` sends).
import { packContext } from '../../../engine/src/build/context/pack';
import { dockerfileInContext, type BuildContextSource } from './buildRequest';

/** The context as an uncompressed tar stream, entries relative to the context folder. */
export function packBuildContext(source: BuildContextSource): NodeJS.ReadableStream {
  // Refuses a Dockerfile outside the context with the extension's own advice.
  dockerfileInContext(source);
  return packContext({ contextDir: source.contextDir, dockerfilePath: source.dockerfile }).tar;
}
