// Image references as FROM writes them (`[registry/]path[:tag][@digest]`): validation with the
// grammar of the distribution reference library (what BuildKit's ParseNormalizedNamed accepts) and
// the split into registry, repository, tag and digest that hover, links and completion use.

export interface ImageReference {
  /** Registry host (`ghcr.io`, `localhost:5000`); `docker.io` when implicit. */
  readonly registry: string;
  /** Repository path in the registry (`library/node`, `org/app`). */
  readonly repository: string;
  /** The name as written, without tag and digest. */
  readonly name: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referencePattern = new RegExp(
  `^((?:${domain}/)?${component}(?:/${component})*)(?::(${tag}))?(?:@(${digest}))?$`,
);

/** Parses a reference, or returns undefined when BuildKit would call it an invalid reference format. */
export function parseImageReference(text: string): ImageReference | undefined {
  const match = referencePattern.exec(text);
  if (!match || match[1].length > 255) return undefined;
  const name = match[1];
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  // Docker Hub names must be lowercase; an explicit registry host may not be.
  const path = hasRegistry ? name.slice(slash + 1) : name;
  if (path !== path.toLowerCase()) return undefined;
  const registry = hasRegistry ? first : 'docker.io';
  const repository = hasRegistry ? path : path.includes('/') ? path : `library/${path}`;
  return { registry, repository, name, tag: match[2], digest: match[3] };
}

/** The web page of an image in its registry, for the registries that have public pages. */
export function imagePageUrl(reference: ImageReference): string | undefined {
  const { registry, repository } = reference;
  switch (registry) {
    case 'docker.io':
      return repository.startsWith('library/')
        ? `https://hub.docker.com/_/${repository.slice('library/'.length)}`
        : `https://hub.docker.com/r/${repository}`;
    case 'ghcr.io':
      return `https://ghcr.io/${repository}`;
    case 'mcr.microsoft.com':
      return `https://mcr.microsoft.com/artifact/mar/${repository}`;
    case 'quay.io':
      return `https://quay.io/repository/${repository}`;
    case 'public.ecr.aws':
      return `https://gallery.ecr.aws/${repository}`;
    default:
      return undefined;
  }
}

/** Splits `name[:tag][@digest]` into name and tag (a port in the registry host is not a tag). */
export function splitReference(reference: string): [string, string | undefined] {
  const withoutDigest = reference.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return [withoutDigest.slice(0, colon), withoutDigest.slice(colon + 1)];
  return [withoutDigest, undefined];
}
