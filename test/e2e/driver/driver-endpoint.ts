// The runner's side of the channel that suite tests use to ask for things only the outside can do
// (today: a screenshot of the workbench). A tiny HTTP server on 127.0.0.1; its URL reaches the
// extension host in the BERTH_E2E_DRIVER environment variable. Each request is answered only when
// the work is done, so a test that awaits screenshot() knows the PNG is on disk.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { KeyboardRequest, TextRequest, WorkbenchInput } from './workbench-input';

export interface ScreenshotRequest {
  /** File name without extension: letters, digits, '.', '_' and '-'. */
  name: string;
  /** CSS selector to wait for (visible) before capturing, e.g. the suggest widget. */
  waitForSelector?: string;
}

export type CaptureScreenshot = (request: ScreenshotRequest) => Promise<string>;

/** Requests besides /screenshot: POST /keyboard and POST /text (see workbench-input.ts). */
const inputRoutes: Record<string, (input: WorkbenchInput, body: never) => Promise<object>> = {
  '/keyboard': (input: WorkbenchInput, body: KeyboardRequest) =>
    input.keyboard(body).then(() => ({ ok: true })),
  '/text': async (input: WorkbenchInput, body: TextRequest) => {
    if (typeof body.selector !== 'string') throw new Error('text needs a CSS "selector"');
    return { texts: await input.text(body) };
  },
};

export interface DriverEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9._-]{1,100}$/;

export async function startDriverEndpoint(
  capture: CaptureScreenshot,
  input?: WorkbenchInput,
): Promise<DriverEndpoint> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const route = req.url ? inputRoutes[req.url] : undefined;
    if (req.method === 'POST' && route && input) {
      readJson(req)
        .then((body) => route(input, body as never))
        .then((answer) => reply(200, answer))
        .catch((err: Error) => reply(500, { error: err.message }));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/screenshot') {
      return reply(404, { error: `no such driver request: ${req.method} ${req.url}; use POST /screenshot` });
    }
    readJson(req)
      .then(async (body) => {
        const request = body as Partial<ScreenshotRequest>;
        if (typeof request.name !== 'string' || !NAME.test(request.name)) {
          return reply(400, {
            error: `bad screenshot name ${JSON.stringify(request.name)}: use [A-Za-z0-9._-]`,
          });
        }
        if (request.waitForSelector !== undefined && typeof request.waitForSelector !== 'string') {
          return reply(400, { error: 'waitForSelector must be a CSS selector string' });
        }
        const file = await capture({ name: request.name, waitForSelector: request.waitForSelector });
        reply(200, { path: file });
      })
      .catch((err: Error) => reply(500, { error: err.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new Error('the request body is not JSON');
  }
}
