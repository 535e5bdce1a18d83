// Which user-mode network tool connects rootless containers: pasta or slirp4netns. Asked for by
// `berthd --rootless-network`, daemon.json "rootless-network" or BERTH_ROOTLESS_NETWORK (in that
// order); by default pasta (faster, and its containers keep their network across a berthd restart),
// else slirp4netns. When the one asked for is missing, the other is used with a warning.

export type RootlessNetwork = 'pasta' | 'slirp4netns';

export const rootlessNetworkEnv = 'BERTH_ROOTLESS_NETWORK';

export function parseRootlessNetwork(value: string, source: string): RootlessNetwork {
  if (value === 'pasta' || value === 'slirp4netns') return value;
  throw new Error(`${source} ${JSON.stringify(value)}: use pasta or slirp4netns`);
}

export interface NetworkChoice {
  tool?: RootlessNetwork;
  warning?: string;
}

/** Picks the tool from what was asked for and which binaries exist. */
export function chooseRootlessNetwork(
  requested: RootlessNetwork | undefined,
  installed: { pasta: boolean; slirp4netns: boolean },
): NetworkChoice {
  const install = { pasta: 'apt-get install passt', slirp4netns: 'apt-get install slirp4netns' };
  const order: RootlessNetwork[] =
    requested === 'slirp4netns' ? ['slirp4netns', 'pasta'] : ['pasta', 'slirp4netns'];
  const tool = order.find((t) => installed[t]);
  if (!tool) {
    return {
      warning: `no networking for rootless containers: install pasta or slirp4netns (${install.pasta}, or ${install.slirp4netns})`,
    };
  }
  if (requested && tool !== requested) {
    return {
      tool,
      warning: `${requested} is not installed (${install[requested]}): rootless containers use ${tool} instead`,
    };
  }
  return { tool };
}
