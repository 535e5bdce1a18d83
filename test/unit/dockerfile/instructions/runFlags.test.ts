import * as assert from 'node:assert/strict';
import { parseDevice, parseMount } from '../../../../engine/src/dockerfile';

describe('RUN --mount and --device values', () => {
  it('defaults to a read-only bind mount', () => {
    const r = parseMount('target=/src,source=.', true);
    assert.ok('mount' in r);
    assert.deepEqual(
      [r.mount.type, r.mount.target, r.mount.source, r.mount.readOnly],
      ['bind', '/src', '.', true],
    );
  });

  it('reads cache, tmpfs, secret and ssh mounts with their options', () => {
    const cache = parseMount('type=cache,target=/c,id=x,sharing=locked,mode=0700,uid=1,gid=2', true);
    assert.ok('mount' in cache);
    assert.deepEqual(
      [cache.mount.readOnly, cache.mount.cacheSharing, cache.mount.mode, cache.mount.uid],
      [false, 'locked', 0o700, 1],
    );
    const tmpfs = parseMount('type=tmpfs,target=/t,size=64m', true);
    assert.ok('mount' in tmpfs && tmpfs.mount.sizeLimit === 64 * 1024 * 1024);
    const secret = parseMount('type=secret,id=tok,env=TOKEN,required', true);
    assert.ok('mount' in secret && secret.mount.required && secret.mount.env === 'TOKEN');
    const ssh = parseMount('type=ssh,rw', true);
    assert.ok('mount' in ssh && !ssh.mount.readOnly);
  });

  it("reports BuildKit's errors", () => {
    const error = (value: string) => {
      const r = parseMount(value, true);
      return 'error' in r ? r.error : undefined;
    };
    assert.equal(error('type=tmpfs,mode=0700'), 'mode not allowed for "tmpfs" type mounts');
    assert.equal(error('type=secret,id=a,source=b'), "both source and id can't be set");
    assert.equal(error('type=bind,sharing=shared'), 'invalid cache sharing set for bind mount');
    assert.equal(error('type=cache,sharing=sometimes'), 'unsupported sharing value "sometimes"');
    assert.equal(error('type=cache,ro=maybe'), 'invalid value for ro: maybe');
    assert.equal(error('target'), "invalid field 'target' must be a key=value pair");
  });

  it('checks only what BuildKit checks before expansion', () => {
    assert.ok('mount' in parseMount('type=$T,target=$X', false));
    assert.ok('error' in parseMount('from=$STAGE', false));
  });

  it('reads devices', () => {
    assert.deepEqual(parseDevice('vendor.com/gpu=all,required'), {
      device: { name: 'vendor.com/gpu=all', required: true },
    });
    assert.deepEqual(parseDevice('name=/dev/fuse'), { device: { name: '/dev/fuse', required: false } });
    assert.deepEqual(parseDevice('a,b'), { error: "invalid field 'b' must be a key=value pair" });
  });
});
