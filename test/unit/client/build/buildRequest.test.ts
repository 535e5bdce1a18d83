import * as assert from 'node:assert/strict';

import {
  contextDirFor,
  defaultTag,
  dockerfileInContext,
  repositoryNameFor,
  withTag,
} from '../../../../client/src/build/buildRequest';

describe('client/build/buildRequest', () => {
  it('names the image after its folder, in a form Docker accepts', () => {
    assert.equal(repositoryNameFor('My App!'), 'my-app');
    assert.equal(repositoryNameFor('__'), 'image');
    assert.equal(defaultTag('/ws/services/api/Dockerfile', '/ws'), 'api:latest');
    assert.equal(defaultTag('/ws/Dockerfile', '/ws'), 'ws:latest');
    assert.equal(defaultTag('/ws/Dockerfile', '/ws', 'test'), 'ws:test');
  });

  it('takes the Dockerfile’s folder as context unless berth.build.context says otherwise', () => {
    assert.equal(contextDirFor('/ws/app/Dockerfile', '', '/ws'), '/ws/app');
    assert.equal(contextDirFor('/ws/app/Dockerfile', '.', '/ws'), '/ws');
    assert.equal(contextDirFor('/ws/app/Dockerfile', '/elsewhere', '/ws'), '/elsewhere');
  });

  it('passes the Dockerfile’s path inside the context, and refuses one outside', () => {
    assert.equal(
      dockerfileInContext({ contextDir: '/ws', dockerfile: '/ws/app/Dockerfile.dev' }),
      'app/Dockerfile.dev',
    );
    assert.throws(
      () => dockerfileInContext({ contextDir: '/ws/app', dockerfile: '/ws/Dockerfile' }),
      /outside its build context \/ws\/app/,
    );
  });

  it('adds :latest only when there is no tag', () => {
    assert.equal(withTag('app'), 'app:latest');
    assert.equal(withTag('localhost:5000/app'), 'localhost:5000/app:latest');
    assert.equal(withTag('localhost:5000/app:v1'), 'localhost:5000/app:v1');
    assert.equal(withTag(`app@sha256:${'a'.repeat(64)}`), `app@sha256:${'a'.repeat(64)}`);
  });
});
