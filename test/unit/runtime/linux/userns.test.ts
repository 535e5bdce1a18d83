import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMapped, parseIdMap, readUserNamespace } from '../../../../engine/src/runtime/linux/userns';

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
});
