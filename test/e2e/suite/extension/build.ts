// Builds on a real engine: from the Dockerfile editor, with build errors as diagnostics, and the
// berth-build task whose problem matcher reads the same errors.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { completionsAt, keyboard, openDockerfile, waitForDiagnostics, waitUntil } from '../helpers';
import { QUICK_INPUT, runAndCollect, session, waitForRow } from './session';
import { skipBecause } from '../../../helpers/skip';

export function buildTests(): void {
  it('builds an image from the Dockerfile editor, which then shows in the Images view', async function () {
    if (session.engine.cannotBuild) {
      return skipBecause(
        this,
        `${session.engine.kind} cannot build images yet: ${session.engine.cannotBuild}`,
      );
    }
    const tag = `berth-e2e-built-${session.suffix}:v1`;
    const editor = await openDockerfile(
      `FROM busybox:latest\nRUN echo built-by-berth > /built.txt\nCMD ["cat", "/built.txt"]\n`,
      `build-${session.suffix}/Dockerfile`,
    );
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      editor.document.uri,
    );
    assert.deepEqual(
      lenses.map((l) => l.command?.title),
      ['$(tools) Build', '$(play) Run'],
    );
    const built = vscode.commands.executeCommand<string | undefined>('berth.images.build');
    await keyboard({ waitFor: QUICK_INPUT, hasText: 'Tag for the image', press: ['Control+a'] });
    await keyboard({ type: tag, press: ['Enter'] });
    assert.equal(await built, tag);
    await waitForRow('images', tag);
    // What the image holds: run it and read its output.
    const output = await runAndCollect(tag);
    assert.equal(output.trim(), 'built-by-berth');
    // The language server heard about the new image: FROM completion offers it.
    const next = await openDockerfile('FROM \n', `from-${session.suffix}/Dockerfile`);
    const repository = tag.split(':')[0];
    let labels: string[] = [];
    await waitUntil(
      async () => {
        labels = (await completionsAt(next.document.uri, new vscode.Position(0, 5))).map((i) =>
          typeof i.label === 'string' ? i.label : i.label.label,
        );
        return labels.includes(repository);
      },
      { what: () => `${repository} among the FROM completions: ${labels.slice(0, 10).join(', ')}…` },
    );
  });

  it('turns a failing build step into a diagnostic at its Dockerfile line', async function () {
    if (session.engine.cannotBuild) {
      return skipBecause(
        this,
        `${session.engine.kind} cannot build images yet: ${session.engine.cannotBuild}`,
      );
    }
    const editor = await openDockerfile(
      `FROM busybox:latest\nRUN echo fine\nRUN echo failing && exit 3\nCMD ["true"]\n`,
      `fail-${session.suffix}/Dockerfile`,
    );
    const built = vscode.commands.executeCommand<string | undefined>(
      'berth.images.build',
      editor.document.uri,
    );
    await keyboard({ waitFor: QUICK_INPUT, hasText: 'Tag for the image', press: ['Control+a'] });
    await keyboard({ type: `berth-e2e-failing-${session.suffix}`, press: ['Enter'] });
    assert.equal(await built, undefined);
    const diagnostics = await waitForDiagnostics(editor.document.uri, (d) =>
      d.some((x) => x.source === 'berth build'),
    );
    const failure = diagnostics.find((d) => d.source === 'berth build')!;
    assert.equal(
      failure.range.start.line,
      2,
      `diagnostic at line ${failure.range.start.line + 1}: ${failure.message}`,
    );
    assert.match(failure.message, /non-zero code: 3|exit code:? 3|returned 3/i);
  });
}
