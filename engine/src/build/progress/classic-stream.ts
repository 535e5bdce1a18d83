// The JSON stream Docker's classic POST /build sends, one object per line, from build events:
//
//   {"stream":"Step 2/3 : RUN make\n"}
//   {"stream":"gcc -o app main.c\n"}
//   {"stream":" ---> 47c3bf7c9d56\n"}
//   {"aux":{"ID":"sha256:47c3bf7c9d56…"}}
//   {"stream":"Successfully built 47c3bf7c9d56\n"}
//   {"stream":"Successfully tagged app:latest\n"}
//
// and, when the build fails, {"errorDetail":{"message":…},"error":…} (see classicError).
import { familiarName, parseReference } from '../../oci/reference';
import { BuildError, dockerfileSnippet } from '../errors';
import { checkWarningsText } from './check-warnings';
import type { BuildEvent } from './events';

export type ClassicMessage =
  | { stream: string }
  | { aux: { ID: string } }
  | { errorDetail: { code?: number; message: string }; error: string };

/**
 * Turns build events into classic stream messages; `send` gets each one.
 *
 * Docker's classic builder commits an image after every step and ends the step with its id, so the
 * last ` ---> ` line names the image that "Successfully built" names. A step's result line is held
 * back until more of the build follows; the build's last one is replaced by the image's id.
 */
export function classicStream(send: (message: ClassicMessage) => void): (e: BuildEvent) => void {
  const classic = new Set<number>();
  let heldResult: string | undefined;
  const sendHeld = () => {
    if (heldResult !== undefined) send({ stream: `${heldResult}\n` });
    heldResult = undefined;
  };
  return (e) => {
    switch (e.kind) {
      case 'step-start':
        if (e.classic) {
          sendHeld();
          classic.add(e.step);
          send({ stream: `${e.classic}\n` });
        }
        return;
      case 'step-cached':
        if (classic.has(e.step)) {
          sendHeld();
          send({ stream: ' ---> Using cache\n' });
        }
        return;
      case 'step-output':
        if (classic.has(e.step)) {
          sendHeld();
          send({ stream: e.data });
        }
        return;
      case 'step-done':
        if (classic.has(e.step) && e.result) {
          sendHeld();
          heldResult = e.result;
        }
        return;
      case 'step-status':
      case 'step-error':
        return;
      case 'warning':
        send({ stream: `[Warning] ${e.message}\n` });
        return;
      case 'check-warnings':
        send({ stream: checkWarningsText(e.findings) });
        return;
      case 'image':
        heldResult = undefined;
        send({ stream: ` ---> ${e.id.slice(7, 19)}\n` });
        send({ aux: { ID: e.id } });
        send({ stream: `Successfully built ${e.id.slice(7, 19)}\n` });
        for (const tag of e.tags)
          send({ stream: `Successfully tagged ${familiarName(parseReference(tag))}\n` });
        return;
    }
  };
}

/** The error line that ends a failed classic stream. */
export function classicError(err: unknown, dockerfileText?: string): ClassicMessage {
  let message = (err as Error).message ?? String(err);
  if (err instanceof BuildError) {
    const { logTail, location, exitCode } = err.details;
    if (logTail?.length) message += `\n${logTail.join('\n')}`;
    if (location && dockerfileText !== undefined)
      message += `\n${dockerfileSnippet(dockerfileText, location)}`;
    return { errorDetail: { ...(exitCode !== undefined && { code: exitCode }), message }, error: message };
  }
  return { errorDetail: { message }, error: message };
}
