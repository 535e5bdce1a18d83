// Pull, Tag and Push against a real registry (Debian's docker-registry on 127.0.0.1, seeded with the
// busybox test image by skopeo): what the user types in the palette, what the registry then holds.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { makeBusyboxLayout, skopeoPush } from '../../../helpers/busybox-image';
import { haveRegistry, startRegistry, type TestRegistry } from '../../../helpers/registry';
import { keyboard } from '../helpers';
import { QUICK_INPUT, session, waitForRow } from './session';
import { skipBecause } from '../../../helpers/skip';

export function registryTests(): void {
  let registry: TestRegistry | undefined;

  before(async function () {
    if (!haveRegistry()) {
      return skipBecause(this, 'needs docker-registry (apt, see .ci/setup)');
    }
    registry = await startRegistry();
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-e2e-layout-'));
    try {
      skopeoPush(makeBusyboxLayout(path.join(dir, 'layout')), `${registry.address}/e2e/busybox:v1`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  after(async () => {
    await registry?.stop();
  });

  it('pulls an image named in the palette, which then shows in the Images view', async () => {
    const ref = `${registry!.address}/e2e/busybox:v1`;
    const pulled = vscode.commands.executeCommand('berth.images.pull');
    await keyboard({ waitFor: QUICK_INPUT, hasText: 'Image to pull', type: ref, press: ['Enter'] });
    await pulled;
    await waitForRow('images', ref);
    const image = await session.engine.docker.getImage(ref).inspect();
    assert.ok(image.RepoTags.includes(ref), `the engine has ${image.RepoTags.join(', ')}`);
  });

  it('tags an image and pushes the tag to its registry', async () => {
    const ref = `${registry!.address}/e2e/pushed-${session.engine.kind}:v2`;
    const source = await waitForRow('images', session.engine.image);
    const tagged = vscode.commands.executeCommand('berth.images.tag', source);
    await keyboard({ waitFor: QUICK_INPUT, hasText: 'New tag', press: ['Control+a'] });
    await keyboard({ type: ref, press: ['Enter'] });
    await tagged;
    const row = await waitForRow('images', ref);
    await vscode.commands.executeCommand('berth.images.push', row);
    // The registry itself says it holds the tag now.
    const manifest = await fetch(`${registry!.url}/v2/e2e/pushed-${session.engine.kind}/manifests/v2`, {
      headers: {
        accept:
          'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
      },
    });
    assert.equal(manifest.status, 200, `the registry answered ${manifest.status} for the pushed tag`);
  });
}
