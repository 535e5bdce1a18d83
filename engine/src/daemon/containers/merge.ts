// The effective configuration of a new container: the request merged over the image's config,
// with Docker's rules (an entrypoint given drops the image's CMD, env and labels merge by key…).
import type { ContainerConfig, HealthConfig } from '../../api/types';

function envKey(e: string): string {
  const i = e.indexOf('=');
  return i < 0 ? e : e.slice(0, i);
}

/** Image env first, the container's values replacing those with the same name. */
export function mergeEnv(image: string[] = [], user: string[] = []): string[] {
  const out = new Map<string, string>();
  for (const e of [...image, ...user]) out.set(envKey(e), e);
  return [...out.values()];
}

function mergeHealth(
  image: HealthConfig | null | undefined,
  user: HealthConfig | null | undefined,
): HealthConfig | undefined {
  if (!user) return image ?? undefined;
  if (!image) return user;
  // An empty Test inherits the image's test; zero durations inherit the image's values.
  return {
    Test: user.Test?.length ? user.Test : image.Test,
    Interval: user.Interval || image.Interval,
    Timeout: user.Timeout || image.Timeout,
    StartPeriod: user.StartPeriod || image.StartPeriod,
    StartInterval: user.StartInterval || image.StartInterval,
    Retries: user.Retries || image.Retries,
  };
}

export function mergeConfig(user: ContainerConfig, image: ContainerConfig): ContainerConfig {
  const out: ContainerConfig = { ...user };
  out.User = user.User || image.User || '';
  out.Env = mergeEnv(image.Env ?? [], user.Env ?? []);
  out.Labels = { ...(image.Labels ?? {}), ...(user.Labels ?? {}) };
  out.ExposedPorts = { ...(image.ExposedPorts ?? {}), ...(user.ExposedPorts ?? {}) };
  out.Volumes = { ...(image.Volumes ?? {}), ...(user.Volumes ?? {}) };
  out.WorkingDir = user.WorkingDir || image.WorkingDir || '';
  out.StopSignal = user.StopSignal || image.StopSignal || undefined;
  const userEntrypoint = user.Entrypoint ?? null;
  // `--entrypoint ""` arrives as [""]: it clears the image's entrypoint.
  const clearedEntrypoint =
    userEntrypoint !== null && userEntrypoint.length === 1 && userEntrypoint[0] === '';
  if (userEntrypoint === null || userEntrypoint.length === 0) {
    out.Entrypoint = image.Entrypoint ?? null;
    if (!user.Cmd?.length) out.Cmd = image.Cmd ?? null;
  } else if (clearedEntrypoint) {
    out.Entrypoint = null;
    if (!user.Cmd?.length) out.Cmd = null;
  }
  const health = mergeHealth(image.Healthcheck, user.Healthcheck);
  if (health) out.Healthcheck = health;
  return out;
}
