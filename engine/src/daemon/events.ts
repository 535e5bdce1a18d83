// The events bus behind `GET /events`: every service publishes here; subscribers get past events
// from a bounded history (since/until) and then live ones, filtered as Docker filters them.
import type { EventMessage, Filters } from '../api/types';

const historySize = 1024;

export type EventType = EventMessage['Type'];

export interface EventsSubscription {
  since?: number;
  until?: number;
  filters: Filters;
}

export class EventBus {
  private readonly history: EventMessage[] = [];
  private readonly listeners = new Set<(e: EventMessage) => void>();

  get listenerCount(): number {
    return this.listeners.size;
  }

  publish(
    type: EventType,
    action: string,
    id: string,
    attributes: Record<string, string> = {},
  ): EventMessage {
    const now = process.hrtime.bigint() - hrtimeOrigin + wallOrigin;
    const event: EventMessage = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(now / 1_000_000_000n),
      timeNano: Number(now),
    };
    // docker-py and other older clients still read the pre-1.22 fields of container/image events.
    if (type === 'container' || type === 'image') {
      event.status = action;
      event.id = id;
      if (attributes.image) event.from = attributes.image;
    }
    this.history.push(event);
    if (this.history.length > historySize) this.history.shift();
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Past events in range, then live ones until `until` passes or the signal aborts. */
  async *subscribe(options: EventsSubscription, signal: AbortSignal): AsyncGenerator<EventMessage> {
    const match = eventMatcher(options.filters);
    const sinceNano = options.since === undefined ? undefined : options.since * 1e9;
    const untilNano = options.until === undefined ? undefined : options.until * 1e9;
    const inRange = (e: EventMessage): boolean =>
      (sinceNano === undefined || e.timeNano >= sinceNano) &&
      (untilNano === undefined || e.timeNano <= untilNano);

    const queue: EventMessage[] = [];
    let wake: (() => void) | undefined;
    const listener = (e: EventMessage): void => {
      queue.push(e);
      wake?.();
    };
    this.listeners.add(listener);
    const onAbort = (): void => wake?.();
    signal.addEventListener('abort', onAbort);
    let timer: NodeJS.Timeout | undefined;
    try {
      if (sinceNano !== undefined) {
        for (const e of this.history.slice()) if (inRange(e) && match(e)) yield e;
      }
      while (!signal.aborted) {
        const remainingMs = untilNano === undefined ? Infinity : untilNano / 1e6 - Date.now();
        if (remainingMs <= 0) return;
        const e = queue.shift();
        if (e) {
          if (inRange(e) && match(e)) yield e;
          continue;
        }
        if (remainingMs !== Infinity) timer = setTimeout(() => wake?.(), Math.ceil(remainingMs) + 1);
        await new Promise<void>((resolve) => (wake = resolve));
        clearTimeout(timer);
        wake = undefined;
      }
    } finally {
      clearTimeout(timer);
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

// Event times need nanoseconds, ordered and close to the wall clock.
const wallOrigin = BigInt(Date.now()) * 1_000_000n;
const hrtimeOrigin = process.hrtime.bigint();

/** Docker's event filters: several values of one key OR, different keys AND. */
export function eventMatcher(filters: Filters): (e: EventMessage) => boolean {
  const checks: ((e: EventMessage) => boolean)[] = [];
  const any = (key: string, test: (value: string, e: EventMessage) => boolean): void => {
    const values = filters[key];
    if (values?.length) checks.push((e) => values.some((v) => test(v, e)));
  };
  any('type', (v, e) => e.Type === v);
  any('event', (v, e) => e.Action === v || e.Action.startsWith(`${v}:`));
  any('scope', (v, e) => e.scope === v);
  const byIdOrName = (type: EventType) => (v: string, e: EventMessage) =>
    e.Type === type && (e.Actor.ID === v || e.Actor.ID.startsWith(v) || e.Actor.Attributes.name === v);
  any('container', byIdOrName('container'));
  any('network', byIdOrName('network'));
  any('volume', byIdOrName('volume'));
  any('daemon', byIdOrName('daemon'));
  any(
    'image',
    (v, e) =>
      (e.Type === 'image' && (e.Actor.ID === v || e.Actor.Attributes.name === v)) ||
      (e.Type === 'container' && e.Actor.Attributes.image === v),
  );
  any('label', (v, e) => {
    const [k, ...rest] = v.split('=');
    const want = rest.length ? rest.join('=') : undefined;
    const have = e.Actor.Attributes[k];
    return have !== undefined && (want === undefined || have === want);
  });
  return (e) => checks.every((c) => c(e));
}
