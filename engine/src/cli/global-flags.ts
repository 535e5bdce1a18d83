// The flags `berth` takes before its verb, in a module of their own so that bin/berth's rootless
// gate (prestart.ts) can read them without loading the CLI.
import type { FlagSpec } from './args';

export const globalFlags: FlagSpec[] = [
  {
    name: 'root',
    type: 'string',
    description: 'State directory (default /var/lib/berth as root, $XDG_DATA_HOME/berth otherwise)',
    value: 'dir',
  },
  {
    name: 'host',
    short: 'H',
    type: 'string',
    description:
      "Engine socket to connect to (unix:///path; default $BERTH_HOST, $DOCKER_HOST, then berthd's)",
    value: 'socket',
  },
  {
    name: 'insecure-registry',
    type: 'list',
    description:
      'Registry (host[:port], or a CIDR range of addresses) that may be reached over plain http (repeatable)',
    value: 'host',
  },
  {
    name: 'config',
    type: 'string',
    description:
      'Config file (default $BERTH_CONFIG, /etc/berth/config.json as root, ~/.config/berth/config.json)',
    value: 'file',
  },
  { name: 'help', short: 'h', type: 'boolean', description: 'Print usage' },
  { name: 'version', short: 'v', type: 'boolean', description: 'Print version information and quit' },
];
