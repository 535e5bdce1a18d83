import * as assert from 'node:assert/strict';
import { orderedContainerConfig, serializeConfig, type BuildImage } from '../../../engine/src/build/image';

describe('image config', () => {
  it('writes the runnable config in BuildKit field order, OnBuild always present', () => {
    const config = orderedContainerConfig({
      Shell: ['/bin/sh', '-ec'],
      Labels: { b: '1', a: '2' },
      Cmd: ['x'],
      Env: ['PATH=/bin'],
      User: 'nobody',
      Healthcheck: { Retries: 3, Test: ['CMD', 'true'] },
      ArgsEscaped: true,
    });
    assert.deepEqual(Object.keys(config), [
      'User',
      'Env',
      'Cmd',
      'Labels',
      'Healthcheck',
      'ArgsEscaped',
      'OnBuild',
      'Shell',
    ]);
    assert.deepEqual(Object.keys(config.Labels!), ['a', 'b']);
    assert.deepEqual(Object.keys(config.Healthcheck!), ['Test', 'Retries']);
    assert.equal(config.OnBuild, null);
  });

  it('leaves out empty fields and sorts the top-level keys', () => {
    const image: BuildImage = {
      platform: { architecture: 'amd64', os: 'linux' },
      author: 'me',
      config: { Cmd: [], Entrypoint: null, Env: ['A=b'], Volumes: {} },
      history: [
        { created_by: 'ENV A=b', comment: 'buildkit.dockerfile.v0', empty_layer: true, created: 'T' },
      ],
      layers: [],
    };
    const json = serializeConfig(image, '2024-01-01T00:00:00Z').toString();
    assert.equal(
      json,
      '{"architecture":"amd64","author":"me","config":{"Env":["A=b"],"OnBuild":null},"created":"2024-01-01T00:00:00Z",' +
        '"history":[{"created":"T","created_by":"ENV A=b","comment":"buildkit.dockerfile.v0","empty_layer":true}],' +
        '"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}',
    );
  });
});
