import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/WorkdirRelativePath', () => {
  it('reports the first WORKDIR of a stage when it is relative', () => {
    assert.deepEqual(messages('FROM alpine\nWORKDIR app\nWORKDIR sub\n', 'WorkdirRelativePath'), [
      'Relative workdir "app" can have unexpected results if the base image changes',
    ]);
  });
  it('accepts relative paths after an absolute one, also inherited from a parent stage', () => {
    assert.deepEqual(messages('FROM alpine\nWORKDIR /app\nWORKDIR sub\n', 'WorkdirRelativePath'), []);
    assert.deepEqual(
      messages('FROM alpine AS a\nWORKDIR /app\nFROM a\nWORKDIR sub\n', 'WorkdirRelativePath'),
      [],
    );
  });
  it('leaves paths that start with a variable alone', () => {
    assert.deepEqual(messages('FROM alpine\nWORKDIR $HOME/app\n', 'WorkdirRelativePath'), []);
  });
  it('makes the path absolute', () => {
    assert.equal(fixed('FROM alpine\nWORKDIR app\n', 'WorkdirRelativePath'), 'FROM alpine\nWORKDIR /app\n');
  });
});

describe('rules/WorkdirRelativePath with Windows paths', () => {
  it('treats drive paths as absolute', () => {
    assert.deepEqual(
      messages('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:/app\n', 'WorkdirRelativePath'),
      [],
    );
  });
});
