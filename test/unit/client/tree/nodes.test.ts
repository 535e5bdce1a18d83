import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';

import {
  containerNodes,
  exitCodeOf,
  imageNodes,
  networkNodes,
  volumeNodes,
} from '../../../../client/src/tree/nodes';

function container(
  name: string,
  state: string,
  extra: Partial<Docker.ContainerInfo> = {},
): Docker.ContainerInfo {
  return {
    Id: `${name}`.padEnd(64, '0'),
    Names: [`/${name}`],
    Image: 'busybox:latest',
    ImageID: 'sha256:1',
    Command: 'sh',
    Created: 1_700_000_000,
    Ports: [],
    Labels: {},
    State: state,
    Status: state === 'running' ? 'Up 3 minutes' : 'Exited (0) 2 minutes ago',
    HostConfig: { NetworkMode: 'default' },
    NetworkSettings: { Networks: {} },
    Mounts: [],
    ...extra,
  };
}

describe('client/tree/nodes', () => {
  describe('containerNodes', () => {
    it('gives each state its contextValue (what menus key on) and icon', () => {
      const nodes = containerNodes([
        container('web', 'running'),
        container('job', 'exited'),
        container('paused-one', 'paused'),
        container('fresh', 'created'),
      ]);
      const byName = Object.fromEntries(nodes.map((n) => [n.label, n]));
      assert.equal(byName.web.contextValue, 'runningContainer');
      assert.equal(byName.web.icon.color, 'charts.green');
      assert.equal(byName.job.contextValue, 'exitedContainer');
      assert.equal(byName['paused-one'].contextValue, 'pausedContainer');
      assert.equal(byName.fresh.contextValue, 'createdContainer');
    });

    it('marks a container that exited with an error, and an unhealthy one', () => {
      const nodes = containerNodes([
        container('crashed', 'exited', { Status: 'Exited (137) 5 seconds ago' }),
        container('sick', 'running', { Status: 'Up 2 minutes (unhealthy)' }),
      ]);
      assert.deepEqual(
        nodes.map((n) => [n.label, n.icon.id]),
        [
          ['crashed', 'error'],
          ['sick', 'warning'],
        ],
      );
    });

    it('describes image, status and published ports', () => {
      const [node] = containerNodes([
        container('web', 'running', {
          Ports: [
            { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
            { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
            { IP: '', PrivatePort: 443, PublicPort: 0, Type: 'tcp' },
          ],
        }),
      ]);
      assert.equal(node.description, 'busybox:latest · Up 3 minutes · 8080→80/tcp, 443/tcp');
    });

    it('groups containers by compose project, projects first, with a running count', () => {
      const labels = (service: string) => ({
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': service,
      });
      const nodes = containerNodes([
        container('zeta', 'running'),
        container('shop-web-1', 'running', { Labels: labels('web') }),
        container('shop-db-1', 'exited', { Labels: labels('db') }),
      ]);
      assert.deepEqual(
        nodes.map((n) => n.label),
        ['shop', 'zeta'],
      );
      const group = nodes[0];
      assert.equal(group.kind, 'composeGroup');
      assert.equal(group.contextValue, 'composeGroup');
      assert.equal(group.description, '1/2 running');
      if (group.kind !== 'composeGroup') return;
      assert.deepEqual(
        group.children.map((c) => c.label),
        ['shop-db-1', 'shop-web-1'],
      );
      assert.equal(group.children[0].group, group, 'children know their group (for reveal)');
    });

    it('filters by container name, image or compose project', () => {
      const list = [
        container('api', 'running', { Image: 'node:20' }),
        container('cache', 'running', { Image: 'redis:7' }),
        container('shop-web-1', 'running', { Labels: { 'com.docker.compose.project': 'shop' } }),
      ];
      assert.deepEqual(
        containerNodes(list, 'REDIS').map((n) => n.label),
        ['cache'],
      );
      assert.deepEqual(
        containerNodes(list, 'shop').map((n) => n.label),
        ['shop'],
      );
      assert.deepEqual(containerNodes(list, 'nothing-like-this'), []);
    });

    it('reads exit codes from the status', () => {
      assert.equal(exitCodeOf('Exited (137) 2 minutes ago'), 137);
      assert.equal(exitCodeOf('Up 2 minutes'), undefined);
    });
  });

  describe('imageNodes', () => {
    const now = 1_700_000_000_000;
    const image = (tags: string[] | null, created = 1_700_000_000 - 3600): Docker.ImageInfo =>
      ({
        Id: `sha256:${'ab'.repeat(32)}`,
        RepoTags: tags,
        Size: 4_260_000,
        Created: created,
        Labels: {},
      }) as unknown as Docker.ImageInfo;

    it('shows one row per tag, with size and age', () => {
      const nodes = imageNodes([image(['app:v2', 'app:latest'])], { showDangling: false, nowMs: now });
      assert.deepEqual(
        nodes.map((n) => [n.label, n.description, n.contextValue]),
        [
          ['app:latest', '4.26MB · about an hour ago', 'image'],
          ['app:v2', '4.26MB · about an hour ago', 'image'],
        ],
      );
    });

    it('hides untagged images unless asked, and lists them last', () => {
      const list = [image(null), image(['<none>:<none>']), image(['busybox:latest'])];
      assert.deepEqual(
        imageNodes(list, { showDangling: false, nowMs: now }).map((n) => n.label),
        ['busybox:latest'],
      );
      const shown = imageNodes(list, { showDangling: true, nowMs: now });
      assert.equal(shown.length, 3);
      assert.equal(shown[0].label, 'busybox:latest');
      assert.match(shown[1].label, /^<none> \(abababababab\)$/);
      assert.equal(shown[1].ref, `sha256:${'ab'.repeat(32)}`);
    });
  });

  it('names anonymous volumes by their short form and tells custom networks apart', () => {
    const volumes = volumeNodes([
      { Name: 'f'.repeat(64), Driver: 'local', Mountpoint: '/x', Labels: {}, Scope: 'local' },
      { Name: 'pgdata', Driver: 'local', Mountpoint: '/y', Labels: {}, Scope: 'local' },
    ] as unknown as Docker.VolumeInspectInfo[]);
    assert.deepEqual(
      volumes.map((v) => [v.label, v.description]),
      [
        ['ffffffffffff', 'local · anonymous'],
        ['pgdata', 'local'],
      ],
    );
    const networks = networkNodes([
      { Name: 'bridge', Id: '1', Driver: 'bridge', Scope: 'local' },
      {
        Name: 'backend',
        Id: '2',
        Driver: 'bridge',
        Scope: 'local',
        IPAM: { Config: [{ Subnet: '172.20.0.0/16' }] },
      },
    ] as unknown as Docker.NetworkInspectInfo[]);
    assert.deepEqual(
      networks.map((n) => [n.label, n.contextValue, n.description]),
      [
        ['backend', 'customNetwork', 'bridge · local · 172.20.0.0/16'],
        ['bridge', 'network', 'bridge · local'],
      ],
    );
  });
});
