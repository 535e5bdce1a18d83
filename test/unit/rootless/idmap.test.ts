import * as assert from 'node:assert/strict';
import {
  disjointRanges,
  mapArgument,
  planMapping,
  subordinateRanges,
} from '../../../engine/src/rootless/idmap';

describe('rootless id mapping', () => {
  const subuid = '# comment\nalice:100000:65536\n1001:300000:1000\nbob:200000:65536\nbroken:x:1\n';

  it('reads the ranges of a user by name or by uid', () => {
    assert.deepEqual(subordinateRanges(subuid, { name: 'alice', id: 1001 }), [
      { start: 100000, count: 65536 },
      { start: 300000, count: 1000 },
    ]);
    assert.deepEqual(subordinateRanges(subuid, { name: 'carol', id: 1003 }), []);
    assert.deepEqual(subordinateRanges(subuid, { name: 'broken', id: 9 }), []);
  });

  it('merges overlapping ranges and cuts out the user own id, which the kernel would refuse', () => {
    assert.deepEqual(
      disjointRanges(
        [
          { start: 200000, count: 65536 },
          { start: 165536, count: 65536 },
        ],
        1000,
      ),
      [{ start: 165536, count: 100000 }],
    );
    assert.deepEqual(disjointRanges([{ start: 1000, count: 10 }], 1004), [
      { start: 1000, count: 4 },
      { start: 1005, count: 5 },
    ]);
  });

  it('maps the user to 0 and the subordinate ids after it', () => {
    const plan = planMapping({
      uid: 1001,
      gid: 1001,
      user: 'alice',
      subuid,
      subgid: 'alice:100000:65536\n',
      newuidmap: '/usr/bin/newuidmap',
      newgidmap: '/usr/bin/newgidmap',
    });
    assert.equal(plan.kind, 'subordinate');
    assert.equal(mapArgument(plan.uidMap), '0 1001 1 1 100000 65536 65537 300000 1000');
    assert.equal(mapArgument(plan.gidMap), '0 1001 1 1 100000 65536');
    assert.deepEqual(plan.helpers, { newuidmap: '/usr/bin/newuidmap', newgidmap: '/usr/bin/newgidmap' });
  });

  it('falls back to a single id, saying why and how to fix it', () => {
    const noRange = planMapping({ uid: 1003, gid: 1003, user: 'carol', subuid, subgid: '' });
    assert.equal(noRange.kind, 'single');
    assert.equal(mapArgument(noRange.uidMap), '0 1003 1');
    assert.match(noRange.reason!, /\/etc\/subuid and \/etc\/subgid give carol no subordinate ids/);
    assert.match(noRange.reason!, /usermod --add-subuids 100000-165535 --add-subgids 100000-165535 carol/);
    const noHelpers = planMapping({ uid: 1001, gid: 1001, user: 'alice', subuid, subgid: subuid });
    assert.equal(noHelpers.kind, 'single');
    assert.match(noHelpers.reason!, /apt-get install uidmap/);
  });
});
