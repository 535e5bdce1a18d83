// Every verb of `berth`, one module each. The builder adds `build` and `run` here.
import { build } from './build';
import type { Command } from './command';
import { completeWords, completion } from './completion';
import { cp } from './cp';
import { image } from './image';
import { history } from './history';
import { images } from './images';
import { inspect } from './inspect';
import { load } from './load';
import { login, logout } from './login';
import { update } from './containers/update';
import { attach } from './containers/attach';
import { network } from './network';
import { container } from './prune';
import { pull } from './pull';
import { push } from './push';
import { rmi } from './rmi';
import { create, run } from './run';
import { events } from './containers/events';
import { exec } from './containers/exec';
import { commit, diff, exportContainer, importTarball } from './containers/filesystem';
import { kill, pause, rename, restart, rm, start, stop, top, unpause, wait } from './containers/lifecycle';
import { logs } from './containers/logs';
import { ps } from './containers/ps';
import { port } from './containers/port';
import { stats } from './containers/stats';
import { info, version } from './containers/system-info';
import { save } from './save';
import { system } from './system';
import { tag } from './tag';
import { volume } from './volume';

export const commands: Command[] = [
  build,
  run,
  create,
  ps,
  logs,
  exec,
  attach,
  start,
  stop,
  restart,
  kill,
  rm,
  pause,
  unpause,
  wait,
  rename,
  update,
  top,
  stats,
  port,
  diff,
  exportContainer,
  commit,
  pull,
  push,
  images,
  history,
  rmi,
  tag,
  inspect,
  save,
  load,
  importTarball,
  login,
  logout,
  version,
  info,
  events,
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
  'image inspect': ['inspect', '--type', 'image'],
  'image save': ['save'],
  'image load': ['load'],
  'image build': ['build'],
  'image history': ['history'],
  'image import': ['import'],
  'container ls': ['ps'],
  'container list': ['ps'],
  'container run': ['run'],
  'container create': ['create'],
  'container logs': ['logs'],
  'container exec': ['exec'],
  'container start': ['start'],
  'container stop': ['stop'],
  'container restart': ['restart'],
  'container kill': ['kill'],
  'container rm': ['rm'],
  'container pause': ['pause'],
  'container unpause': ['unpause'],
  'container wait': ['wait'],
  'container rename': ['rename'],
  'container update': ['update'],
  'container attach': ['attach'],
  'container top': ['top'],
  'container stats': ['stats'],
  'container port': ['port'],
  'container inspect': ['inspect', '--type', 'container'],
  'container cp': ['cp'],
  'container diff': ['diff'],
  'container export': ['export'],
  'container commit': ['commit'],
  'system info': ['info'],
  'system events': ['events'],
};
