// Bundles the extension's two entry points into dist/. tsc -b still type-checks and
// emits out/ (used by tests and the CLIs); these bundles are what VS Code loads.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

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
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client/extension.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server/server.js' }),
  esbuild.build({
    ...common,
    entryPoints: ['engine/src/cli/berth-runtime.ts'],
    outfile: 'dist/cli/berth-runtime.js',
  }),
]);
