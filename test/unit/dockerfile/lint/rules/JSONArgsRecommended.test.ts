import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/JSONArgsRecommended', () => {
  it('reports shell-form CMD and ENTRYPOINT', () => {
    assert.deepEqual(messages('FROM alpine\nCMD echo hi\nENTRYPOINT run.sh\n', 'JSONArgsRecommended'), [
      'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
      'JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals',
    ]);
  });
  it('accepts JSON form, and shell form after SHELL (in the stage or a parent stage)', () => {
    assert.deepEqual(messages('FROM alpine\nCMD ["echo", "hi"]\n', 'JSONArgsRecommended'), []);
    assert.deepEqual(
      messages('FROM alpine AS a\nSHELL ["/bin/bash", "-c"]\nFROM a\nCMD echo hi\n', 'JSONArgsRecommended'),
      [],
    );
  });
  it('converts a simple command line to JSON form', () => {
    assert.equal(
      fixed('FROM alpine\nCMD node "server.js" --port 80\n', 'JSONArgsRecommended'),
      'FROM alpine\nCMD ["node", "server.js", "--port", "80"]\n',
    );
  });
  it('offers no conversion when the command needs a shell', () => {
    assert.equal(
      fixed('FROM alpine\nCMD node server.js && echo $HOME\n', 'JSONArgsRecommended'),
      'FROM alpine\nCMD node server.js && echo $HOME\n',
    );
  });
});
