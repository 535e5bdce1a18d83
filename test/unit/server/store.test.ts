import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { computeDiagnostics } from '../../../server/src/diagnostics';
import type { DockerfileDocument } from '../../../engine/src/dockerfile/lint/document';
import { defaultEnvironment } from '../../../engine/src/dockerfile/lint/environment';
import { DocumentStore } from '../../../server/src/store';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A store over in-memory documents that records each validation and the turn it ran in. */
function storeOver(texts: Map<string, TextDocument>, burstMs?: number) {
  let turn = 0;
  const validated: { uri: string; version: number; turn: number }[] = [];
  const store = new DocumentStore(
    (uri) => texts.get(uri),
    (model) => validated.push({ uri: model.uri, version: model.version, turn }),
    burstMs,
  );
  return { store, validated, tick: async () => (turn++, await nextTurn()) };
}

/** Opens a Dockerfile per name, one per turn of the event loop, as the connection delivers them. */
async function openOnePerTurn(
  names: string[],
  texts: Map<string, TextDocument>,
  store: DocumentStore,
  tick: () => Promise<unknown>,
): Promise<string[]> {
  const uris = names.map((n) => `file:///p/${n}/Dockerfile`);
  for (const uri of uris) {
    texts.set(uri, TextDocument.create(uri, 'dockerfile', 1, 'FROM alpine\n'));
    store.schedule(uri);
    await tick();
  }
  return uris;
}

async function until(what: string, condition: () => boolean, turns = 1000): Promise<void> {
  for (let i = 0; i < turns && !condition(); i++) await nextTurn();
  assert.ok(condition(), `${what} did not happen within ${turns} turns of the event loop`);
}

