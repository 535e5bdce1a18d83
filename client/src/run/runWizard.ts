// Run Container, guided: image (local first, or a typed name to pull), then name, ports (suggested
// from EXPOSE), env, volumes, command and mode, each prefilled with the last choices for the image;
// or, when there are last choices, one step: "Run with the same options".
import type Docker from 'dockerode';
import * as vscode from 'vscode';

import type { CommandContext } from '../commands/context';
import { engineStatus } from '../commands/errors';
import { validateReference } from '../commands/images/reference';
import { pullImage } from '../commands/images/transfer';
import { imageNodes } from '../tree/nodes';
import { BACK, inputStep, pickStep, type StepPosition, type StepResult } from './quickInput';
import {
  createOptions,
  describeChoices,
  initialChoices,
  parseEnv,
  parsePorts,
  parseVolumes,
  RunInputError,
  splitWords,
  validateName,
  type RunChoices,
} from './runOptions';

export interface RunRequest {
  readonly image: string;
  readonly choices: RunChoices;
}

interface ImageItem extends vscode.QuickPickItem {
  readonly ref: string;
  /** The "Pull and run <typed name>" entry. */
  readonly pull?: boolean;
}

function validateWith(parse: (text: string) => unknown): (text: string) => string | undefined {
  return (text) => {
    try {
      parse(text);
      return undefined;
    } catch (err) {
      return err instanceof RunInputError ? err.message : (err as Error).message;
    }
  };
}

async function pickImage(docker: Docker, position: StepPosition): Promise<StepResult<string>> {
  const local: ImageItem[] = imageNodes(await docker.listImages(), {
    showDangling: false,
    nowMs: Date.now(),
  }).map((n) => ({
    label: n.ref,
    description: n.description,
    ref: n.ref,
  }));
  const exact = (name: string) => local.find((i) => i.ref === name || i.ref === `${name}:latest`);
  const pullItem = (name: string): ImageItem => ({
    label: `$(cloud-download) Pull and run ${name}`,
    description: validateReference(name) ?? 'not on this engine yet',
    ref: name,
    pull: true,
    alwaysShow: true,
  });
  // Returns `local` itself when nothing is to be added, so the quick pick keeps its highlighted item.
  const itemsFor = (typed: string): ImageItem[] => {
    const name = typed.trim();
    if (!name || exact(name)) return local;
    // Local images that match what is typed stay on top; pulling comes first when none does.
    return local.some((i) => i.ref.includes(name)) ? [...local, pullItem(name)] : [pullItem(name), ...local];
  };
  const picked = await pickStep(position, {
    items: local,
    placeholder: local.length
      ? 'Image to run (local images first; type a name to pull one)'
      : 'Type an image name to pull and run, e.g. busybox',
    itemsFor,
    // Typing fast then Enter can accept the list as it was a keystroke earlier: the pull entry then
    // names an older text, so decide from the text typed.
    resolve: (chosen, typed) => (chosen.pull ? (exact(typed.trim()) ?? pullItem(typed.trim())) : chosen),
  });
  if (picked === BACK || picked === undefined) return picked;
  return picked.ref;
}

function checkedReference(ref: string): string | undefined {
  const error = validateReference(ref);
  if (error) {
    void vscode.window.showErrorMessage(error);
    return undefined;
  }
  return ref;
}

/** The image's config, pulling it first when the engine does not have it. */
async function imageConfig(
  context: CommandContext,
  docker: Docker,
  image: string,
): Promise<Docker.ImageInspectInfo> {
  try {
    return await docker.getImage(image).inspect();
  } catch (err) {
    if (engineStatus(err) !== 404) throw err;
  }
  await pullImage(context, image);
  return docker.getImage(image).inspect();
}

