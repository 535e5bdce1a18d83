import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDigests } from '../../../../engine/src/build/context/file-digests';

describe('FileDigests', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'berth-digests-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes a file and remembers it across instances while its identity holds', () => {
    const file = join(dir, 'f');
    writeFileSync(file, 'hello');
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const store = join(dir, 'digests.json');
    // No racy window here: the file's ctime is "now" (utimes just changed it).
    const first = new FileDigests(store, -1);
    const digest = first.digest(file, statSync(file, { bigint: true }));
    assert.equal(digest, 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    first.save();
    assert.match(readFileSync(store, 'utf8'), /2cf24dba/);
    // A remembered entry is trusted while dev/ino/size/mtime/ctime match: prove it by lying.
    const data = JSON.parse(readFileSync(store, 'utf8'));
    data.files[file].digest = 'sha256:remembered';
    writeFileSync(store, JSON.stringify(data));
    assert.equal(
      new FileDigests(store, -1).digest(file, statSync(file, { bigint: true })),
      'sha256:remembered',
    );
  });

  it('does not remember a file changed just now (it could change again within the clock tick)', () => {
    const file = join(dir, 'f');
    writeFileSync(file, 'fresh');
    const store = join(dir, 'digests.json');
    const digests = new FileDigests(store);
    digests.digest(file, statSync(file, { bigint: true }));
    digests.save();
    assert.throws(() => readFileSync(store));
  });
});
