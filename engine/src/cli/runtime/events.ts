// `berth-runtime events`: runc's event stream for one container, as JSON lines: a "stats" event
// every --interval (default 5s) and an "oom" event when the kernel's OOM killer has killed one of
// its processes; it ends when the container stops. `--stats` prints one stats event and exits.
import type { Runtime } from '../../runtime';
import { LifecycleError, statsJson } from '../../runtime';
import type { FlagSpec, Parsed } from './args';
import { bool, flag, UsageError } from './args';

export const eventsFlags: FlagSpec[] = [{ name: 'interval', value: true }, { name: 'stats' }];

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000 };

/** A Go duration as runc takes it: "5s", "250ms", "1m30s". */
export function parseDuration(text: string): number {
  let total = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)(ms|s|m|h)/g, (_, n: string, unit: string) => {
    total += Number(n) * unitMs[unit];
    return '';
  });
  if (rest !== '' || text === '' || total <= 0)
    throw new UsageError(`events: --interval "${text}" is not a duration like 5s or 250ms`);
  return total;
}

export async function events(rt: Runtime, p: Parsed, write: (line: string) => void): Promise<number> {
  if (p.positional.length !== 1) throw new UsageError('events needs exactly one container id');
  const id = p.positional[0];
  const interval = parseDuration(flag(p, 'interval') ?? '5s');
  const stats = () => statsJson({ type: 'stats', id, data: rt.stats(id) });
  if (bool(p, 'stats')) {
    write(stats());
    return 0;
  }
  let stopped = false;
  const exited = rt.wait(id).then(() => (stopped = true));
  let ooms = rt.oomKills(id);
  for (;;) {
    const now = rt.oomKills(id);
    if (now > ooms) write(JSON.stringify({ type: 'oom', id }));
    ooms = now;
    if (stopped) return 0;
    try {
      write(stats());
    } catch (err) {
      if (err instanceof LifecycleError) return 0; // it stopped
      throw err;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, interval)))]);
    clearTimeout(timer);
  }
}
