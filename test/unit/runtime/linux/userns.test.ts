import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkMappedUser,
  isMapped,
  parseIdMap,
  readUserNamespace,
} from '../../../../engine/src/runtime/linux/userns';

describe('user namespace facts', () => {
  it('tells the initial namespace from a rootless one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-userns-'));
    try {
      writeFileSync(join(dir, 'uid_map'), '         0          0 4294967295\n');
      writeFileSync(join(dir, 'gid_map'), '         0          0 4294967295\n');
      writeFileSync(join(dir, 'setgroups'), 'allow\n');
      assert.equal(readUserNamespace(dir).nested, false);
      writeFileSync(join(dir, 'uid_map'), '0 1002 1\n1 165536 65536\n');
      writeFileSync(join(dir, 'setgroups'), 'deny\n');
      const facts = readUserNamespace(dir);
      assert.equal(facts.nested, true);
      assert.equal(facts.setgroupsAllowed, false);
      assert.equal(isMapped(facts.uidMap, 65536), true);
      assert.equal(isMapped(facts.uidMap, 65537), false);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('parses map lines', () => {
    assert.deepEqual(parseIdMap('0 1000 1\nbad\n'), [{ inside: 0, outside: 1000, size: 1 }]);
  });

  it('refuses a user the namespace does not map, naming the fix', () => {
    const single = {
      nested: true,
      uidMap: parseIdMap('0 1000 1'),
      gidMap: parseIdMap('0 1000 1'),
      setgroupsAllowed: false,
    };
    checkMappedUser({ uid: 0, gid: 0 }, single);
    assert.throws(
      () => checkMappedUser({ uid: 1234, gid: 0 }, single),
      /user 1234:0 does not exist .* maps 0 only: .*usermod --add-subuids/,
    );
    const host = { nested: false, uidMap: [], gidMap: [], setgroupsAllowed: true };
    checkMappedUser({ uid: 1234, gid: 1234 }, host);
  });
});
