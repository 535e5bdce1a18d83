import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/ArchiveCopiedNotAdded', () => {
  it('reports an archive copied then extracted with tar', () => {
    assert.deepEqual(
      messages(
        'FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar xzf /tmp/app.tar.gz -C /opt\n',
        'ArchiveCopiedNotAdded',
      ),
      ['Use `ADD` for extracting archives into an image'],
    );
    assert.deepEqual(messages('FROM debian\nCOPY app.tar.gz /srv/\n', 'ArchiveCopiedNotAdded'), []);
  });
});
