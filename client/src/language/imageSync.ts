// Keeps the language server's list of local images current: sent when the server starts or the engine
// connects, and again after every image event. Image details (platform, environment) are inspected
// once per image ID.
import type Docker from 'dockerode';
import type { Disposable } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { LocalImagesNotification } from '../../../server/src/protocol';
import type { EngineConnection } from '../engine/connection';
import { localImagesFrom } from './localImages';

const COALESCE_MS = 100;

export function syncLocalImages(client: LanguageClient, engine: EngineConnection): Disposable {
  const inspected = new Map<string, Docker.ImageInspectInfo>();
  let timer: NodeJS.Timeout | undefined;
  let sending = Promise.resolve();

  const send = async () => {
    const docker = engine.clientIfConnected();
    if (!docker) return;
    const [images, version] = await Promise.all([docker.listImages(), docker.version()]);
    for (const image of images) {
      if (!inspected.has(image.Id)) inspected.set(image.Id, await docker.getImage(image.Id).inspect());
    }
    const platform = version.Os && version.Arch ? `${version.Os}/${version.Arch}` : undefined;
    await client.sendNotification(LocalImagesNotification.type, localImagesFrom(images, inspected, platform));
  };
  const later = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      // One at a time, so an older list never arrives after a newer one.
      sending = sending.then(send).catch(() => undefined);
    }, COALESCE_MS);
  };

  const subscriptions = [
    engine.onDidReceiveEvent((event) => {
      if (event.Type === 'image') later();
    }),
    engine.onDidChangeState((state) => {
      if (state.kind === 'connected') later();
    }),
  ];
  later();
  return {
    dispose: () => {
      clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
    },
  };
}
