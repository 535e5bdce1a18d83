// package.json contributes what the code registers, and its menus match the contextValues the views
// produce: a command that is declared but not registered (or the reverse) fails here, not in the editor.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { COMMANDS, VIEW_COMMANDS } from '../../../client/src/commands/ids';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

interface MenuEntry {
  command: string;
  when?: string;
}

describe('client: package.json contributions', () => {
  it('declares exactly the commands the extension registers', () => {
    const declared = (contributes.commands as { command: string }[]).map((c) => c.command).sort();
    const registered = [...Object.keys(COMMANDS), ...VIEW_COMMANDS].sort();
    assert.deepEqual(declared, registered);
  });

  it('puts only declared commands in menus', () => {
    const declared = new Set((contributes.commands as { command: string }[]).map((c) => c.command));
    for (const [menu, entries] of Object.entries(contributes.menus as Record<string, MenuEntry[]>)) {
      for (const entry of entries)
        assert.ok(declared.has(entry.command), `${menu} names ${entry.command}, which is not declared`);
    }
  });

  it('keys item menus on the contextValues the views produce', () => {
    const produced = [
      'runningContainer',
      'exitedContainer',
      'pausedContainer',
      'createdContainer',
      'restartingContainer',
      'deadContainer',
      'composeGroup',
      'image',
      'volume',
      'network',
      'customNetwork',
    ];
    const entries = contributes.menus['view/item/context'] as MenuEntry[];
    const menuFor = (value: string) =>
      entries
        .filter((e) => {
          const m = /viewItem =~ \/(.+)\//.exec(e.when ?? '');
          return m && new RegExp(m[1]).test(value);
        })
        .map((e) => e.command);
    for (const value of produced) assert.ok(menuFor(value).length > 0, `no menu for ${value}`);
    assert.ok(menuFor('runningContainer').includes('berth.containers.attachShell'));
    assert.ok(!menuFor('exitedContainer').includes('berth.containers.attachShell'));
    assert.ok(menuFor('exitedContainer').includes('berth.containers.start'));
    assert.ok(!menuFor('network').includes('berth.networks.remove'), 'built-in networks cannot be removed');
  });

  it('has the views, welcome content, settings, task types and problem matcher', () => {
    assert.deepEqual(
      contributes.views.berth.map((v: { id: string }) => v.id),
      ['berth.containers', 'berth.images', 'berth.volumes', 'berth.networks'],
    );
    const welcome = (contributes.viewsWelcome as { view: string; contents: string }[]).find((w) =>
      w.contents.includes('command:berth.engine.start'),
    );
    assert.ok(welcome?.contents.includes('command:berth.engine.connect'), 'welcome offers Start and Connect');
    assert.equal(contributes.configuration.properties['berth.engine.socket'].default, '');
    assert.deepEqual(
      contributes.taskDefinitions.map((t: { type: string }) => t.type),
      ['berth-build', 'berth-run'],
    );
    assert.equal(contributes.problemMatchers[0].name, 'berth-build');
    // VS Code keeps markers per owner: sharing one with the language client ('berth') or the build
    // command's diagnostic collection ('berth-build') would let either wipe the task's problems.
    assert.ok(!['berth', 'berth-build'].includes(contributes.problemMatchers[0].owner));
  });
});
