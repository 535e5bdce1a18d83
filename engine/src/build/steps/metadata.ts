// Instructions that only change the image config (and the stage's variables): ENV, LABEL, ARG,
// USER, EXPOSE, VOLUME, STOPSIGNAL, SHELL, HEALTHCHECK, CMD, ENTRYPOINT, ONBUILD, MAINTAINER.
// Each writes the config and the history entry exactly as BuildKit does. Commands arrive with
// their words expanded (expandInstruction), ARG excepted: a default is expanded only when no
// build arg replaces it.
import { exposedPortKeys, stopSignalError, type Command, type CommandOf } from '../../dockerfile';
import { goDuration, goList, goQuoteList, goQuoteRune, goSetMap } from '../go-format';
import type { StageState } from '../stage-state';

/** Proxy variables RUN steps get from --build-arg without an ARG (kept out of history). */
export const proxyArgs = new Set([
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
]);

export interface ArgInputs {
  /** --build-arg values. */
  buildArgs: Readonly<Record<string, string>>;
  /** Global ARG and platform ARG values (a bare stage ARG takes its value from these). */
  metaArgs: ReadonlyMap<string, string>;
  /** Records which build args the Dockerfile used (for the "not consumed" warning). */
  consumed: Set<string>;
}

/** The default shell of Linux images. */
export const defaultShell = ['/bin/sh', '-c'];

export function withShell(state: StageState, cmdLine: readonly string[]): string[] {
  const shell = state.image.config.Shell?.length ? state.image.config.Shell : defaultShell;
  return [...shell, cmdLine.join(' ')];
}

export function dispatchMetadata(state: StageState, command: Command, args: ArgInputs): void {
  const config = state.image.config;
  switch (command.kind) {
    case 'ENV': {
      // Every pair was expanded against the variables as they were before this instruction.
      const pairs = command.env.map((e) => [e.key, e.value] as const);
      for (const [k, v] of pairs) state.setEnv(k, v);
      state.commit(`ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`, false);
      return;
    }
    case 'LABEL': {
      const pairs = command.labels.map((l) => [l.key, l.value] as const);
      config.Labels ??= {};
      for (const [k, v] of pairs) config.Labels[k] = v;
      state.commit(`LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`, false);
      return;
    }
    case 'ARG':
      dispatchArg(state, command, args);
      return;
    case 'USER': {
      const user = command.user;
      config.User = user;
      state.commit(`USER ${user}`, false);
      return;
    }
    case 'EXPOSE': {
      const ports = command.ports.flatMap(exposedPortKeys);
      config.ExposedPorts ??= {};
      for (const p of ports) config.ExposedPorts[p] = {};
      state.commit(`EXPOSE ${goSetMap([...new Set(ports)])}`, false);
      return;
    }
    case 'VOLUME': {
      const volumes = command.volumes;
      config.Volumes ??= {};
      for (const v of volumes) {
        if (v === '') throw new Error('VOLUME specified can not be an empty string');
        config.Volumes[v] = {};
      }
      state.commit(`VOLUME ${goList(volumes)}`, false);
      return;
    }
    case 'STOPSIGNAL': {
      const signal = command.signal;
      const invalid = stopSignalError(signal);
      if (invalid) throw new Error(invalid);
      config.StopSignal = signal;
      state.commit(`STOPSIGNAL ${signal}`, false);
      return;
    }
    case 'SHELL':
      config.Shell = [...command.shell];
      state.commit(`SHELL ${goList(command.shell)}`, false);
      return;
    case 'HEALTHCHECK': {
      const h = command;
      config.Healthcheck = {
        Test: [...h.test],
        ...(h.interval && { Interval: h.interval }),
        ...(h.timeout && { Timeout: h.timeout }),
        ...(h.startPeriod && { StartPeriod: h.startPeriod }),
        ...(h.startInterval && { StartInterval: h.startInterval }),
        ...(h.retries && { Retries: h.retries }),
      };
      const durations = [h.interval, h.timeout, h.startPeriod, ...(h.startInterval ? [h.startInterval] : [])];
      state.commit(
        `HEALTHCHECK &{${goQuoteList(h.test)} ${durations.map((d) => `"${goDuration(d)}"`).join(' ')} ${goQuoteRune(h.retries)}}`,
        false,
      );
      return;
    }
    case 'CMD': {
      const cmd = command.prependShell ? withShell(state, command.cmdLine) : [...command.cmdLine];
      config.Cmd = cmd;
      config.ArgsEscaped = true;
      state.cmdSet = true;
      state.commit(`CMD ${goQuoteList(cmd)}`, false);
      return;
    }
    case 'ENTRYPOINT': {
      const entrypoint = command.prependShell ? withShell(state, command.cmdLine) : [...command.cmdLine];
      config.Entrypoint = entrypoint;
      if (!state.cmdSet) config.Cmd = null;
      state.commit(`ENTRYPOINT ${goQuoteList(entrypoint)}`, false);
      return;
    }
    case 'ONBUILD':
      config.OnBuild = [...(config.OnBuild ?? []), command.expression];
      return;
    case 'MAINTAINER':
      state.image.author = command.maintainer;
      state.commit(`MAINTAINER ${command.maintainer}`, false);
      return;
    default:
      throw new Error(`${command.kind} is not a metadata instruction`);
  }
}

function dispatchArg(state: StageState, command: CommandOf<'ARG'>, inputs: ArgInputs): void {
  const written: string[] = [];
  for (const arg of command.args) {
    let value: string | undefined;
    let shown = arg.value === undefined ? arg.key : undefined;
    if (Object.prototype.hasOwnProperty.call(inputs.buildArgs, arg.key)) {
      value = inputs.buildArgs[arg.key];
      inputs.consumed.add(arg.key);
    }
    if (arg.value !== undefined) {
      const expanded = state.expand(arg.value);
      shown = `${arg.key}=${expanded}`;
      value ??= expanded;
    } else if (value === undefined) {
      value = inputs.metaArgs.get(arg.key);
    }
    if (value !== undefined) state.env.set(arg.key, value);
    state.args.push({ key: arg.key, value });
    written.push(shown!);
  }
  state.commit(`ARG ${written.join(' ')}`, false);
}
