// The engine's images in the Dockerfile editor: the extension tells the language server which images
// are local (on connect and after every image event), and FROM completion and hover offer them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { completionsAt, hoverTextAt, openDockerfile, waitUntil } from '../helpers';
import { session, waitForNoRow, waitForRow } from './session';

export function localImageTests(): void {
  it('offers the engine’s local images in FROM completion and hover, following tags made and removed', async () => {
    const repo = `berth-e2e/local-${session.suffix}`;
    const docker = session.engine.docker;
    await docker.getImage(session.engine.image).tag({ repo, tag: 'v7' });
    let removed = false;
    try {
      await waitForRow('images', `${repo}:v7`);
      const editor = await openDockerfile(
        `FROM ${repo}:v7\n`,
        `local-images-${session.engine.kind}/Dockerfile`,
      );
      const uri = editor.document.uri;
      const onName = new vscode.Position(0, 'FROM '.length + 3);
      let hover: string[] = [];
      await waitUntil(
        async () => {
          hover = await hoverTextAt(uri, onName);
          return hover.some((h) => h.includes('Local: `v7`'));
        },
        { what: () => `the hover to say ${repo} is local with tag v7; it says ${JSON.stringify(hover)}` },
      );

      const afterColon = new vscode.Position(0, `FROM ${repo}:`.length);
      const tags = (await completionsAt(uri, afterColon)).map((c) => String(c.label));
      assert.ok(tags.includes('v7'), `tag completion offers ${JSON.stringify(tags.slice(0, 20))}`);
      const afterFrom = new vscode.Position(0, 'FROM '.length);
      const names = (await completionsAt(uri, afterFrom)).map((c) => String(c.label));
      assert.ok(names.includes(repo), `image completion offers ${JSON.stringify(names.slice(0, 20))}`);

      await docker.getImage(`${repo}:v7`).remove();
      removed = true;
      await waitForNoRow('images', `${repo}:v7`);
      let offered: string[] = [];
      await waitUntil(
        async () => {
          offered = (await completionsAt(uri, afterFrom)).map((c) => String(c.label));
          return !offered.includes(repo);
        },
        {
          what: () => `${repo} to leave FROM completion once untagged; it offers ${JSON.stringify(offered)}`,
        },
      );
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      if (!removed) await docker.getImage(`${repo}:v7`).remove();
    }
  });
}
