// An engine's JSON message stream (build, load) on the user's screen, as the docker CLI shows it:
// text messages (step lines, a step's output, "Loaded image: …") as they come, and progress (a base
// image pull, layers being loaded) as bars redrawn in place on a terminal, or one line per change of
// state otherwise.
import type { StreamMessage } from '../daemon/images';
import { ProgressRenderer, type ProgressOutput } from './progress';

export class JsonStreamRenderer {
  /** The progress block being drawn; a text message ends it, the next progress starts a new one. */
  private progress: ProgressRenderer | undefined;

  constructor(
    private readonly out: ProgressOutput,
    private readonly tty: boolean,
    private readonly width = 80,
  ) {}

  readonly message = (m: StreamMessage): void => {
    if (m.stream !== undefined) {
      this.progress = undefined;
      this.out.write(m.stream);
      return;
    }
    if (m.status === undefined) return;
    this.progress ??= new ProgressRenderer(this.out, this.tty, this.width);
    this.progress.message({
      status: m.status,
      ...(m.id !== undefined && { id: m.id }),
      ...(m.progressDetail && { progressDetail: m.progressDetail }),
    });
  };
}
