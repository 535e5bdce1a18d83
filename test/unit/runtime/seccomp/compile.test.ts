import * as assert from 'node:assert/strict';
import type { LinuxSeccomp } from '../../../../engine/src/oci/runtime-spec';
import { dockerDefaultCapabilities } from '../../../../engine/src/oci/docker-defaults';
import { compileSeccomp, dockerDefaultSeccomp } from '../../../../engine/src/runtime/seccomp';
import { compileFilter, syscallNumber } from '../../../../engine/src/runtime/seccomp/bpf';
import { libseccomp } from '../../../../engine/src/runtime/linux/libseccomp';
import { runSeccompFilter } from '../../../helpers/bpf-interpreters';
import { skipBecause } from '../../../helpers/skip';

const X86_64 = 0xc000003e;
const I386 = 0x40000003;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;
const KILL = 0;
const nr64 = (name: string) => syscallNumber('x86_64', name)!;
const nr32 = (name: string) => syscallNumber('x86', name)!;
const CLONE_NEWUSER = 0x10000000n;
const SIGCHLD = 17n;

const docker = dockerDefaultSeccomp({
  capabilities: dockerDefaultCapabilities,
  arch: 'x64',
  kernel: '6.1.0',
});

/** What Docker's profile must decide, whichever compiler built the filter. */
function dockerBehaviour(program: Buffer): void {
  const run = (name: string, args: bigint[] = [], arch = X86_64) =>
    runSeccompFilter(program, { nr: arch === I386 ? nr32(name) : nr64(name), arch, args });
  assert.equal(run('read'), ALLOW);
  assert.equal(run('mount'), EPERM, 'mount needs CAP_SYS_ADMIN');
  assert.equal(run('unshare'), EPERM);
  assert.equal(run('reboot'), EPERM);
  assert.equal(run('clone3'), ENOSYS, 'clone3 answers ENOSYS so libc falls back to clone');
  assert.equal(run('clone', [SIGCHLD]), ALLOW);
  assert.equal(run('clone', [SIGCHLD | CLONE_NEWUSER]), EPERM, 'no new namespaces through clone');
  assert.equal(run('socket', [16n]), ALLOW, 'AF_NETLINK');
  assert.equal(run('socket', [40n]), EPERM, 'AF_VSOCK is not in the list');
  assert.equal(run('personality', [0xffffffffn]), ALLOW);
  assert.equal(run('personality', [0x0008n]), ALLOW);
  assert.equal(run('personality', [0x0040000n]), EPERM);
  assert.equal(run('read', [], I386), ALLOW, 'x86 binaries run too');
  assert.equal(run('mount', [], I386), EPERM);
  assert.equal(
    runSeccompFilter(program, { nr: nr64('read'), arch: 0xc00000b7 }),
    KILL,
    'a foreign architecture is killed',
  );
  assert.equal(runSeccompFilter(program, { nr: 0x40000000 + nr64('read'), arch: X86_64 }), ALLOW, 'x32');
  assert.equal(
    runSeccompFilter(program, { nr: 9999, arch: X86_64 }),
    EPERM,
    'unknown syscalls get the default',
  );
}

describe('Docker default seccomp profile', () => {
  it("keeps only the rules the container's capabilities and architecture allow", () => {
    const names = new Set(docker.syscalls!.flatMap((s) => s.names));
    assert.ok(names.has('read') && names.has('arch_prctl'));
    assert.ok(!names.has('mount'), 'CAP_SYS_ADMIN rules are left out');
    assert.ok(!names.has('s390_runtime_instr'));
    assert.deepEqual(docker.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    assert.equal(docker.defaultErrnoRet, 1);
  });

  it('adds the CAP_SYS_ADMIN rules (and drops the clone argument check) for privileged sets', () => {
    const admin = dockerDefaultSeccomp({
      capabilities: [...dockerDefaultCapabilities, 'CAP_SYS_ADMIN'],
      arch: 'x64',
    });
    assert.ok(admin.syscalls!.some((s) => s.names.includes('mount')));
    assert.ok(!admin.syscalls!.some((s) => s.names.includes('clone') && s.args));
  });
});

describe('seccomp compilers', () => {
  it("berth's own compiler gives the profile Docker's meaning", () => {
    dockerBehaviour(compileFilter(docker).program);
  });

  it("agrees with libseccomp on Docker's profile", function () {
    if (!libseccomp()) {
      skipBecause(this, 'libseccomp.so.2 is not installed (apt-get install libseccomp2)');
    }
    dockerBehaviour(compileSeccomp(docker).filter);
  });

  it('compares 64-bit arguments word by word', () => {
    const spec: LinuxSeccomp = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        {
          names: ['read'],
          action: 'SCMP_ACT_ERRNO',
          errnoRet: 5,
          args: [{ index: 2, value: 0x100000000, op: 'SCMP_CMP_GE' }],
        },
        { names: ['write'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 3, op: 'SCMP_CMP_LE' }] },
        {
          names: ['close'],
          action: 'SCMP_ACT_ERRNO',
          args: [{ index: 0, value: 0xff, valueTwo: 0x10, op: 'SCMP_CMP_MASKED_EQ' }],
        },
        { names: ['dup'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 7, op: 'SCMP_CMP_NE' }] },
      ],
    };
    const p = compileFilter(spec).program;
    const run = (name: string, args: bigint[]) => runSeccompFilter(p, { nr: nr64(name), arch: X86_64, args });
    assert.equal(run('read', [0n, 0n, 0xffffffffn]), ALLOW);
    assert.equal(run('read', [0n, 0n, 0x100000000n]), 0x00050005);
    assert.equal(run('read', [0n, 0n, 0x200000001n]), 0x00050005);
    assert.equal(run('write', [3n]), EPERM);
    assert.equal(run('write', [4n]), ALLOW);
    assert.equal(run('write', [0x100000000n]), ALLOW, 'a high word above makes it greater');
    assert.equal(run('close', [0x1310n]), EPERM);
    assert.equal(run('close', [0x11n]), ALLOW);
    assert.equal(run('dup', [7n]), ALLOW);
    assert.equal(run('dup', [8n]), EPERM);
  });

  it('reports syscall names no table knows, and refuses what it cannot honour', () => {
    const r = compileFilter({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['no_such_call'], action: 'SCMP_ACT_ERRNO' }],
    });
    assert.deepEqual(r.unknown, ['no_such_call']);
    assert.throws(() => compileSeccomp({ defaultAction: 'SCMP_ACT_NOTIFY' }), /not supported/);
    assert.throws(
      () => compileSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['BOGUS'] }),
      /unknown flag "BOGUS"/,
    );
  });
});
