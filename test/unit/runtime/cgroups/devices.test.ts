import * as assert from 'node:assert/strict';
import { deviceRuleText, effectiveDeviceRules } from '../../../../engine/src/runtime/cgroups/devices';
import { compileDeviceFilter } from '../../../../engine/src/runtime/cgroups/devices-bpf';
import { defaultDevices } from '../../../../engine/src/runtime/devices';
import { runDeviceProgram } from '../../../helpers/bpf-interpreters';

describe('device rules', () => {
  it('formats rules as devices.allow/devices.deny take them', () => {
    assert.equal(deviceRuleText({ allow: false, access: 'rwm' }), 'a');
    assert.equal(deviceRuleText({ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }), 'c 1:3 rwm');
    assert.equal(deviceRuleText({ allow: true, type: 'b', major: 8, access: 'm' }), 'b 8:* m');
  });

  it("allows the devices the runtime creates after the config's own rules", () => {
    const rules = effectiveDeviceRules([{ allow: false, access: 'rwm' }], defaultDevices);
    assert.deepEqual(rules[0], { allow: false, access: 'rwm' });
    assert.ok(rules.some((r) => r.allow && r.type === 'c' && r.major === 1 && r.minor === 3));
    assert.ok(rules.some((r) => r.allow && r.type === 'c' && r.major === 136 && r.minor === null));
  });
});

describe('cgroup v2 device filter (eBPF)', () => {
  const program = compileDeviceFilter(
    effectiveDeviceRules(
      [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 10, minor: 200, access: 'rw' },
      ],
      defaultDevices,
    ),
  );

  it('denies every device not allowed', () => {
    assert.equal(runDeviceProgram(program, { type: 'b', access: 'r', major: 8, minor: 0 }), 0);
    assert.equal(runDeviceProgram(program, { type: 'c', access: 'r', major: 1, minor: 2 }), 0);
  });

  it('allows the default devices and the pty devices', () => {
    assert.equal(runDeviceProgram(program, { type: 'c', access: 'rw', major: 1, minor: 3 }), 1);
    assert.equal(runDeviceProgram(program, { type: 'c', access: 'r', major: 136, minor: 7 }), 1);
  });

  it('checks the access, not only the device', () => {
    assert.equal(runDeviceProgram(program, { type: 'c', access: 'rw', major: 10, minor: 200 }), 1);
    assert.equal(runDeviceProgram(program, { type: 'c', access: 'm', major: 10, minor: 200 }), 0);
  });

  it('lets the last matching rule win, as cgroup v1 does', () => {
    const p = compileDeviceFilter([
      { allow: true, type: 'c', major: 1, minor: null, access: 'rwm' },
      { allow: false, type: 'c', major: 1, minor: 5, access: 'rwm' },
    ]);
    assert.equal(runDeviceProgram(p, { type: 'c', access: 'r', major: 1, minor: 3 }), 1);
    assert.equal(runDeviceProgram(p, { type: 'c', access: 'r', major: 1, minor: 5 }), 0);
    // No "deny all" rule: everything else stays allowed.
    assert.equal(runDeviceProgram(p, { type: 'b', access: 'w', major: 8, minor: 0 }), 1);
  });
});
