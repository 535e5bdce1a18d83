// Parser directives (`# name=value` lines at the very top of a Dockerfile) and BuildKit's
// predefined build arguments: what completion and hover say about them.

export interface DirectiveDoc {
  readonly name: string;
  readonly summary: string;
  readonly url: string;
  readonly values: readonly string[];
}

const reference = 'https://docs.docker.com/reference/dockerfile/';

export const directiveDocs: readonly DirectiveDoc[] = [
  {
    name: 'syntax',
    summary:
      'The Dockerfile frontend image BuildKit uses to build this file, e.g. `docker/dockerfile:1` for the latest stable syntax.',
    url: `${reference}#syntax`,
    values: [
      'docker/dockerfile:1',
      'docker/dockerfile:1-labs',
      'docker/dockerfile:1.7',
      'docker/dockerfile:1.4',
    ],
  },
  {
    name: 'escape',
    summary:
      'The escape character for line continuations and escapes: `\\` (default) or `` ` `` (handy on Windows, where `\\` separates paths).',
    url: `${reference}#escape`,
    values: ['\\', '`'],
  },
  {
    name: 'check',
    summary:
      'Configures build checks: `skip=<Rule>,<Rule>` or `skip=all` turns checks off, `error=true` makes any hit fail the build, `experimental=<Rule>|all` enables experimental checks. Separate settings with `;`.',
    url: `${reference}#check`,
    values: ['skip=', 'error=true', 'experimental=all'],
  },
];

export function directiveDoc(name: string): DirectiveDoc | undefined {
  return directiveDocs.find((d) => d.name === name.toLowerCase());
}

/** Build arguments BuildKit defines without an ARG: platform ARGs (declare them to use them) and proxy ARGs. */
export const predefinedArgs: readonly { readonly name: string; readonly summary: string }[] = [
  { name: 'TARGETPLATFORM', summary: 'Platform of the build result, e.g. `linux/arm64/v8`.' },
  { name: 'TARGETOS', summary: 'OS component of `TARGETPLATFORM`, e.g. `linux`.' },
  { name: 'TARGETARCH', summary: 'Architecture component of `TARGETPLATFORM`, e.g. `arm64`.' },
  { name: 'TARGETVARIANT', summary: 'Variant component of `TARGETPLATFORM`, e.g. `v8`.' },
  { name: 'BUILDPLATFORM', summary: 'Platform of the machine running the build, e.g. `linux/amd64`.' },
  { name: 'BUILDOS', summary: 'OS component of `BUILDPLATFORM`.' },
  { name: 'BUILDARCH', summary: 'Architecture component of `BUILDPLATFORM`.' },
  { name: 'BUILDVARIANT', summary: 'Variant component of `BUILDPLATFORM`.' },
  { name: 'BUILDKIT_SYNTAX', summary: 'Overrides the `# syntax=` frontend image.' },
  { name: 'BUILDKIT_INLINE_CACHE', summary: 'Set to 1 to embed cache metadata in the image.' },
  { name: 'BUILDKIT_MULTI_PLATFORM', summary: 'Set to 1 for deterministic multi-platform output.' },
  { name: 'BUILDKIT_SANDBOX_HOSTNAME', summary: 'Hostname of RUN steps (default `buildkitsandbox`).' },
  { name: 'BUILDKIT_CONTEXT_KEEP_GIT_DIR', summary: 'Set to 1 to keep `.git` in a Git build context.' },
  {
    name: 'BUILDKIT_DOCKERFILE_CHECK',
    summary: 'Same settings as the `# check=` directive, given as a build argument.',
  },
  { name: 'SOURCE_DATE_EPOCH', summary: 'Unix time used for reproducible timestamps in the result.' },
  { name: 'HTTP_PROXY', summary: 'Proxy for HTTP requests in RUN steps (not kept in the image history).' },
  { name: 'http_proxy', summary: 'Proxy for HTTP requests in RUN steps (not kept in the image history).' },
  { name: 'HTTPS_PROXY', summary: 'Proxy for HTTPS requests in RUN steps (not kept in the image history).' },
  { name: 'https_proxy', summary: 'Proxy for HTTPS requests in RUN steps (not kept in the image history).' },
  { name: 'FTP_PROXY', summary: 'Proxy for FTP requests in RUN steps (not kept in the image history).' },
  { name: 'ftp_proxy', summary: 'Proxy for FTP requests in RUN steps (not kept in the image history).' },
  { name: 'NO_PROXY', summary: 'Hosts that bypass the proxy (not kept in the image history).' },
  { name: 'no_proxy', summary: 'Hosts that bypass the proxy (not kept in the image history).' },
  { name: 'ALL_PROXY', summary: 'Proxy for all protocols (not kept in the image history).' },
  { name: 'all_proxy', summary: 'Proxy for all protocols (not kept in the image history).' },
];

/** Platform ARGs BuildKit fills in automatically in the global scope (usable in FROM without a declaration). */
export const automaticPlatformArgs: ReadonlySet<string> = new Set([
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
]);
