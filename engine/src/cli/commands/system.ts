import type { Command } from './command';
import { df } from './df';
import { systemPrune } from './prune';

export const system: Command = {
  name: 'system',
  usage: 'berth system COMMAND',
  summary: 'Manage Berth',
  flags: [],
  args: [0],
  subcommands: [df, systemPrune],
  run: async () => {},
};
