// A curated list of common base images and tags, so FROM completion and hover work offline and
// with no engine. Local images reported by the client (protocol.ts) are merged in at request time.

export interface ImageDoc {
  /** The name as users write it in FROM (`node`, `mcr.microsoft.com/dotnet/sdk`). */
  readonly name: string;
  readonly summary: string;
  readonly tags: readonly string[];
}

export const curatedImages: readonly ImageDoc[] = [
  {
    name: 'alpine',
    summary: 'Minimal Linux based on musl and BusyBox (about 8 MB).',
    tags: ['3.22', '3.21', '3.20', '3', 'edge', 'latest'],
  },
  {
    name: 'busybox',
    summary: 'BusyBox utilities in a tiny image.',
    tags: ['1.37', '1.36', 'musl', 'glibc', 'uclibc', 'stable', 'latest'],
  },
  {
    name: 'debian',
    summary: 'Debian GNU/Linux.',
    tags: [
      'trixie',
      'trixie-slim',
      'bookworm',
      'bookworm-slim',
      'bullseye',
      'bullseye-slim',
      '13',
      '12',
      'stable-slim',
      'latest',
    ],
  },
  {
    name: 'ubuntu',
    summary: 'Ubuntu Linux.',
    tags: ['24.04', 'noble', '22.04', 'jammy', '20.04', 'focal', '25.04', 'latest'],
  },
  { name: 'fedora', summary: 'Fedora Linux.', tags: ['42', '41', 'latest', 'rawhide'] },
  {
    name: 'rockylinux',
    summary: 'Rocky Linux, RHEL-compatible.',
    tags: ['9', '9-minimal', '8', '8-minimal'],
  },
  {
    name: 'almalinux',
    summary: 'AlmaLinux, RHEL-compatible.',
    tags: ['10', '9', '9-minimal', '8', 'latest'],
  },
  { name: 'amazonlinux', summary: 'Amazon Linux.', tags: ['2023', '2', 'latest'] },
  { name: 'archlinux', summary: 'Arch Linux.', tags: ['base', 'base-devel', 'latest'] },
  { name: 'opensuse/leap', summary: 'openSUSE Leap.', tags: ['15.6', '15', 'latest'] },
  {
    name: 'node',
    summary: 'Node.js runtime with npm and yarn.',
    tags: [
      '24',
      '24-alpine',
      '24-slim',
      '22',
      '22-alpine',
      '22-slim',
      '22-bookworm-slim',
      '20',
      '20-alpine',
      '20-slim',
      'lts',
      'lts-alpine',
      'lts-slim',
    ],
  },
  {
    name: 'python',
    summary: 'Python interpreter with pip.',
    tags: [
      '3.13',
      '3.13-slim',
      '3.13-alpine',
      '3.12',
      '3.12-slim',
      '3.12-alpine',
      '3.11',
      '3.11-slim',
      '3.14',
      '3.14-slim',
      '3-slim',
    ],
  },
  {
    name: 'golang',
    summary: 'Go toolchain.',
    tags: ['1.25', '1.25-alpine', '1.25-bookworm', '1.24', '1.24-alpine', '1.24-bookworm', '1-alpine'],
  },
  {
    name: 'rust',
    summary: 'Rust toolchain with cargo.',
    tags: ['1', '1-slim', '1-alpine', '1-bookworm', 'slim-bookworm', 'alpine'],
  },
  {
    name: 'eclipse-temurin',
    summary: 'Eclipse Temurin OpenJDK builds (JDK and JRE).',
    tags: ['25', '25-jre', '21', '21-jdk', '21-jre', '21-jre-alpine', '17', '17-jre', '11', '8'],
  },
  {
    name: 'amazoncorretto',
    summary: 'Amazon Corretto OpenJDK builds.',
    tags: ['21', '21-alpine', '17', '17-alpine', '11', '8'],
  },
  {
    name: 'maven',
    summary: 'Apache Maven with a JDK.',
    tags: ['3-eclipse-temurin-21', '3-eclipse-temurin-17', '3-amazoncorretto-21', '3.9'],
  },
  { name: 'gradle', summary: 'Gradle with a JDK.', tags: ['jdk21', 'jdk17', '8-jdk21', 'jdk21-alpine'] },
  {
    name: 'ruby',
    summary: 'Ruby interpreter with gem and bundler.',
    tags: ['3.4', '3.4-slim', '3.4-alpine', '3.3', '3.3-slim', '3.3-alpine'],
  },
  {
    name: 'php',
    summary: 'PHP interpreter (cli, fpm and apache variants).',
    tags: ['8.4-cli', '8.4-fpm', '8.4-apache', '8.4-fpm-alpine', '8.3-cli', '8.3-fpm', '8.3-apache'],
  },
  { name: 'composer', summary: 'PHP Composer.', tags: ['2', 'latest'] },
  { name: 'perl', summary: 'Perl interpreter.', tags: ['5', '5-slim', '5.40'] },
  { name: 'elixir', summary: 'Elixir on Erlang/OTP.', tags: ['1.18', '1.18-alpine', '1.17'] },
  { name: 'erlang', summary: 'Erlang/OTP.', tags: ['28', '27', '27-alpine'] },
  { name: 'haskell', summary: 'GHC, cabal and stack.', tags: ['9', '9-slim', '9.10'] },
  { name: 'swift', summary: 'Swift toolchain.', tags: ['6.1', '6.0', '5.10'] },
  { name: 'julia', summary: 'Julia language.', tags: ['1', '1.11'] },
  { name: 'gcc', summary: 'GNU Compiler Collection.', tags: ['15', '14', '13', 'latest'] },
  { name: 'bash', summary: 'Bash on Alpine.', tags: ['5', '5.2', 'latest'] },
  {
    name: 'nginx',
    summary: 'NGINX web server and reverse proxy.',
    tags: ['stable', 'stable-alpine', 'mainline', 'mainline-alpine', 'alpine', '1.28', '1.29', 'alpine-slim'],
  },
  { name: 'httpd', summary: 'Apache HTTP Server.', tags: ['2.4', '2.4-alpine', 'alpine'] },
  { name: 'caddy', summary: 'Caddy web server with automatic HTTPS.', tags: ['2', '2-alpine', '2-builder'] },
  { name: 'traefik', summary: 'Traefik reverse proxy.', tags: ['v3', 'v3.4', 'latest'] },
  { name: 'haproxy', summary: 'HAProxy load balancer.', tags: ['3.2', '3.2-alpine', 'lts', 'lts-alpine'] },
  {
    name: 'tomcat',
    summary: 'Apache Tomcat servlet container.',
    tags: ['11-jdk21', '10-jdk21', '10-jre21', '9-jdk17'],
  },
  {
    name: 'postgres',
    summary: 'PostgreSQL database.',
    tags: ['17', '17-alpine', '16', '16-alpine', '15', '18'],
  },
  { name: 'mysql', summary: 'MySQL database.', tags: ['8.4', '9', 'lts', '8.0'] },
  { name: 'mariadb', summary: 'MariaDB database.', tags: ['11', '11.4', '10.11', 'lts'] },
  { name: 'mongo', summary: 'MongoDB document database.', tags: ['8', '8.0', '7', '7.0'] },
  {
    name: 'redis',
    summary: 'Redis in-memory data store.',
    tags: ['8', '8-alpine', '7', '7-alpine', 'alpine'],
  },
  { name: 'memcached', summary: 'Memcached cache.', tags: ['1', '1-alpine', 'alpine'] },
  {
    name: 'rabbitmq',
    summary: 'RabbitMQ message broker.',
    tags: ['4', '4-management', '4-alpine', '3-management'],
  },
  { name: 'registry', summary: 'The CNCF Distribution registry.', tags: ['3', '2'] },
  {
    name: 'docker',
    summary: 'Docker CLI and daemon (Docker in Docker).',
    tags: ['28', '28-cli', '28-dind', 'cli', 'dind'],
  },
  { name: 'scratch', summary: 'The empty image: a stage with no base layers.', tags: [] },
  {
    name: 'gcr.io/distroless/static-debian12',
    summary: 'Distroless: CA certificates, tzdata and /etc/passwd only; for static binaries.',
    tags: ['latest', 'nonroot', 'debug'],
  },
  {
    name: 'gcr.io/distroless/base-debian12',
    summary: 'Distroless with glibc and OpenSSL.',
    tags: ['latest', 'nonroot', 'debug'],
  },
  {
    name: 'gcr.io/distroless/cc-debian12',
    summary: 'Distroless with glibc and libstdc++.',
    tags: ['latest', 'nonroot', 'debug'],
  },
  {
    name: 'gcr.io/distroless/java21-debian12',
    summary: 'Distroless Java 21 runtime.',
    tags: ['latest', 'nonroot'],
  },
  {
    name: 'gcr.io/distroless/nodejs22-debian12',
    summary: 'Distroless Node.js 22 runtime.',
    tags: ['latest', 'nonroot'],
  },
  {
    name: 'gcr.io/distroless/python3-debian12',
    summary: 'Distroless Python 3 runtime.',
    tags: ['latest', 'nonroot'],
  },
  {
    name: 'mcr.microsoft.com/dotnet/sdk',
    summary: '.NET SDK.',
    tags: ['9.0', '9.0-alpine', '8.0', '8.0-alpine', '10.0'],
  },
  {
    name: 'mcr.microsoft.com/dotnet/aspnet',
    summary: 'ASP.NET Core runtime.',
    tags: ['9.0', '9.0-alpine', '8.0', '8.0-alpine', '10.0'],
  },
  { name: 'mcr.microsoft.com/dotnet/runtime', summary: '.NET runtime.', tags: ['9.0', '8.0', '10.0'] },
  {
    name: 'mcr.microsoft.com/dotnet/runtime-deps',
    summary: 'Native dependencies of .NET apps (for self-contained apps).',
    tags: ['9.0', '8.0', '10.0', '9.0-noble-chiseled'],
  },
  {
    name: 'mcr.microsoft.com/devcontainers/base',
    summary: 'Dev Containers base image.',
    tags: ['ubuntu', 'debian', 'alpine', 'bookworm', 'noble'],
  },
  {
    name: 'ghcr.io/astral-sh/uv',
    summary: 'The uv Python package manager.',
    tags: ['latest', 'python3.13-bookworm-slim', 'debian-slim'],
  },
];

