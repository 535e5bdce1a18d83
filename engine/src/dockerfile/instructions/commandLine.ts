// The instructions that carry a command line — RUN (with its mounts, network, security and
// devices), CMD, ENTRYPOINT, SHELL, HEALTHCHECK — as BuildKit's instructions package reads them.

import { goQuote } from '../text';
import type { Flag } from '../model';
import type { FlagValues } from './bflags';
import type * as C from './commands';
import { parseGoDuration, parseGoInt, type Parsed } from './goValues';
import { argumentsSpan, atLeastOne, fail, flagError, flagValues, type Request } from './request';
import { parseDevice, parseMount } from './runFlags';

export function shellDependent(req: Request): C.ShellDependentCommandLine {
  const files = req.instruction.heredocs.map((h) => ({ name: h.name, data: h.content, chomp: h.chomp }));
  const cmdLine = req.args.length === 0 ? [] : req.json ? [...req.args] : [req.args.join(' ')];
  return { cmdLine, files, prependShell: !req.json };
}

export function parseRun(req: Request): C.RunCommand {
  const flags = flagValues(req);
  const used = flags.used;
  // BuildKit's post-parse hooks run in this order: devices, mounts, network, security.
  const devices = (flags.lists.get('device') ?? []).map((value) => {
    const device = parseDevice(value);
    if ('error' in device) flagError(findFlag(req, 'device', value), req, device.error);
    return device.device;
  });
  const mounts = (flags.lists.get('mount') ?? []).map((value) => {
    const flag = findFlag(req, 'mount', value);
    const checked = parseMount(value, false);
    if ('error' in checked) flagError(flag, req, checked.error);
    // The full check needs expanded values; without variables it is the same as BuildKit's later one.
    const evaluated = parseMount(value, true);
    if ('error' in evaluated) {
      if (!value.includes('$')) flagError(flag, req, evaluated.error);
      return checked.mount;
    }
    return evaluated.mount;
  });
  const network = flags.values.get('network') ?? 'default';
  if (network !== 'default' && network !== 'none' && network !== 'host') {
    flagError(used.get('network'), req, `invalid network mode ${goQuote(network)}`);
  }
  const security = flags.values.get('security') ?? 'sandbox';
  if (security !== 'sandbox' && security !== 'insecure') {
    flagError(used.get('security'), req, `security ${goQuote(security)} is not valid`);
  }
  return {
    kind: 'RUN',
    ...shellDependent(req),
    mounts,
    network,
    security,
    devices,
    flagsUsed: [...used.keys()],
  };
}

function findFlag(req: Request, name: string, value: string): Flag | undefined {
  return req.instruction.flags.find((f) => f.name === name && f.value === value);
}

function duration(flags: FlagValues, name: string, req: Request): number {
  const value = flags.values.get(name) ?? '';
  if (value === '') return 0;
  const parsed = parseGoDuration(value);
  if ('error' in parsed) flagError(flags.used.get(name), req, parsed.error);
  if (parsed.value === 0) return 0;
  if (parsed.value < 1e6) {
    flagError(flags.used.get(name), req, `Interval ${goQuote(name)} cannot be less than 1ms`);
  }
  return parsed.value;
}

export function parseHealthcheck(req: Request): C.HealthcheckCommand {
  atLeastOne(req, 'HEALTHCHECK');
  const type = req.args[0].toUpperCase();
  const rest = req.args.slice(1);
  const none = { interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
  if (type === 'NONE') {
    if (rest.length !== 0) fail('HEALTHCHECK NONE takes no arguments', 'arguments', argumentsSpan(req));
    return { kind: 'HEALTHCHECK', test: [type], ...none };
  }
  const flags = flagValues(req);
  if (type !== 'CMD') {
    fail(
      `Unknown type ${goQuote(type)} in HEALTHCHECK (try CMD)`,
      'invalid-argument',
      req.instruction.args[0],
    );
  }
  const cmd = rest.length === 0 ? [] : req.json ? rest : [rest.join(' ')];
  if (cmd.length === 0) fail('Missing command after HEALTHCHECK CMD', 'arguments', argumentsSpan(req));
  const test = [req.json ? type : 'CMD-SHELL', ...cmd];
  const interval = duration(flags, 'interval', req);
  const timeout = duration(flags, 'timeout', req);
  const startPeriod = duration(flags, 'start-period', req);
  const startInterval = duration(flags, 'start-interval', req);
  let retries = 0;
  const retriesValue = flags.values.get('retries') ?? '';
  if (retriesValue !== '') {
    const parsed: Parsed<number> = parseGoInt(retriesValue, { base: 10, signed: true });
    if ('error' in parsed) flagError(flags.used.get('retries'), req, parsed.error);
    if (parsed.value < 0)
      flagError(flags.used.get('retries'), req, `--retries cannot be negative (${parsed.value})`);
    retries = parsed.value;
  }
  return { kind: 'HEALTHCHECK', test, interval, timeout, startPeriod, startInterval, retries };
}

export function parseShell(req: Request): C.ShellCommand {
  flagValues(req);
  const shell = req.args.length === 0 ? [] : req.json ? [...req.args] : [req.args.join(' ')];
  if (shell.length === 0) fail('SHELL requires at least one argument', 'arguments', argumentsSpan(req));
  if (!req.json)
    fail('SHELL requires the arguments to be in JSON form', 'invalid-argument', argumentsSpan(req));
  return { kind: 'SHELL', shell };
}
