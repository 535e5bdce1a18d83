// The first thing a user sees: opening a Dockerfile activates Berth and starts its language server.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { activateBerth, EXTENSION_ID, openFixture, screenshot } from '../helpers';
import { skipBecause } from '../../../helpers/skip';

describe('smoke: Berth in a real VS Code', () => {
  it('activates on a Dockerfile, which gets the dockerfile language', async () => {
    const editor = await openFixture('Dockerfile');
    assert.equal(editor.document.languageId, 'dockerfile');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    // onLanguage:dockerfile activates it; activateBerth() waits for that activation to finish.
    await activateBerth();
    assert.equal(extension.isActive, true);
  });

  it('starts the Berth language server', async () => {
    const api = await activateBerth();
    assert.equal(api.languageServerInfo()?.name, 'berth-lsp');
  });

  it('is the packaged extension, with a working koffi, when run with --vsix', function () {
    if (!process.env.BERTH_E2E_INSTALLED_FROM_VSIX) {
      return skipBecause(this, 'the extension under test is the source tree (not a --vsix run)');
    }
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const installedUnder = process.env.BERTH_E2E_EXTENSIONS_DIR!;
    assert.ok(
      extension.extensionPath.startsWith(installedUnder),
      `expected the copy installed under ${installedUnder}, got ${extension.extensionPath}`,
    );
    // The engine calls the kernel through koffi's native addon, which the .vsix must carry.
    const koffi = createRequire(__filename)(path.join(extension.extensionPath, 'node_modules', 'koffi')) as {
      load(name: string): { func(signature: string): () => number };
    };
    const getpid = koffi.load('libc.so.6').func('int getpid()');
    assert.equal(getpid(), process.pid);
  });

  it('shows an edited Dockerfile (screenshot: smoke-edited-dockerfile)', async () => {
    const editor = await openFixture('Dockerfile');
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    const edited = await editor.edit((edit) =>
      edit.insert(end, '\nLABEL org.opencontainers.image.title="smoke"\n'),
    );
    assert.ok(edited, 'the edit was not applied');
    assert.match(editor.document.getText(), /image\.title="smoke"/);
    const file = await screenshot('smoke-edited-dockerfile');
    assert.match(file, /smoke-edited-dockerfile\.png$/);
  });
});
