// Bundles the extension's two entry points into dist/. tsc -b still type-checks and
// emits out/ (used by tests and the CLIs); these bundles are what VS Code loads.
import * as esbuild from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';

const production = process.argv.includes('--production');
const { version } = JSON.parse(await readFile('package.json', 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // koffi ships a native addon that must be loaded from node_modules, not bundled.
  external: ['vscode', 'koffi'],
  // engine/src/version.ts: the version is part of the bundle, not read from package.json at start.
  define: { BERTH_BUNDLED_VERSION: JSON.stringify(version) },
};

// The client's heavy parts are separate bundles loaded on first use (client/src/lazy.ts), so that
// activation only pays for the wiring: dockerode alone takes ~150 ms to load here.
const client = {
  ...common,
  // Read by client/src/extension.ts to report code loading + activate() time.
  banner: { js: 'globalThis.__berthLoadStart ??= performance.now();' },
  // Native add-ons of ssh2 (cpu-features, sshcrypto) are optional and ssh2 falls back without them.
  external: [...common.external, '*.node', 'cpu-features'],
  alias: {
    // dockerode requires these for BuildKit sessions and ssh:// hosts; Berth uses neither (classic
    // /build and Unix sockets), so they are left out: 2.2 MB and 150 ms of load become 0.5 MB and 40 ms.
    '@grpc/grpc-js': './client/src/engine/unused-module.js',
    '@grpc/proto-loader': './client/src/engine/unused-module.js',
    protobufjs: './client/src/engine/unused-module.js',
    ssh2: './client/src/engine/unused-module.js',
  },
};

/** A plugin that rewrites the bundle esbuild has just written (after a build without errors). */
function rewriteBundle(name, transform) {
  return {
    name,
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length > 0) return;
        const file = build.initialOptions.outfile;
        const text = await readFile(file, 'utf8');
        const rewritten = transform(text);
        if (rewritten !== text) await writeFile(file, rewritten);
      });
    },
  };
}

// esbuild escapes non-ASCII characters in code but keeps them in the comments it carries over
// (`…`, `→`): one of them makes V8 hold the whole source as a two-byte string, twice the memory
// (1 MiB more for the idle daemon, 0.7 MiB for the language server). In a comment a `?` in its
// place changes nothing else.
const asciiOnly = rewriteBundle('ascii-only', (text) => text.replace(/[\u0080-\uffff]/g, '?'));

// esbuild turns each `import * as fs from 'node:fs'` into `__toESM(require("node:fs"))`, which copies
// every property of the module onto a fresh object as a getter: the CLI's ~30 such imports of fs,
// path and zlib cost ~10 ms of every start. A built-in module already is the plain object those
// imports read from, so where the bundle never reads the copy's `default` (what a default import
// reads), the module itself takes the copy's place. Also inside the init function of a module
// esbuild evaluates lazily (`  fs = __toESM(...)`): the store's modules are such, as the builder,
// which is loaded on first use, imports them too.
const plainBuiltins = rewriteBundle('plain-builtins', (text) =>
  text.replace(
    /^(var |\s+)([\w$]+) = __toESM\(require\("([\w:/]+)"\)(?:, 1)?\);$/gm,
    (line, start, name, id) =>
      isBuiltin(id) && !readsDefault(text, name) ? `${start}${name} = require("${id}");` : line,
  ),
);

/** Whether the bundle reads `name.default` (the whole name: `fs3` is not `import_fs3`). */
function readsDefault(text, name) {
  const escaped = name.replace(/\$/g, '\\$');
  return new RegExp(`(?<![\\w$])${escaped}(?:\\.default\\b|\\["default"\\])`).test(text);
}

await Promise.all([
  esbuild.build({ ...client, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client/extension.js' }),
  esbuild.build({
    ...client,
    entryPoints: ['client/src/commands/bundle.ts'],
    outfile: 'dist/client/commands.js',
  }),
  esbuild.build({
    ...client,
    entryPoints: ['client/src/engine/bundle.ts'],
    outfile: 'dist/client/engine.js',
  }),
  esbuild.build({
    ...client,
    entryPoints: ['client/src/language/bundle.ts'],
    outfile: 'dist/client/language.js',
  }),
  esbuild.build({
    ...common,
    entryPoints: ['server/src/server.ts'],
    outfile: 'dist/server/server.js',
    plugins: [asciiOnly],
  }),
  esbuild.build({
    ...common,
    entryPoints: ['engine/src/cli/berth-runtime.ts'],
    outfile: 'dist/cli/berth-runtime.js',
  }),
  // The CLI as one file: loading one bundle saves ~40 ms of module resolution on every command.
  // Three levels deep, like out/engine/src/*.js, so version.ts finds package.json the same way.
  // ASCII only, so that bin/berth hands it to V8 as a one-byte string (see cli/code-cache.ts).
  esbuild.build({
    ...common,
    entryPoints: ['engine/src/cli/berth.ts'],
    outfile: 'dist/engine/cli/berth.js',
    plugins: [asciiOnly, plainBuiltins],
  }),
  // What bin/berth compiles the CLI bundle with (V8's code cache).
  esbuild.build({
    ...common,
    entryPoints: ['engine/src/cli/code-cache.ts'],
    outfile: 'dist/engine/cli/code-cache.js',
  }),
  // What bin/berth and bin/berthd load before their bundle (engine/src/cli/prestart.ts): berthd's
  // re-execution with its memory settings, and the rootless gate for a normal user's berth.
  esbuild.build({
    ...common,
    entryPoints: ['engine/src/cli/prestart.ts'],
    outfile: 'dist/engine/cli/prestart.js',
  }),
  // The layer-unpack worker thread (engine/src/store/layers/unpack-thread.ts), next to the bundles
  // above that start it.
  esbuild.build({
    ...common,
    entryPoints: ['engine/src/store/layers/unpack-worker.ts'],
    outfile: 'dist/engine/cli/unpack-worker.js',
  }),
  // The daemon the extension starts on demand ("the bundled engine"): the .vsix carries dist/, not out/.
  esbuild.build({
    ...common,
    entryPoints: ['engine/src/cli/berthd.ts'],
    outfile: 'dist/engine/cli/berthd.js',
    plugins: [asciiOnly],
  }),
]);
