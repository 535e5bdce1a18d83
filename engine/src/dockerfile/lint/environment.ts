// What the language service knows beyond the document itself: the user's settings, the local
// images the client's engine reported, and a read-only view of the build context on disk. The
// server builds one of these and replaces it whenever any part changes, so results cached against
// it stay valid exactly as long as it does. Nothing here ever touches the network.
import { defaultSettings, type Settings } from './settings';
import { shortImageName } from './data/images';

/** An image the client's engine has locally, as the engine's image list reports it. */
export interface LocalImage {
  /** Repository as written in FROM (`node`, `ghcr.io/org/app`), without tag or digest. */
  readonly name: string;
  /** Tags present locally for this repository. */
  readonly tags: readonly string[];
  /** Image ID (`sha256:…`), if known. */
  readonly id?: string;
  /** Size in bytes, if known. */
  readonly size?: number;
  /** Creation time, RFC 3339, if known. */
  readonly created?: string;
  /** `os/arch[/variant]` of the image, if known. */
  readonly platform?: string;
  /** Names of the environment variables the image's config sets (`PATH`, `JAVA_HOME`…), if known. */
  readonly env?: readonly string[];
}

/** Read-only access to files next to a Dockerfile (the build context). Must not block for long. */
export interface BuildContextFiles {
  /** Entries of a directory (names; directories end with '/'), or undefined when it cannot be read. */
  list(directoryUri: string): readonly string[] | undefined;
  /** A small text file (such as `.dockerignore`), or undefined when absent. */
  read(fileUri: string): string | undefined;
}

/** The build context directory URI of a Dockerfile URI (with a trailing slash), for file URIs. */
export function contextDirectory(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  return uri.slice(0, uri.lastIndexOf('/') + 1);
}

export class ImageCatalog {
  private readonly byName = new Map<string, LocalImage>();

  constructor(
    readonly images: readonly LocalImage[] = [],
    /** The engine's default platform (`linux/amd64`), when an engine reported one. */
    readonly platform?: string,
  ) {
    for (const image of images) this.byName.set(shortImageName(image.name), image);
  }

  find(name: string): LocalImage | undefined {
    return this.byName.get(shortImageName(name));
  }
}

export interface ServiceEnvironment {
  readonly settings: Settings;
  readonly images: ImageCatalog;
  readonly files?: BuildContextFiles;
}

export const defaultEnvironment: ServiceEnvironment = {
  settings: defaultSettings,
  images: new ImageCatalog(),
};
