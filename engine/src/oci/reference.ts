// Image references, normalised exactly as Docker does (distribution/reference's ParseNormalizedNamed):
// `busybox` → `docker.io/library/busybox:latest`, `localhost:5000/a/b:t`, `name@sha256:…`, `[::1]:5000/x`.
import { type Digest, isDigest } from './digest';

export const defaultDomain = 'docker.io';
const legacyDefaultDomain = 'index.docker.io';
const officialRepoPrefix = 'library/';
export const defaultTag = 'latest';
const maxNameLength = 255;

const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainPattern = new RegExp(`^(?:${domainName}|${ipv6})(?::[0-9]+)?$`);
const pathPattern = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
const tagPattern = /^[\w][\w.-]{0,127}$/;
const anyDigestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

export class ReferenceError extends Error {
  override name = 'InvalidReference';
  constructor(
    readonly input: string,
    problem: string,
  ) {
    super(`invalid reference format ${JSON.stringify(input)}: ${problem}`);
  }
}

/** A fully qualified image reference. */
export interface ImageReference {
  /** Registry host, with port when given: `docker.io`, `localhost:5000`, `[::1]:5000`. */
  domain: string;
  /** Repository path inside the registry: `library/busybox`. */
  path: string;
  tag?: string;
  digest?: Digest;
}

/**
 * Parses and normalises a reference as `docker pull` does. A reference with neither tag nor digest
 * gets `latest` unless `defaultToLatest` is false.
 */
export function parseReference(input: string, options: { defaultToLatest?: boolean } = {}): ImageReference {
  const text = input.trim();
  if (text === '') throw new ReferenceError(input, 'the reference is empty');
  if (/^[a-f0-9]{64}$/.test(text)) {
    throw new ReferenceError(
      input,
      'a 64-character hexadecimal string is an image ID, not a repository name',
    );
  }
  let rest = text;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const digestText = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!anyDigestPattern.test(digestText)) {
      throw new ReferenceError(input, `"${digestText}" is not a digest (expected sha256:<64 hex digits>)`);
    }
    if (!isDigest(digestText)) {
      throw new ReferenceError(
        input,
        `unsupported digest "${digestText}" (expected sha256:<64 lowercase hex digits>)`,
      );
    }
    digest = digestText;
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!tagPattern.test(tag)) {
      throw new ReferenceError(
        input,
        `invalid tag "${tag}" (tags are up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-')`,
      );
    }
  }
  const { domain, path } = splitDomain(rest, input);
  if (path.toLowerCase() === path && !pathPattern.test(path)) {
    throw new ReferenceError(
      input,
      'repository names are lowercase letters, digits and separators (., _, __, -), in /-separated parts',
    );
  }
  if (path.toLowerCase() !== path) {
    throw new ReferenceError(input, `repository name (${path}) must be lowercase`);
  }
  if (domain.length + 1 + path.length > maxNameLength) {
    throw new ReferenceError(input, `repository name is longer than ${maxNameLength} characters`);
  }
  if (tag === undefined && digest === undefined && options.defaultToLatest !== false) tag = defaultTag;
  return { domain, path, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

function splitDomain(name: string, input: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  let domain: string;
  let path: string;
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = defaultDomain;
    path = name;
  } else {
    domain = first;
    path = name.slice(slash + 1);
    if (!domainPattern.test(domain)) {
      throw new ReferenceError(input, `"${domain}" is not a valid registry host[:port]`);
    }
  }
  if (path === '') throw new ReferenceError(input, 'the repository name is empty');
  if (domain === legacyDefaultDomain) domain = defaultDomain;
  if (domain === defaultDomain && !path.includes('/')) path = officialRepoPrefix + path;
  return { domain, path };
}

/** `docker.io/library/busybox` — the repository without tag or digest. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full normalised string: `docker.io/library/busybox:latest`, `host/x@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  let out = repositoryName(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** The short form Docker shows: `busybox:latest`, `foo/bar:1`, `localhost:5000/x:y`. */
export function familiarName(ref: ImageReference): string {
  return (
    familiarRepository(ref) +
    (ref.tag !== undefined ? `:${ref.tag}` : '') +
    (ref.digest ? `@${ref.digest}` : '')
  );
}

export function familiarRepository(ref: ImageReference): string {
  if (ref.domain !== defaultDomain) return repositoryName(ref);
  return ref.path.startsWith(officialRepoPrefix) ? ref.path.slice(officialRepoPrefix.length) : ref.path;
}

/** The registry's API host: Docker Hub's names live on registry-1.docker.io. */
export function registryHost(domain: string): string {
  return domain === defaultDomain ? 'registry-1.docker.io' : domain;
}

/** True for hosts Docker treats as insecure (plain http) without configuration. */
export function isLocalRegistry(domain: string): boolean {
  const host = domain.startsWith('[') ? domain.slice(0, domain.indexOf(']') + 1) : domain.split(':')[0];
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
