import * as assert from 'node:assert/strict';
import type { CompletionItem } from 'vscode-languageserver-types';
import { computeCompletion } from '../../../server/src/completion';
import { ImageCatalog, type ServiceEnvironment } from '../../../engine/src/dockerfile/lint/environment';
import { cursor, documentOf, environmentWith } from './helpers';

function complete(marked: string, environment: ServiceEnvironment = environmentWith()): CompletionItem[] {
  const { text, position } = cursor(marked);
  return computeCompletion(documentOf(text), position, environment).items;
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const inserted = (item: CompletionItem | undefined) =>
  item?.textEdit && 'newText' in item.textEdit ? item.textEdit.newText : undefined;

describe('server/completion', () => {
  it('offers instructions with snippets at the start of a line, FROM and ARG first before any stage', () => {
    const items = complete('|');
    assert.ok(labels(items).includes('FROM image'));
    const first = [...items].sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1))[0];
    assert.match(String(first.label), /^(FROM|ARG)/);
    const run = complete('FROM alpine\nR|').find((i) => i.label === 'RUN command');
    assert.equal(inserted(run), 'RUN ${1:command}');
  });

  it('keeps the case the user types', () => {
    assert.ok(labels(complete('from alpine\nru|')).includes('run command'));
  });

  it('offers only ONBUILD-able triggers after ONBUILD', () => {
    const items = labels(complete('FROM alpine\nONBUILD |'));
    assert.ok(items.includes('RUN command'));
    assert.ok(!items.some((l) => String(l).startsWith('FROM')));
  });

  it('offers the flags of each instruction, modern ones included', () => {
    assert.deepEqual(labels(complete('FROM alpine\nRUN --|')).sort(), [
      '--device',
      '--mount',
      '--network',
      '--security',
    ]);
    const copy = labels(complete('FROM alpine\nCOPY --|'));
    for (const flag of ['--from', '--chown', '--chmod', '--link', '--parents', '--exclude'])
      assert.ok(copy.includes(flag), flag);
    const add = labels(complete('FROM alpine\nADD --|'));
    for (const flag of ['--checksum', '--keep-git-dir', '--unpack', '--link'])
      assert.ok(add.includes(flag), flag);
  });

  it('does not offer a flag already used (unless repeatable)', () => {
    const items = labels(complete('FROM alpine\nCOPY --link --|'));
    assert.ok(!items.includes('--link'));
    assert.ok(labels(complete('FROM alpine\nRUN --mount=type=ssh --|')).includes('--mount'));
  });

  it('offers flag values and mount options', () => {
    assert.deepEqual(labels(complete('FROM alpine\nRUN --network=|')), ['default', 'none', 'host']);
    assert.ok(labels(complete('FROM alpine\nRUN --mount=|')).includes('type='));
    assert.deepEqual(labels(complete('FROM alpine\nRUN --mount=type=|')), [
      'bind',
      'cache',
      'tmpfs',
      'secret',
      'ssh',
    ]);
    const cacheKeys = labels(complete('FROM alpine\nRUN --mount=type=cache,|'));
    assert.ok(
      cacheKeys.includes('sharing=') && cacheKeys.includes('target=') && !cacheKeys.includes('size='),
    );
    assert.deepEqual(labels(complete('FROM alpine\nRUN --mount=type=cache,sharing=|')), [
      'shared',
      'private',
      'locked',
    ]);
  });

  it('offers earlier stage names after --from= and in mounts', () => {
    const text = 'FROM golang AS build\nFROM alpine AS tools\nFROM scratch\nCOPY --from=|';
    assert.deepEqual(labels(complete(text)), ['build', 'tools']);
    assert.deepEqual(labels(complete('FROM golang AS build\nFROM alpine\nRUN --mount=from=|')), ['build']);
  });

  it('offers variables in scope after $ and ${', () => {
    const items = complete('ARG GLOBAL=1\nFROM alpine\nARG VERSION=2\nENV HOME_DIR=/x\nRUN echo ${|');
    assert.deepEqual(labels(items).sort(), ['HOME_DIR', 'VERSION']);
    assert.equal(inserted(items.find((i) => i.label === 'VERSION')), 'VERSION}');
    const from = labels(complete('ARG TAG=1\nFROM alpine:$|'));
    assert.ok(from.includes('TAG') && from.includes('BUILDPLATFORM'));
  });

  it('offers images (local first) and their tags after FROM', () => {
    const environment = environmentWith(
      {},
      { images: new ImageCatalog([{ name: 'myapp', tags: ['dev', '1.0'] }]) },
    );
    const images = complete('FROM |', environment);
    assert.equal(images[0].label, 'myapp');
    assert.ok(labels(images).includes('alpine') && labels(images).includes('node'));
    assert.ok(labels(complete('FROM node:|')).includes('22-alpine'));
    assert.deepEqual(labels(complete('FROM myapp:|', environment)), ['dev', '1.0']);
    assert.deepEqual(labels(complete('FROM alpine |')), ['AS']);
  });

  it('offers directives at the top and check names in # check=skip=', () => {
    assert.deepEqual(labels(complete('# |\nFROM alpine')), ['syntax=', 'escape=', 'check=']);
    const checks = labels(complete('# check=skip=UndefinedVar,Json|\nFROM alpine'));
    assert.ok(checks.includes('JSONArgsRecommended') && checks.includes('PackageVersionsNotPinned'));
    assert.ok(labels(complete('# syntax=|\nFROM alpine')).includes('docker/dockerfile:1'));
  });

  it('offers HEALTHCHECK types and STOPSIGNAL signals', () => {
    assert.deepEqual(labels(complete('FROM alpine\nHEALTHCHECK --interval=5s |')), ['CMD', 'NONE']);
    assert.ok(labels(complete('FROM alpine\nSTOPSIGNAL |')).includes('SIGTERM'));
  });

  it('offers build-context paths for COPY sources', () => {
    const files = {
      list: (uri: string) =>
        uri === 'file:///project/'
          ? ['src/', 'package.json']
          : uri === 'file:///project/src/'
            ? ['main.ts']
            : undefined,
      read: () => undefined,
    };
    const environment = environmentWith({}, { files });
    assert.deepEqual(labels(complete('FROM node\nCOPY |', environment)), ['src/', 'package.json']);
    assert.deepEqual(labels(complete('FROM node\nCOPY src/m|', environment)), ['main.ts']);
    assert.deepEqual(labels(complete('FROM node\nCOPY --from=x |', environment)), []);
  });

  it('offers nothing inside heredoc bodies', () => {
    assert.deepEqual(complete('FROM alpine\nRUN <<EOF\nec|\nEOF\n'), []);
  });
});