const byName = new Map(curatedImages.map((image) => [image.name, image]));

/** Strips Docker Hub's implicit prefixes so `docker.io/library/node` finds `node`. */
export function shortImageName(name: string): string {
  return name
    .replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
    .replace(/^library\//, '');
}

export function curatedImage(name: string): ImageDoc | undefined {
  return byName.get(shortImageName(name));
}

/**
 * Variables that base images commonly set. BuildKit knows the base image's environment; the editor
 * does not (unless the engine reported the image), so these never count as undefined.
 */
export const commonImageEnv: ReadonlySet<string> = new Set(
  [
    'PATH HOME HOSTNAME TERM LANG LANGUAGE LC_ALL USER SHELL PWD TZ JAVA_HOME JAVA_VERSION JDK_VERSION',
    'MAVEN_HOME MAVEN_CONFIG GRADLE_HOME GRADLE_VERSION GOPATH GOROOT GOLANG_VERSION GOTOOLCHAIN',
    'NODE_VERSION YARN_VERSION NODE_ENV PYTHON_VERSION PYTHON_SHA256 PIP_VERSION GPG_KEY VIRTUAL_ENV',
    'CONDA_DIR RUBY_VERSION RUBY_MAJOR GEM_HOME BUNDLE_PATH BUNDLE_APP_CONFIG BUNDLE_SILENCE_ROOT_WARNING',
    'PHP_VERSION PHP_INI_DIR PHP_CFLAGS PHP_LDFLAGS APACHE_CONFDIR APACHE_ENVVARS CARGO_HOME RUSTUP_HOME',
    'RUST_VERSION DOTNET_VERSION ASPNET_VERSION ASPNETCORE_URLS ASPNETCORE_HTTP_PORTS APP_UID',
    'DOTNET_RUNNING_IN_CONTAINER NGINX_VERSION NJS_VERSION PGDATA PG_MAJOR PG_VERSION MYSQL_MAJOR',
    'MYSQL_VERSION REDIS_VERSION DEBIAN_FRONTEND SSL_CERT_FILE CATALINA_HOME TOMCAT_VERSION',
    'ERLANG_VERSION ELIXIR_VERSION CONTAINER',
  ]
    .join(' ')
    .split(' '),
);
