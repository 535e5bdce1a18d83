import * as assert from 'node:assert/strict';
import { environmentWith, messages } from '../../../server/helpers';

function withIgnore(ignore: string) {
  const files = {
    list: () => undefined,
    read: (uri: string) => (uri === 'file:///project/.dockerignore' ? ignore : undefined),
  };
  return environmentWith({ rules: { CopyIgnoredFile: 'warning' } }, { files });
}

describe('rules/CopyIgnoredFile', () => {
  it('reports copying a path that .dockerignore excludes (or whose parent it excludes)', () => {
    const env = withIgnore('node_modules\n*.log\n');
    assert.deepEqual(
      messages(
        'FROM alpine\nCOPY node_modules/x app.log src /app/\nADD debug.log /\n',
        'CopyIgnoredFile',
        env,
      ),
      [
        'Attempting to Copy file "node_modules/x" that is excluded by .dockerignore',
        'Attempting to Copy file "app.log" that is excluded by .dockerignore',
        'Attempting to Add file "debug.log" that is excluded by .dockerignore',
      ],
    );
  });
  it('stays silent with exceptions, COPY --from, no .dockerignore, or "." unless everything is ignored', () => {
    assert.deepEqual(
      messages('FROM alpine\nCOPY app.log /\n', 'CopyIgnoredFile', withIgnore('*.log\n!keep.log\n')),
      [],
    );
    assert.deepEqual(
      messages(
        'FROM alpine AS a\nFROM alpine\nCOPY --from=a app.log /\n',
        'CopyIgnoredFile',
        withIgnore('*.log'),
      ),
      [],
    );
    assert.deepEqual(messages('FROM alpine\nCOPY app.log /\n', 'CopyIgnoredFile', environmentWith()), []);
    assert.deepEqual(messages('FROM alpine\nCOPY . /\n', 'CopyIgnoredFile', withIgnore('*.log')), []);
    assert.deepEqual(messages('FROM alpine\nCOPY . /\n', 'CopyIgnoredFile', withIgnore('*\n')), [
      'Attempting to Copy file "." that is excluded by .dockerignore',
    ]);
  });
});
