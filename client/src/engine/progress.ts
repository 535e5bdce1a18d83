// Progress of pull and push as one line for a notification: the engine reports each layer's status
// and bytes; users want "Downloading 2 of 5 layers (12MB of 40MB)".
import { formatSize } from '../tree/format';

/** One message of a pull/push/build progress stream (Docker's JSON messages). */
export interface ProgressMessage {
  readonly status?: string;
  readonly id?: string;
  readonly progressDetail?: { readonly current?: number; readonly total?: number };
  readonly stream?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string; readonly code?: number };
  readonly aux?: { readonly ID?: string; readonly Digest?: string; readonly Tag?: string };
}

interface LayerProgress {
  status: string;
  current: number;
  total: number;
}

const DONE = /^(Pull complete|Already exists|Pushed|Layer already exists|Download complete|Mounted from)/;

export class ProgressTracker {
  private readonly layers = new Map<string, LayerProgress>();
  private lastStatus = '';

  /** Takes one message; throws the engine's error message when it reports one. */
  update(message: ProgressMessage): void {
    if (message.error || message.errorDetail?.message) {
      throw new Error(message.errorDetail?.message || message.error);
    }
    if (!message.status) return;
    if (!message.id || !/^[0-9a-f]{12,}$/.test(message.id)) {
      this.lastStatus = message.id ? `${message.status} ${message.id}` : message.status;
      return;
    }
    const layer = this.layers.get(message.id) ?? { status: '', current: 0, total: 0 };
    layer.status = message.status;
    if (message.progressDetail?.total) {
      layer.total = message.progressDetail.total;
      layer.current = message.progressDetail.current ?? layer.current;
    }
    if (DONE.test(message.status) && layer.total) layer.current = layer.total;
    this.layers.set(message.id, layer);
  }

  /** The line for the notification. */
  summary(verb: 'Downloading' | 'Uploading'): string {
    if (this.layers.size === 0) return this.lastStatus;
    const layers = [...this.layers.values()];
    const done = layers.filter((l) => DONE.test(l.status)).length;
    const total = layers.reduce((sum, l) => sum + l.total, 0);
    const current = layers.reduce((sum, l) => sum + l.current, 0);
    const bytes = total > 0 ? ` (${formatSize(current)} of ${formatSize(total)})` : '';
    return `${verb}: ${done} of ${layers.length} layers done${bytes}`;
  }

  /** 0–1 over the layers whose size is known, or undefined before any is. */
  fraction(): number | undefined {
    const layers = [...this.layers.values()];
    const total = layers.reduce((sum, l) => sum + l.total, 0);
    if (total === 0) return undefined;
    return layers.reduce((sum, l) => sum + l.current, 0) / total;
  }
}