describe('server/store', () => {
  it('validates a burst of edits arriving one per turn together, once it is over', async () => {
    const texts = new Map<string, TextDocument>();
    // A generous limit, so that a slow machine cannot split the burst.
    const { store, validated, tick } = storeOver(texts, 60_000);
    const uris = await openOnePerTurn(['a', 'b', 'c', 'd'], texts, store, tick);
    await until('validation of the burst', () => validated.length === uris.length);
    assert.deepEqual(
      validated.map((v) => v.uri),
      uris,
    );
    assert.equal(new Set(validated.map((v) => v.turn)).size, 1, 'all four in one turn');
  });

  it('validates what a burst already changed once it has lasted its limit', async () => {
    const texts = new Map<string, TextDocument>();
    const { store, validated, tick } = storeOver(texts, 0);
    const uris = await openOnePerTurn(['a', 'b', 'c'], texts, store, tick);
    await until('validation of the burst', () => validated.length === uris.length);
    assert.deepEqual(
      validated.map((v) => v.turn),
      [1, 2, 3],
      'each file on the turn after it changed',
    );
  });

  it('validates a single edit on the next turns, with the latest version', async () => {
    const uri = 'file:///p/Dockerfile';
    const texts = new Map([[uri, TextDocument.create(uri, 'dockerfile', 1, 'FROM alpine\n')]]);
    const { store, validated } = storeOver(texts);
    store.schedule(uri);
    texts.set(uri, TextDocument.create(uri, 'dockerfile', 2, 'FROM alpine\nRUN true\n'));
    store.schedule(uri);
    await until('validation of the edit', () => validated.length > 0, 3);
    assert.deepEqual(validated, [{ uri, version: 2, turn: 0 }]);
  });

  it('validates a waiting document at once when a whole-document answer needs it, only once', async () => {
    const texts = new Map<string, TextDocument>();
    const { store, validated, tick } = storeOver(texts, 60_000);
    const [a, b] = await openOnePerTurn(['a', 'b'], texts, store, tick);
    store.validatePending(b);
    assert.deepEqual(validated, [{ uri: b, version: 1, turn: 2 }], 'b now, before the burst ends');
    store.validatePending(b);
    await until('validation of the rest of the burst', () => validated.length === 2);
    assert.deepEqual(
      validated.map((v) => v.uri),
      [b, a],
      'a later, and b not again',
    );
    store.validatePending(a);
    assert.equal(validated.length, 2, 'a document not waiting is not validated again');
  });

  it('gives a document that fell out of the active ones the same diagnostics, parsed again', () => {
    const texts = new Map<string, TextDocument>();
    const store = new DocumentStore(
      (uri) => texts.get(uri),
      () => undefined,
    );
    const first = 'file:///p/0/Dockerfile';
    const text = 'FROM alpine AS base\nRUN cd /app\nFROM base as next\nCOPY --from=nowhere /a /b\n';
    texts.set(first, TextDocument.create(first, 'dockerfile', 1, text));
    const model: DockerfileDocument = store.get(first)!;
    const before = computeDiagnostics(model, defaultEnvironment);
    const parse = model.dockerfile;
    for (let i = 1; i <= 20; i++) {
      const uri = `file:///p/${i}/Dockerfile`;
      texts.set(uri, TextDocument.create(uri, 'dockerfile', 1, 'FROM alpine\n'));
      store.get(uri);
    }
    assert.equal(store.get(first), model, 'the same version keeps its model');
    assert.notEqual(model.dockerfile, parse, 'the parse was dropped and made again');
    assert.deepEqual(computeDiagnostics(model, defaultEnvironment), before);
    assert.ok(before.length >= 3);
  });

  it('validates a long burst in slices, turning the event loop between them, each document once', async () => {
    const texts = new Map<string, TextDocument>();
    let turn = 0;
    const validated: { uri: string; version: number; turn: number }[] = [];
    const store = new DocumentStore(
      (uri) => texts.get(uri),
      (model) => {
        // Each validation takes 2 ms, so the 20 take several slices of 8 ms.
        const busyUntil = performance.now() + 2;
        while (performance.now() < busyUntil);
        validated.push({ uri: model.uri, version: model.version, turn });
      },
      0,
      8,
    );
    const uris = Array.from({ length: 20 }, (_, i) => `file:///p/${i}/Dockerfile`);
    for (const uri of uris) {
      texts.set(uri, TextDocument.create(uri, 'dockerfile', 1, 'FROM alpine\n'));
      store.schedule(uri);
    }
    const last = uris[uris.length - 1];
    for (; turn < 1000 && validated.length < uris.length; turn++) {
      await nextTurn();
      // The last file changes again while the first ones are being validated.
      if (validated.length > 0 && texts.get(last)!.version === 1) {
        texts.set(last, TextDocument.create(last, 'dockerfile', 2, 'FROM alpine\nRUN true\n'));
        store.schedule(last);
      }
    }
    assert.deepEqual(
      validated.map((v) => v.uri),
      uris,
      'each document once, in the order they changed',
    );
    assert.equal(validated[validated.length - 1].version, 2, 'the last one at its latest version');
    const turns = new Set(validated.map((v) => v.turn)).size;
    assert.ok(turns >= 3, `40 ms of validation ran in ${turns} turn(s) of the event loop`);
  });

  it('reports an edit in one stage that changes the diagnostics of another, in a burst', async () => {
    const uri = 'file:///p/app/Dockerfile';
    const stages = (name: string) =>
      `FROM alpine:3.20 AS ${name}\nRUN true\nFROM alpine:3.20 AS middle\nRUN true\n` +
      'FROM alpine:3.20\nCOPY --from=builder /out /out\n';
    const texts = new Map([[uri, TextDocument.create(uri, 'dockerfile', 1, stages('builder'))]]);
    const published: { version: number; codes: unknown[] }[] = [];
    const store = new DocumentStore(
      (u) => texts.get(u),
      (model) =>
        published.push({
          version: model.version,
          codes: computeDiagnostics(model, defaultEnvironment).map((d) => d.code),
        }),
    );
    const other = 'file:///p/other/Dockerfile';
    texts.set(other, TextDocument.create(other, 'dockerfile', 1, 'FROM alpine:3.20\n'));
    store.schedule(uri);
    await until('the first diagnostics', () => published.length === 1);
    assert.ok(!published[0].codes.includes('CopyFromUnknownStage'));
    // Rename the first stage (a near miss of the name COPY --from uses, three stages later),
    // amid edits to another file, then rename it back.
    texts.set(uri, TextDocument.create(uri, 'dockerfile', 2, stages('builer')));
    store.schedule(uri);
    await nextTurn();
    store.schedule(other);
    await until('diagnostics of the rename', () => published.some((p) => p.version === 2));
    assert.ok(published.find((p) => p.version === 2)!.codes.includes('CopyFromUnknownStage'));
    texts.set(uri, TextDocument.create(uri, 'dockerfile', 3, stages('builder')));
    store.schedule(uri);
    await until('diagnostics of the rename back', () => published.some((p) => p.version === 3));
    assert.ok(!published.find((p) => p.version === 3)!.codes.includes('CopyFromUnknownStage'));
  });
});
