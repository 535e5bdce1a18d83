import * as assert from 'node:assert/strict';
import { parseSecretFlag } from '../../../engine/src/build/options';
import { destinationPath } from '../../../engine/src/build/steps/copy';

describe('build options', () => {
  it('reads --secret like docker build', () => {
    assert.deepEqual(parseSecretFlag('id=tok,src=/run/tok'), { id: 'tok', file: '/run/tok' });
    assert.deepEqual(parseSecretFlag('id=tok,env=TOKEN'), { id: 'tok', env: 'TOKEN' });
    assert.deepEqual(parseSecretFlag('type=file,id=a,source=b'), { id: 'a', file: 'b' });
    assert.throws(() => parseSecretFlag('src=/x'), /give the secret an id/);
    assert.throws(() => parseSecretFlag('id=a,color=red'), /unknown key "color"/);
  });

  it('resolves COPY destinations against WORKDIR, keeping a trailing slash', () => {
    assert.equal(destinationPath('/app', '.'), '/app/');
    assert.equal(destinationPath('/app', 'sub/'), '/app/sub/');
    assert.equal(destinationPath('/app', 'file'), '/app/file');
    assert.equal(destinationPath('/app', '/abs/../x'), '/x');
    assert.equal(destinationPath('/', '/'), '/');
  });
});
