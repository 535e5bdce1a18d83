// What a build is asked to do: the CLI's flags and the /build endpoint's query, in one shape.
import type { Platform } from '../oci/image-spec';

export type NetworkMode = 'default' | 'none' | 'host';

/** A `--secret`: its id and where its value comes from (never stored in the image or cache). */
export interface SecretSource {
  id: string;
  /** A host file holding the value. */
  file?: string;
  /** A host environment variable holding the value. */
  env?: string;
}

export interface BuildRequest {
  /** The build context directory (absolute). */
  contextDir: string;
  /** The Dockerfile's path (absolute, or relative to the context); default `<context>/Dockerfile`. */
  dockerfile?: string;
  /**
   * The context directory is thrown away after the build (a context tar unpacked for it): its
   * file digests are not remembered for the next build.
   */
  temporaryContext?: boolean;
  /** The Dockerfile's text, when it does not come from a file (stdin, the /build endpoint). */
  dockerfileText?: string;
  /** Names to tag the result with (`-t`). */
  tags?: string[];
  buildArgs?: Record<string, string>;
  /** The stage to build; the last one by default. */
  target?: string;
  noCache?: boolean;
  /** Always look for a newer base image in its registry. */
  pull?: boolean;
  /** Labels added to the final image (`--label`). */
  labels?: Record<string, string>;
  /** The network RUN steps use unless a step says otherwise. */
  network?: NetworkMode;
  secrets?: SecretSource[];
  /** The platform to build for; the host's by default. */
  platform?: Platform;
}

/** Parses a `--secret` value: `id=name[,src=path|,env=VAR]`, Docker's `type=file|env` accepted. */
export function parseSecretFlag(value: string): SecretSource {
  const fields = new Map<string, string>();
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0)
      throw new Error(`invalid --secret ${JSON.stringify(value)}: "${part}" is not a key=value pair`);
    fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const id = fields.get('id');
  if (!id) throw new Error(`invalid --secret ${JSON.stringify(value)}: give the secret an id (id=NAME)`);
  const type = fields.get('type') ?? (fields.has('env') ? 'env' : 'file');
  const src = fields.get('src') ?? fields.get('source');
  for (const key of fields.keys()) {
    if (!['id', 'type', 'src', 'source', 'env'].includes(key)) {
      throw new Error(`invalid --secret ${JSON.stringify(value)}: unknown key "${key}" (use id, src or env)`);
    }
  }
  if (type === 'env') return { id, env: fields.get('env') ?? src ?? id };
  if (type !== 'file') throw new Error(`invalid --secret ${JSON.stringify(value)}: type must be file or env`);
  if (src) return { id, file: src };
  // Docker reads an environment variable named after the id when no source is given and it exists.
  return process.env[id] !== undefined ? { id, env: id } : { id, file: id };
}
