// The Dockerfile language server as a user meets it in VS Code: diagnostics in the editor, a quick
// fix applied, completion, hover, and a rule turned off from the settings. Screenshots:
// language-diagnostics (an edited Dockerfile with its problems), language-hover, language-completion.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import {
  activateBerth,
  completionsAt,
  hoverTextAt,
  nextDiagnostics,
  openDockerfile,
  quickFixesAt,
  screenshot,
  waitForDiagnostics,
} from '../helpers';

/** The rule name of a diagnostic (VS Code turns code + codeDescription into { value, target }). */
function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

const problems = [
  '# syntax=docker/dockerfile:1',
  'FROM debian:bookworm-slim as build',
  'MAINTAINER Jane <jane@example.com>',
  'RUN apt-get update && apt-get install curl',
  'FORM scratch',
  'COPY --from=build /usr/bin/curl /curl',
  '',
].join('\n');

describe('language: Dockerfile editing in VS Code', () => {
  before(async () => {
    await activateBerth();
  });

  it('shows diagnostics: BuildKit checks, best-practice rules and syntax errors (screenshot: language-diagnostics)', async () => {
    const editor = await openDockerfile(problems, 'diagnostics/Dockerfile');
    const diagnostics = await waitForDiagnostics(editor.document.uri, (d) =>
      ['FromAsCasing', 'MaintainerDeprecated', 'PackageManagerAssumeYes'].every((rule) =>
        d.some((x) => ruleOf(x) === rule),
      ),
    );
    const casing = diagnostics.find((d) => ruleOf(d) === 'FromAsCasing')!;
    assert.equal(casing.message, "'as' and 'FROM' keywords' casing do not match");
    assert.equal(casing.range.start.line, 1);
    const unknown = diagnostics.find((d) => d.message.startsWith('unknown instruction: FORM'));
    assert.ok(unknown, `no syntax error for FORM; got ${diagnostics.map((d) => d.message).join(' | ')}`);
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('language-diagnostics', { waitForSelector: '.markers-panel .monaco-list-row' });
  });

  it('applies a quick fix and the diagnostic goes away', async () => {
    const editor = await openDockerfile(problems, 'quickfix/Dockerfile');
    const uri = editor.document.uri;
    const diagnostics = await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'FromAsCasing'));
    const casing = diagnostics.find((d) => ruleOf(d) === 'FromAsCasing')!;
    const fixes = await quickFixesAt(uri, casing.range);
    const titles = fixes.map((f) => f.title);
    assert.ok(titles.includes('Skip FromAsCasing in this file'), titles.join(' | '));
    const fix = fixes.find((f) => f.title === "Write 'AS'");
    assert.ok(fix?.edit, `no "Write 'AS'" fix among: ${titles.join(' | ')}`);
    const after = await nextDiagnostics(uri, () => vscode.workspace.applyEdit(fix.edit!));
    assert.equal(editor.document.lineAt(1).text, 'FROM debian:bookworm-slim AS build');
    assert.ok(!after.some((d) => ruleOf(d) === 'FromAsCasing'));
    assert.ok(
      after.some((d) => ruleOf(d) === 'MaintainerDeprecated'),
      'the other findings stay',
    );
  });

  it('completes flags, mount options and stage names (screenshot: language-completion)', async () => {
    const editor = await openDockerfile(
      'FROM golang:1.24 AS build\nFROM alpine:3.22\nRUN --\n',
      'completion/Dockerfile',
    );
    const uri = editor.document.uri;
    const flags = (await completionsAt(uri, new vscode.Position(2, 6))).map((i) =>
      typeof i.label === 'string' ? i.label : i.label.label,
    );
    for (const flag of ['--mount', '--network', '--security', '--device'])
      assert.ok(flags.includes(flag), `${flag} missing: ${flags.join(' ')}`);

    await editor.edit((edit) =>
      edit.insert(new vscode.Position(2, 6), 'mount=type=cache,target=/root/.cache,from='),
    );
    const end = editor.document.lineAt(2).range.end;
    const stages = (await completionsAt(uri, end)).map((i) =>
      typeof i.label === 'string' ? i.label : i.label.label,
    );
    assert.ok(stages.includes('build'), `stage missing: ${stages.join(' ')}`);

    // Show the list as a user sees it, on a fresh line: every instruction, with its snippet and docs.
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    await vscode.commands.executeCommand('editor.action.triggerSuggest');
    await screenshot('language-completion', { waitForSelector: '.suggest-widget.visible' });
    await vscode.commands.executeCommand('hideSuggestWidget');
  });

  it('shows hover documentation and variable values (screenshot: language-hover)', async () => {
    const text =
      'ARG VERSION=3.22\nFROM alpine:${VERSION}\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n';
    const editor = await openDockerfile(text, 'hover/Dockerfile');
    const uri = editor.document.uri;
    const keyword = (await hoverTextAt(uri, new vscode.Position(2, 1))).join('\n');
    assert.match(keyword, /\*\*RUN\*\*/);
    const mount = (await hoverTextAt(uri, new vscode.Position(2, 8))).join('\n');
    assert.match(mount, /--mount/);
    const variable = (await hoverTextAt(uri, new vscode.Position(1, 16))).join('\n');
    assert.match(variable, /ARG VERSION/);
    assert.match(variable, /3\.22/);

    editor.selection = new vscode.Selection(2, 8, 2, 8);
    await vscode.commands.executeCommand('editor.action.showHover');
    await screenshot('language-hover', { waitForSelector: '.monaco-hover:not(.hidden)' });
  });

  it('turns a rule off from the settings', async () => {
    const editor = await openDockerfile('FROM alpine:3.22\nMAINTAINER me\n', 'settings/Dockerfile');
    const uri = editor.document.uri;
    await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'MaintainerDeprecated'));
    const config = vscode.workspace.getConfiguration('berth.dockerfile');
    try {
      await config.update('rules.MaintainerDeprecated', 'off', vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, (d) => !d.some((x) => ruleOf(x) === 'MaintainerDeprecated'));
    } finally {
      await config.update('rules.MaintainerDeprecated', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'MaintainerDeprecated'));
  });
});
