import * as assert from 'node:assert/strict';
import { evaluateGlobalArgs, parseDockerfile, platformArgs } from '../../../engine/src/dockerfile';

const linuxArm = { os: 'linux', architecture: 'arm', variant: 'v7' };
const linuxAmd = { os: 'linux', architecture: 'amd64' };

describe('global ARG values', () => {
  it('defines the platform ARGs from the build and target platforms', () => {
    const df = parseDockerfile('FROM a AS final\n');
    const args = platformArgs(df, { buildPlatform: linuxAmd, targetPlatform: linuxArm });
    assert.equal(args.get('BUILDPLATFORM'), 'linux/amd64');
    assert.equal(args.get('TARGETPLATFORM'), 'linux/arm/v7');
    assert.equal(args.get('TARGETVARIANT'), 'v7');
    assert.equal(args.get('BUILDVARIANT'), '');
    assert.equal(args.get('TARGETSTAGE'), 'final');
  });

  it('evaluates global ARGs in order with build-arg overrides', () => {
    const df = parseDockerfile('ARG A=x\nARG B=${A}-$TARGETARCH\nARG C\nARG D=d\nFROM a\n');
    const { values, errors } = evaluateGlobalArgs(df, {
      buildPlatform: linuxAmd,
      buildArgs: { D: 'override', C: 'c' },
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      ['A', 'B', 'C', 'D'].map((k) => values.get(k)),
      ['x', 'x-amd64', 'c', 'override'],
    );
  });

  it('reports expansion errors with the ARG', () => {
    const df = parseDockerfile('ARG A=${B:?must_be_set}\nFROM a\n');
    const { errors } = evaluateGlobalArgs(df);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /B: must_be_set/);
    assert.equal(errors[0].span.range.start.line, 0);
  });
});
