// Every verb of `berth`, one module each. The builder adds `build` and `run` here.
import { build } from './build';
import type { Command } from './command';
import { completeWords, completion } from './completion';
import { cp } from './cp';
import { image } from './image';
import { images } from './images';
import { inspect } from './inspect';
import { load } from './load';
import { login } from './login';
import { network } from './network';
import { container } from './prune';
import { pull } from './pull';
import { push } from './push';
import { rmi } from './rmi';
import { run } from './run';
import { save } from './save';
import { system } from './system';
import { tag } from './tag';
import { volume } from './volume';

export const commands: Command[] = [
  build,
  run,
  pull,
  push,
  images,
  rmi,
  tag,
  inspect,
  save,
  load,
  login,
  system,
  image,
  cp,
  container,
  volume,
  network,
  completion,
  completeWords,
];

/** docker-style aliases: `berth image ls`, `berth image pull`, … */
export const aliases: Record<string, string[]> = {
  'image ls': ['images'],
  'image list': ['images'],
  'image pull': ['pull'],
  'image push': ['push'],
  'image rm': ['rmi'],
  'image tag': ['tag'],
  'image inspect': ['inspect'],
  'image save': ['save'],
  'image load': ['load'],
  'image build': ['build'],
};
