import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/AddInsteadOfCopy', () => {
  it('reports ADD of plain files', () => {
    assert.deepEqual(messages('FROM debian\nADD app.py /app/\n', 'AddInsteadOfCopy'), [
      'Use COPY instead of ADD for files and folders',
    ]);
  });
  it('accepts URLs, Git, archives and ADD-only flags', () => {
    const text =
      'FROM debian\nADD https://x/y /y\nADD git@github.com:a/b.git /b\nADD app.tar.gz /app\nADD --checksum=sha256:00 z /z\n';
    assert.deepEqual(messages(text, 'AddInsteadOfCopy'), []);
  });
  it('replaces ADD with COPY', () => {
    assert.equal(
      fixed('FROM debian\nADD app.py /app/\n', 'AddInsteadOfCopy'),
      'FROM debian\nCOPY app.py /app/\n',
    );
  });
});
