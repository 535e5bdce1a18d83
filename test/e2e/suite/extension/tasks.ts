// The berth-run and berth-build task types, as a user writes them in .vscode/tasks.json: run to
// completion with the container's output and exit code, and build errors read by the berth-build
// problem matcher.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { waitForDiagnostics, waitForEvent, waitUntil, workspaceFile } from '../helpers';
import { session, waitForTerminalText } from './session';
import { skipBecause } from '../../../helpers/skip';

async function writeTasks(tasks: object[]): Promise<void> {
  const text = JSON.stringify({ version: '2.0.0', tasks }, null, 2);
  await vscode.workspace.fs.writeFile(workspaceFile('.vscode/tasks.json'), new TextEncoder().encode(text));
}

/** The task tasks.json names `label`, once VS Code has read the file. */
async function taskLabelled(label: string): Promise<vscode.Task> {
  let task: vscode.Task | undefined;
  await waitUntil(
    async () => {
      task = (await vscode.tasks.fetchTasks()).find((t) => t.name === label);
      return task !== undefined;
    },
    { what: () => `the task "${label}" from .vscode/tasks.json` },
  );
  return task!;
}

/** Runs the task and resolves with its exit code. */
async function execute(task: vscode.Task): Promise<number | undefined> {
  const ended = waitForEvent(
    vscode.tasks.onDidEndTaskProcess,
    (e) => e.execution.task.name === task.name,
    90_000,
    () => `the task "${task.name}" to end`,
  );
  await vscode.tasks.executeTask(task);
  return (await ended).exitCode;
}

export function taskTests(): void {
  it('runs a berth-run task from tasks.json to completion, with its output and exit code', async () => {
    const label = `berth: run busybox ${session.suffix}`;
    await writeTasks([
      {
        type: 'berth-run',
        label,
        image: session.engine.image,
        command: ['sh', '-c', 'echo task-ran-$((6*7)); exit 7'],
        detach: false,
        remove: true,
      },
    ]);
    const exitCode = await execute(await taskLabelled(label));
    await waitForTerminalText('task-ran-42');
    assert.equal(exitCode, 7, 'the task reports the container’s exit code');
  });

  it('turns a failing berth-build task’s error into a problem at its line (problem matcher)', async function () {
    if (session.engine.cannotBuild) {
      return skipBecause(
        this,
        `${session.engine.kind} cannot build images yet: ${session.engine.cannotBuild}`,
      );
    }
    const relative = `scratch/task-${session.suffix}/Dockerfile`;
    const dockerfile = workspaceFile(relative);
    await vscode.workspace.fs.writeFile(
      dockerfile,
      new TextEncoder().encode('FROM busybox:latest\nRUN true\nRUN exit 5\n'),
    );
    const label = `berth: build failing ${session.suffix}`;
    await writeTasks([
      {
        type: 'berth-build',
        label,
        dockerfile: relative,
        tag: `berth-e2e-task-${session.suffix}`,
        problemMatcher: ['$berth-build'],
      },
    ]);
    assert.equal(await execute(await taskLabelled(label)), 1);
    const problems = await waitForDiagnostics(dockerfile, (d) => d.some((x) => x.source === 'berth build'));
    const problem = problems.find((d) => d.source === 'berth build')!;
    assert.equal(
      problem.range.start.line,
      2,
      `problem at line ${problem.range.start.line + 1}: ${problem.message}`,
    );
    assert.match(problem.message, /non-zero code: 5|exit code: 5/);
  });
}
