// What `docker commit` and `docker import` share: the `--change` instructions applied to the new
// image's config (by the builder's own dispatcher, so they mean what they mean in a Dockerfile),
// and the name the new image gets.
import type { StageState } from '../build/stage-state';
import { dispatchMetadata } from '../build/steps/metadata';
import { parseDockerfile } from '../dockerfile';
import type { Instruction } from '../dockerfile/model';
import { formatReference, parseReference } from '../oci/reference';
import { invalid } from './errors';

/** The instructions Docker accepts as a change: those that only set configuration. */
const allowedChanges = [
  'CMD',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'LABEL',
  'ONBUILD',
  'USER',
  'VOLUME',
  'WORKDIR',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
];

/** Parses `--change` lines (each a Dockerfile instruction), refusing any other instruction. */
export function parseChanges(changes: readonly string[]): Instruction[] {
  const parsed = parseDockerfile(`FROM scratch\n${changes.join('\n')}\n`);
  if (parsed.errors.length) throw invalid(`invalid change: ${parsed.errors[0].message}`);
  const instructions = parsed.instructions.slice(1);
  for (const i of instructions) {
    if (!allowedChanges.includes(i.name)) {
      throw invalid(`${i.name} is not a valid change command: use one of ${allowedChanges.join(', ')}`);
    }
  }
  return instructions;
}

/** Applies parsed changes to the image being made. */
export function applyChanges(state: StageState, changes: readonly Instruction[]): void {
  for (const i of changes) {
    if (!i.command) throw invalid(`invalid change: ${i.argsText?.value ?? i.name}`);
    dispatchMetadata(state, i.command, { buildArgs: {}, metaArgs: new Map(), consumed: new Set() });
  }
}

/** `repo` and `tag` as the normalised reference the new image is named by, if a repo was given. */
export function newImageReference(repo: string | undefined, tag: string | undefined): string | undefined {
  if (!repo) return undefined;
  return formatReference(parseReference(tag ? `${repo}:${tag}` : repo));
}
