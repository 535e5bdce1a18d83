import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';

import { localImagesFrom } from '../../../../client/src/language/localImages';

const image = (id: string, tags: string[] | null, created: number, size = 100) =>
  ({ Id: id, RepoTags: tags, Created: created, Size: size }) as unknown as Docker.ImageInfo;

describe('client/language/localImages', () => {
  it('lists repositories with their tags, newest image’s details first, untagged images left out', () => {
    const images = [
      image('sha256:a', ['node:20', 'node:lts'], 1_700_000_000),
      image('sha256:b', ['node:22', 'localhost:5000/team/app:v1'], 1_700_000_100, 250),
      image('sha256:c', null, 1_700_000_200),
      image('sha256:d', ['<none>:<none>'], 1_700_000_300),
    ];
    const inspected = new Map([
      [
        'sha256:b',
        {
          Os: 'linux',
          Architecture: 'arm64',
          Variant: 'v8',
          Config: { Env: ['PATH=/bin', 'NODE_VERSION=22'] },
        },
      ],
    ]) as unknown as Map<string, Docker.ImageInspectInfo>;
    assert.deepEqual(localImagesFrom(images, inspected, 'linux/amd64'), {
      platform: 'linux/amd64',
      images: [
        {
          name: 'localhost:5000/team/app',
          tags: ['v1'],
          id: 'sha256:b',
          size: 250,
          created: '2023-11-14T22:15:00.000Z',
          platform: 'linux/arm64/v8',
          env: ['PATH', 'NODE_VERSION'],
        },
        {
          name: 'node',
          tags: ['20', '22', 'lts'],
          id: 'sha256:b',
          size: 250,
          created: '2023-11-14T22:15:00.000Z',
          platform: 'linux/arm64/v8',
          env: ['PATH', 'NODE_VERSION'],
        },
      ],
    });
  });
});
