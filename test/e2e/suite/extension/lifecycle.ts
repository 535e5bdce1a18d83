// The commands on a container's row (Start, Pause, Unpause, Restart, Kill, Copy ID, Prune) and on
// the Volumes, Networks and Images views (Create, Inspect, Remove, Filter): what each row shows after
// the command, checked against what the engine itself reports.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { keyboard } from '../helpers';
import { item, QUICK_INPUT, session, waitForNoRow, waitForRow } from './session';

/** The container's own output, as `docker logs` gives it (TTY, so no stream framing). */
async function logsOf(id: string): Promise<string> {
  const logs = await session.engine.docker.getContainer(id).logs({ stdout: true, stderr: true });
  return logs.toString();
}

/** Runs an Inspect `command` on `row` and returns the JSON document it opened, parsed. */
async function inspectRow<T>(command: string, row: unknown): Promise<T> {
  await vscode.commands.executeCommand(command, row);
  const document = vscode.window.activeTextEditor?.document;
  assert.equal(document?.uri.scheme, 'berth-inspect', `${command} opened no inspect document`);
  const parsed = JSON.parse(document!.getText()) as T;
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  return parsed;
}

export function lifecycleTests(): void {
  it('starts, pauses, unpauses, restarts and kills a container from its row; copies its ID; prunes it', async () => {
    const name = `berth-e2e-life-${session.suffix}`;
    const docker = session.engine.docker;
    const container = await docker.createContainer({
      Image: session.engine.image,
      name,
      Tty: true,
      // Prints a line on each start, so a restart shows in its log.
      Cmd: ['sh', '-c', 'echo started; trap "exit 0" TERM; while true; do sleep 1; done'],
    });
    try {
      let row = await waitForRow('containers', name, (i) => i.contextValue === 'createdContainer');

      await vscode.commands.executeCommand('berth.containers.start', row);
      row = await waitForRow('containers', name, (i) => i.contextValue === 'runningContainer');
      const firstStart = (await container.inspect()).State.StartedAt;
      // Inspect shows the state of the moment, also when the same container is inspected again.
      const inspected = await inspectRow<{ State: { Status: string } }>('berth.containers.inspect', row);
      assert.equal(inspected.State.Status, 'running');

      await vscode.commands.executeCommand('berth.containers.pause', row);
      row = await waitForRow('containers', name, (i) => i.contextValue === 'pausedContainer');
      assert.equal((await container.inspect()).State.Paused, true, 'the engine does not say it is paused');

      await vscode.commands.executeCommand('berth.containers.unpause', row);
      row = await waitForRow('containers', name, (i) => i.contextValue === 'runningContainer');
      assert.equal((await container.inspect()).State.Paused, false, 'the engine says it is still paused');

      await vscode.commands.executeCommand('berth.containers.restart', row);
      await waitForRow('containers', name, (i) => i.contextValue === 'runningContainer');
      const restarted = await container.inspect();
      assert.notEqual(restarted.State.StartedAt, firstStart, 'the container was not started again');
      const log = await logsOf(container.id);
      assert.equal(
        log.match(/started/g)?.length,
        2,
        `two starts in its log; it holds ${JSON.stringify(log)}`,
      );

      row = item('containers', name)!;
      await vscode.commands.executeCommand('berth.containers.copyId', row);
      assert.equal(await vscode.env.clipboard.readText(), container.id);

      await vscode.commands.executeCommand('berth.containers.kill', row);
      row = await waitForRow('containers', name, (i) => i.contextValue === 'exitedContainer');
      assert.match(row.description, /Exited \(137\)/, `a SIGKILL's exit code in the row: ${row.description}`);
      const after = await inspectRow<{ State: { Status: string } }>('berth.containers.inspect', row);
      assert.equal(after.State.Status, 'exited', 'Inspect showed the container as it was before');

      await vscode.commands.executeCommand('berth.containers.prune');
      await waitForNoRow('containers', name);
      const left = await docker.listContainers({ all: true, filters: { name: [name] } });
      assert.deepEqual(left, [], 'Prune left the stopped container in the engine');
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  });

  it('filters the Containers view by name, and clears the filter', async () => {
    const names = [`berth-e2e-apple-${session.suffix}`, `berth-e2e-pear-${session.suffix}`];
    const containers = await Promise.all(
      names.map((name) =>
        session.engine.docker.createContainer({ Image: session.engine.image, name, Cmd: ['true'] }),
      ),
    );
    try {
      for (const name of names) await waitForRow('containers', name);
      const filtered = vscode.commands.executeCommand('berth.containers.filter');
      await keyboard({ waitFor: QUICK_INPUT, hasText: 'Filter containers', type: 'apple', press: ['Enter'] });
      await filtered;
      await waitForNoRow('containers', names[1]);
      assert.ok(item('containers', names[0]), `${names[0]} should still show under the filter "apple"`);
      await vscode.commands.executeCommand('berth.containers.clearFilter');
      await waitForRow('containers', names[1]);
    } finally {
      await vscode.commands.executeCommand('berth.containers.clearFilter');
      await Promise.all(containers.map((c) => c.remove({ force: true })));
    }
  });

  it('creates, inspects and removes a volume and a network from the palette', async () => {
    const volume = `berth-e2e-vol-${session.suffix}`;
    const created = vscode.commands.executeCommand('berth.volumes.create');
    await keyboard({ waitFor: QUICK_INPUT, hasText: 'Volume name', type: volume, press: ['Enter'] });
    await created;
    const volumeRow = await waitForRow('volumes', volume);
    const volumeInfo = await inspectRow<{ Name: string; Mountpoint: string }>(
      'berth.volumes.inspect',
      volumeRow,
    );
    assert.equal(volumeInfo.Name, volume);
    assert.equal((await session.engine.docker.getVolume(volume).inspect()).Mountpoint, volumeInfo.Mountpoint);
    await vscode.commands.executeCommand('berth.volumes.remove', volumeRow);
    await waitForNoRow('volumes', volume);
    const volumes = (await session.engine.docker.listVolumes()).Volumes ?? [];
    assert.ok(!volumes.some((v) => v.Name === volume), 'the engine still has the removed volume');

    const network = `berth-e2e-net-${session.suffix}`;
    const made = vscode.commands.executeCommand('berth.networks.create');
    await keyboard({ waitFor: QUICK_INPUT, hasText: 'Network name', type: network, press: ['Enter'] });
    await made;
    const networkRow = await waitForRow('networks', network, (i) => i.contextValue === 'customNetwork');
    const networkInfo = await inspectRow<{ Name: string; Driver: string }>(
      'berth.networks.inspect',
      networkRow,
    );
    assert.deepEqual([networkInfo.Name, networkInfo.Driver], [network, 'bridge']);
    await vscode.commands.executeCommand('berth.networks.remove', networkRow);
    await waitForNoRow('networks', network);
    const networks = await session.engine.docker.listNetworks({ filters: { name: [network] } });
    assert.deepEqual(
      networks.map((n) => n.Name),
      [],
      'the engine still has the removed network',
    );
  });

  it('removes an image’s tag from its row, keeping the image under its other tag', async () => {
    const repo = `berth-e2e/spare-${session.suffix}`;
    const docker = session.engine.docker;
    await docker.getImage(session.engine.image).tag({ repo, tag: 'v1' });
    const row = await waitForRow('images', `${repo}:v1`);
    await vscode.commands.executeCommand('berth.images.remove', row);
    await waitForNoRow('images', `${repo}:v1`);
    const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []);
    assert.ok(!tags.includes(`${repo}:v1`), `the engine still lists ${repo}:v1`);
    assert.ok(tags.includes(session.engine.image), `${session.engine.image} went with the removed tag`);
  });
}
