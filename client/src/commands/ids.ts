// Every command id Berth registers (package.json contributes the same list; a unit test checks).
import type { ViewName } from '../tree/nodes';

/** id → what it does, for messages. */
export const COMMANDS: Readonly<Record<string, string>> = {
  'berth.containers.start': 'start the containers',
  'berth.containers.stop': 'stop the containers',
  'berth.containers.restart': 'restart the containers',
  'berth.containers.kill': 'kill the containers',
  'berth.containers.pause': 'pause the containers',
  'berth.containers.unpause': 'unpause the containers',
  'berth.containers.remove': 'remove the containers',
  'berth.containers.logs': 'show the logs',
  'berth.containers.attachShell': 'open a shell in the container',
  'berth.containers.inspect': 'inspect the container',
  'berth.containers.copyId': 'copy the container ID',
  'berth.containers.openInBrowser': 'open the container in a browser',
  'berth.containers.prune': 'remove stopped containers',
  'berth.images.run': 'run the container',
  'berth.images.runInteractive': 'run the container',
  'berth.images.build': 'build the image',
  'berth.images.buildAndRun': 'build and run the image',
  'berth.images.pull': 'pull the image',
  'berth.images.push': 'push the image',
  'berth.images.tag': 'tag the image',
  'berth.images.remove': 'remove the images',
  'berth.images.inspect': 'inspect the image',
  'berth.images.copyTag': 'copy the tag',
  'berth.images.prune': 'remove unused images',
  'berth.images.showDangling': 'show untagged images',
  'berth.images.hideDangling': 'hide untagged images',
  'berth.volumes.create': 'create the volume',
  'berth.volumes.inspect': 'inspect the volume',
  'berth.volumes.remove': 'remove the volumes',
  'berth.volumes.prune': 'remove unused volumes',
  'berth.networks.create': 'create the network',
  'berth.networks.inspect': 'inspect the network',
  'berth.networks.remove': 'remove the networks',
  'berth.networks.prune': 'remove unused networks',
  'berth.engine.start': 'start the engine',
  'berth.engine.stop': 'stop the engine',
  'berth.engine.showLogs': 'show the engine logs',
  'berth.engine.connect': 'connect to the engine',
  'berth.engine.quickActions': 'show the engine actions',
  'berth.engine.openDocs': 'open the docs',
};

export const VIEWS: readonly ViewName[] = ['containers', 'images', 'volumes', 'networks'];

/** Per-view commands, registered in register.ts: berth.<view>.refresh, .filter, .clearFilter. */
export const VIEW_COMMANDS = VIEWS.flatMap((view) => [
  `berth.${view}.refresh`,
  `berth.${view}.filter`,
  `berth.${view}.clearFilter`,
]);
