// The client's heavy parts are bundled apart (see esbuild.mjs) and loaded on first use, so that
// activation only pays for wiring: the commands bundle (every command's code, the Dockerfile parser),
// the engine bundle (dockerode) and the language client bundle.
import * as path from 'node:path';

import type * as CommandsBundle from './commands/bundle';
import type * as EngineBundle from './engine/bundle';
import type * as LanguageBundle from './language/bundle';

let commandsBundle: typeof CommandsBundle | undefined;
let engineBundle: typeof EngineBundle | undefined;
let languageBundle: typeof LanguageBundle | undefined;

function requireSibling<T>(file: string): T {
  // A computed path, so esbuild leaves the require alone and the bundle is read at run time from
  // dist/client/ next to extension.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, file)) as T;
}

export function loadCommandsBundle(): typeof CommandsBundle {
  commandsBundle ??= requireSibling<typeof CommandsBundle>('commands.js');
  return commandsBundle;
}

export function loadEngineBundle(): typeof EngineBundle {
  engineBundle ??= requireSibling<typeof EngineBundle>('engine.js');
  return engineBundle;
}

export function loadLanguageBundle(): typeof LanguageBundle {
  languageBundle ??= requireSibling<typeof LanguageBundle>('language.js');
  return languageBundle;
}
