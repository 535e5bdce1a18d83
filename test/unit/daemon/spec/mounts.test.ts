import * as assert from 'node:assert/strict';
import { parseBind, planMounts } from '../../../../engine/src/daemon/spec/mounts';

describe('mount planning', () => {
  it('parses -v host paths and volume names with options', () => {
    assert.deepEqual(parseBind('/srv/data:/data:ro,rshared'), {
      type: 'bind',
      source: '/srv/data',
      destination: '/data',
      readOnly: true,
      propagation: 'rshared',
      createSource: true,
      nonRecursive: false,
    });
    assert.deepEqual(parseBind('cache:/var/cache/:nocopy'), {
      type: 'volume',
      name: 'cache',
      destination: '/var/cache',
      readOnly: false,
      noCopy: true,
    });
  });

  it('refuses relative destinations, "/", unknown options and duplicates', () => {
    assert.throws(() => parseBind('/a:data'), /mount path must be absolute/);
    assert.throws(() => parseBind('/a:/'), /destination can't be '\/'/);
    assert.throws(() => parseBind('/a:/b:fast'), /unknown option 'fast'/);
    assert.throws(() => parseBind('justone'), /SOURCE:DESTINATION/);
    assert.throws(() => planMounts({ Binds: ['/a:/x', 'v:/x'] }, []), /Duplicate mount point: \/x/);
  });

  it('adds anonymous volumes for image VOLUMEs not otherwise mounted', () => {
    const plan = planMounts({ Binds: ['named:/data'], Tmpfs: { '/run': 'size=1m' } }, [
      '/data',
      '/var/lib/db',
    ]);
    assert.deepEqual(
      plan.map((m) => [m.type, m.destination, m.type === 'volume' ? m.name : undefined]),
      [
        ['volume', '/data', 'named'],
        ['tmpfs', '/run', undefined],
        ['volume', '/var/lib/db', undefined],
      ],
    );
  });

  it('parses --mount objects, refusing bad types and escaping subpaths', () => {
    const plan = planMounts(
      {
        Mounts: [
          { Type: 'bind', Source: '/h', Target: '/c', ReadOnly: true },
          { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } },
          { Type: 'volume', Target: '/v', VolumeOptions: { NoCopy: true } },
        ],
      },
      [],
    );
    assert.equal(plan.length, 3);
    assert.deepEqual(plan[1], { type: 'tmpfs', destination: '/t', options: ['size=1048576', 'mode=1777'] });
    assert.throws(
      () => planMounts({ Mounts: [{ Type: 'npipe' as 'bind', Target: '/x' }] }, []),
      /not supported/,
    );
    assert.throws(
      () =>
        planMounts(
          { Mounts: [{ Type: 'volume', Source: 'v', Target: '/x', VolumeOptions: { Subpath: '../up' } }] },
          [],
        ),
      /subpath/,
    );
  });
});
