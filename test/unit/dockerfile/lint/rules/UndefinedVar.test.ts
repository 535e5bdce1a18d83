import * as assert from 'node:assert/strict';
import { ImageCatalog } from '../../../../../engine/src/dockerfile/lint/environment';
import { environmentWith, fixed, messages } from '../../../server/helpers';

describe('rules/UndefinedVar', () => {
  it('reports every undefined variable on scratch (whose environment is known to be empty)', () => {
    assert.deepEqual(messages('FROM scratch\nCOPY $SRC /dst\n', 'UndefinedVar'), [
      "Usage of undefined variable '$SRC'",
    ]);
  });
  it('suggests a near name in scope', () => {
    assert.deepEqual(messages('FROM alpine\nARG VERSION=1\nCOPY app-$VERSON.tgz /\n', 'UndefinedVar'), [
      "Usage of undefined variable '$VERSON' (did you mean $VERSION?)",
    ]);
  });
  it('reports a global ARG used in a stage without redeclaring it, and offers to declare it', () => {
    const text = 'ARG VERSION=1\nFROM alpine\nCOPY app-$VERSION.tgz /\n';
    assert.deepEqual(messages(text, 'UndefinedVar'), ["Usage of undefined variable '$VERSION'"]);
    assert.equal(
      fixed(text, 'UndefinedVar'),
      'ARG VERSION=1\nFROM alpine\nARG VERSION\nCOPY app-$VERSION.tgz /\n',
    );
  });
  it('does not guess about variables an unknown base image may set', () => {
    assert.deepEqual(
      messages('FROM eclipse-temurin:21\nENV PATH=$JAVA_HOME/bin:$PATH\nWORKDIR $APP_HOME\n', 'UndefinedVar'),
      [],
    );
  });
  it('uses the environment of a local image when the engine reported it', () => {
    const env = environmentWith(
      { rules: { UndefinedVar: 'warning' } },
      { images: new ImageCatalog([{ name: 'alpine', tags: ['3'], env: ['PATH'] }]) },
    );
    assert.deepEqual(messages('FROM alpine:3\nENV P=$PATH:$NOPE\n', 'UndefinedVar', env), [
      "Usage of undefined variable '$NOPE'",
    ]);
  });
  it('ignores RUN commands (the shell expands them) but checks RUN --mount values', () => {
    assert.deepEqual(messages('FROM scratch\nRUN echo $X\n', 'UndefinedVar'), []);
    assert.deepEqual(messages('FROM scratch\nRUN --mount=type=cache,target=$CACHE ls\n', 'UndefinedVar'), [
      "Usage of undefined variable '$CACHE'",
    ]);
  });
  it('resolves ARG defaults that use earlier names of the same instruction', () => {
    assert.deepEqual(messages('FROM scratch\nARG A=1 B=$A\n', 'UndefinedVar'), []);
  });
  it('sees ENV inherited from a parent stage', () => {
    assert.deepEqual(
      messages('FROM scratch AS base\nENV DIR=/x\nFROM base\nWORKDIR $DIR\n', 'UndefinedVar'),
      [],
    );
  });
  it('fixes to the suggestion', () => {
    assert.equal(
      fixed('FROM alpine\nARG VERSION=1\nCOPY $VERSON /\n', 'UndefinedVar'),
      'FROM alpine\nARG VERSION=1\nCOPY $VERSION /\n',
    );
  });
});
