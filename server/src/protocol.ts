// Custom messages between the Berth client and the language server, declared once and imported by
// both sides. The server works fully without any of them; they only enrich completion and hover.
import { NotificationType } from 'vscode-jsonrpc';

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

export interface LocalImagesParams {
  /** The complete current list: each notification replaces the previous one. */
  readonly images: readonly LocalImage[];
  /** The engine's default build platform (`linux/amd64`), if known. */
  readonly platform?: string;
}

/** Client → server: the engine's local images changed (sent on start and on every image event). */
export const LocalImagesNotification = {
  method: 'berth/localImages',
  type: new NotificationType<LocalImagesParams>('berth/localImages'),
} as const;

/** The settings section the server reads with `workspace/configuration`. */
export const settingsSection = 'berth.dockerfile';
