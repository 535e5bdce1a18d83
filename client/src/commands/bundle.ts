// Entry point of dist/client/commands.js: every command's implementation, loaded on the first command
// (see lazy.ts and commands/register.ts), plus the build and task code that commands share.
import { attachShell } from './containers/attachShell';
import { buildAndRun } from './images/buildAndRun';
import { buildImage } from './images/build';
import { connectToSocket } from './engine/connect';
import { copyContainerId } from './containers/copyId';
import { copyImageTag } from './images/copyTag';
import { createNetwork } from './networks/create';
import { createVolume } from './volumes/create';
import { engineQuickActions } from './engine/quickActions';
import { hideDanglingImages, showDanglingImages } from './images/showDangling';
import { inspectContainer } from './containers/inspect';
import { inspectImage } from './images/inspect';
import { inspectNetwork } from './networks/inspect';
import { inspectVolume } from './volumes/inspect';
import { killContainers } from './containers/kill';
import { openDocs } from './engine/openDocs';
import { openInBrowser } from './containers/openInBrowser';
import { pauseContainers } from './containers/pause';
import { pruneContainers } from './containers/prune';
import { pruneImages } from './images/prune';
import { pruneNetworks } from './networks/prune';
import { pruneVolumes } from './volumes/prune';
import { pullImages } from './images/pull';
import { pushImages } from './images/push';
import { removeContainers } from './containers/remove';
import { removeImages } from './images/remove';
import { removeNetworks } from './networks/remove';
import { removeVolumes } from './volumes/remove';
import { restartContainers } from './containers/restart';
import { runImage } from './images/run';
import { runImageInteractive } from './images/runInteractive';
import { showEngineLogs } from './engine/showLogs';
import { startContainers } from './containers/start';
import { startEngine } from './engine/start';
import { stopContainers } from './containers/stop';
import { stopEngine } from './engine/stop';
import { tagImage } from './images/tag';
import { unpauseContainers } from './containers/unpause';
import { viewContainerLogs } from './containers/viewLogs';
import type { CommandContext } from './context';

export { stageLenses } from '../build/stageLenses';
export { executeTask } from '../tasks/execute';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command takes its own arguments
export type CommandFunction = (context: CommandContext, ...args: any[]) => Promise<unknown>;

/** id → implementation; commands/register.ts lists the same ids with their descriptions. */
export const commands: Record<string, CommandFunction> = {
  'berth.containers.start': startContainers,
  'berth.containers.stop': stopContainers,
  'berth.containers.restart': restartContainers,
  'berth.containers.kill': killContainers,
  'berth.containers.pause': pauseContainers,
  'berth.containers.unpause': unpauseContainers,
  'berth.containers.remove': removeContainers,
  'berth.containers.logs': viewContainerLogs,
  'berth.containers.attachShell': attachShell,
  'berth.containers.inspect': inspectContainer,
  'berth.containers.copyId': copyContainerId,
  'berth.containers.openInBrowser': openInBrowser,
  'berth.containers.prune': pruneContainers,
  'berth.images.run': runImage,
  'berth.images.runInteractive': runImageInteractive,
  'berth.images.build': buildImage,
  'berth.images.buildAndRun': buildAndRun,
  'berth.images.pull': pullImages,
  'berth.images.push': pushImages,
  'berth.images.tag': tagImage,
  'berth.images.remove': removeImages,
  'berth.images.inspect': inspectImage,
  'berth.images.copyTag': copyImageTag,
  'berth.images.prune': pruneImages,
  'berth.images.showDangling': showDanglingImages,
  'berth.images.hideDangling': hideDanglingImages,
  'berth.volumes.create': createVolume,
  'berth.volumes.inspect': inspectVolume,
  'berth.volumes.remove': removeVolumes,
  'berth.volumes.prune': pruneVolumes,
  'berth.networks.create': createNetwork,
  'berth.networks.inspect': inspectNetwork,
  'berth.networks.remove': removeNetworks,
  'berth.networks.prune': pruneNetworks,
  'berth.engine.start': startEngine,
  'berth.engine.stop': stopEngine,
  'berth.engine.showLogs': showEngineLogs,
  'berth.engine.connect': connectToSocket,
  'berth.engine.quickActions': engineQuickActions,
  'berth.engine.openDocs': openDocs,
};
