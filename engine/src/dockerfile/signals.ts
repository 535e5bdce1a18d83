// STOPSIGNAL values as BuildKit checks them (moby's signal.ParseSignal): a non-zero number, or a
// signal name with or without `SIG`, in any case. One check for the builder and the language
// server, so both refuse the same values in the same words.
import { constants } from 'node:os';

const realTime = /^RTMIN(\+\d+)?$|^RTMAX(-\d+)?$/;

/** Why `signal` is not a stop signal, or undefined when it is one. */
export function stopSignalError(signal: string): string | undefined {
  if (/^\d+$/.test(signal)) return Number(signal) === 0 ? `invalid signal: ${signal}` : undefined;
  const name = signal.toUpperCase().replace(/^SIG/, '');
  const known = constants.signals as Record<string, number>;
  if (known[`SIG${name}`] !== undefined || realTime.test(name)) return undefined;
  return `invalid signal: ${signal}`;
}