export async function runWizard(
  context: CommandContext,
  preset: { image?: string; interactive?: boolean },
): Promise<RunRequest | undefined> {
  const title = preset.interactive ? 'Run Interactive' : 'Run Container';
  const docker = await context.engine.client();
  const modeFixed = preset.interactive !== undefined;
  const total = (preset.image ? 0 : 1) + 5 + (modeFixed ? 0 : 1);
  const at = (step: number): StepPosition => ({ title, step, totalSteps: total });

  let image = preset.image;
  while (true) {
    if (!image) {
      const picked = await pickImage(docker, at(1));
      if (picked === undefined || picked === BACK) return undefined;
      image = checkedReference(picked);
      if (!image) return undefined;
    }
    const config = await imageConfig(context, docker, image);
    const remembered = context.runChoices.get(image);
    let choices = initialChoices(config.Config?.ExposedPorts, remembered, preset.interactive);
    const first = preset.image ? 1 : 2;
    if (remembered) {
      const same = {
        label: '$(play) Run with the same options as last time',
        description: describeChoices(choices),
      };
      const change = { label: '$(edit) Change options…', description: '' };
      const answer = await pickStep(
        { title: `${title}: ${image}`, step: first, totalSteps: total },
        { items: [same, change], placeholder: `Last time: ${describeChoices(choices)}` },
      );
      if (answer === undefined) return undefined;
      if (answer === BACK) {
        image = preset.image;
        if (!image) continue;
        return undefined;
      }
      if (answer === same) return { image, choices };
    }
    const asked = await askChoices(image, choices, title, first, total, modeFixed, config);
    if (asked === undefined) return undefined;
    if (asked === BACK) {
      if (preset.image) return undefined;
      image = undefined;
      continue;
    }
    choices = asked;
    return { image, choices };
  }
}

async function askChoices(
  image: string,
  start: RunChoices,
  title: string,
  first: number,
  total: number,
  modeFixed: boolean,
  config: Docker.ImageInspectInfo,
): Promise<StepResult<RunChoices>> {
  const position = (i: number): StepPosition => ({
    title: `${title}: ${image}`,
    step: first + i,
    totalSteps: total,
  });
  const exposed = Object.keys(config.Config?.ExposedPorts ?? {});
  const defaultCmd = [...(config.Config?.Entrypoint ?? []), ...(config.Config?.Cmd ?? [])].join(' ');
  type Step = (c: RunChoices, i: number) => Promise<StepResult<RunChoices>>;
  const text =
    (
      key: 'name' | 'ports' | 'env' | 'volumes' | 'command',
      prompt: string,
      placeholder: string,
      validate?: (v: string) => string | undefined,
    ): Step =>
    async (c, i) => {
      const value = await inputStep(position(i), { value: c[key], prompt, placeholder, validate });
      return typeof value === 'string' ? { ...c, [key]: value.trim() } : value;
    };
  const steps: Step[] = [
    text('name', 'Container name (optional)', 'leave empty for a generated name', validateName),
    text(
      'ports',
      exposed.length
        ? `Published ports, host:container (the image exposes ${exposed.join(', ')})`
        : 'Published ports, host:container (optional)',
      'e.g. 8080:80 127.0.0.1:5353:53/udp',
      validateWith(parsePorts),
    ),
    text(
      'env',
      'Environment variables (optional)',
      'e.g. MODE=dev GREETING="hello there"',
      validateWith(parseEnv),
    ),
    text(
      'volumes',
      'Volumes and bind mounts (optional)',
      'e.g. ./data:/data mydata:/var/lib/data:ro',
      validateWith((t) => parseVolumes(t, workspaceDir(), homeDir())),
    ),
    text(
      'command',
      'Command (optional, replaces the image’s CMD)',
      defaultCmd ? `image default: ${defaultCmd}` : 'the image has no default command',
      validateWith(splitWords),
    ),
  ];
  if (!modeFixed) {
    steps.push(async (c, i) => {
      const detached = {
        label: '$(run-all) Detached',
        description: 'in the background; follow its logs from the Containers view',
        interactive: false,
      };
      const interactive = {
        label: '$(terminal) Interactive',
        description: 'a terminal attached to its TTY (docker run -it)',
        interactive: true,
      };
      const answer = await pickStep(position(i), {
        items: [detached, interactive],
        placeholder: 'How to run it',
        active: c.interactive ? interactive : detached,
      });
      return answer === BACK || answer === undefined ? answer : { ...c, interactive: answer.interactive };
    });
  }
  let choices = start;
  for (let i = 0; i < steps.length;) {
    const result = await steps[i](choices, i);
    if (result === undefined) return undefined;
    if (result === BACK) {
      if (i === 0) return BACK;
      i--;
      continue;
    }
    choices = result;
    i++;
  }
  return choices;
}

/** Checks the choices against the engine's create request (volumes need the workspace folder). */
export function createRequest(request: RunRequest): Docker.ContainerCreateOptions {
  return createOptions(request.image, request.choices, workspaceDir(), homeDir());
}

/** Relative bind-mount sources are resolved against the first workspace folder. */
function workspaceDir(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function homeDir(): string {
  return process.env.HOME ?? '/';
}
