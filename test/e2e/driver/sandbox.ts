// A throw-away home for one e2e run: HOME, TMPDIR and XDG_* point into it, so the editor under test
// neither reads nor writes the user's settings, and runs side by side never share state.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface Sandbox {
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** A copy of the fixture workspace: tests may edit and create files in it. */
  readonly workspace: string;
  readonly env: NodeJS.ProcessEnv;
  remove(): void;
}

/** A quiet editor: nothing opens, updates or phones home on its own, and screenshots look alike. */
const EDITOR_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
};

export function createSandbox(fixtureWorkspace: string): Sandbox {
  // Short base path: VS Code puts IPC sockets under XDG_RUNTIME_DIR, and socket paths are limited to
  // 107 bytes.
  const root = mkdtempSync(path.join(tmpdir(), 'berth-e2e-'));
  const dir = (name: string, mode = 0o755) => {
    const full = path.join(root, name);
    mkdirSync(full, { recursive: true, mode });
    return full;
  };
  const workspace = path.join(root, 'workspace');
  cpSync(fixtureWorkspace, workspace, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir('home'),
    TMPDIR: dir('tmp'),
    XDG_CONFIG_HOME: dir('xdg/config'),
    XDG_DATA_HOME: dir('xdg/data'),
    XDG_CACHE_HOME: dir('xdg/cache'),
    XDG_STATE_HOME: dir('xdg/state'),
    XDG_RUNTIME_DIR: dir('xdg/runtime', 0o700),
  };
  // A session bus or display from the caller's desktop would leak the run into it.
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.VSCODE_IPC_HOOK_CLI;
  const userDataDir = dir('user-data');
  mkdirSync(path.join(userDataDir, 'User'));
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(EDITOR_SETTINGS, null, 2));
  return {
    root,
    userDataDir,
    extensionsDir: dir('extensions'),
    workspace,
    env,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
