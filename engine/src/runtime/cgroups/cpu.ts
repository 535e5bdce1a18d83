// CPU controller: shares/weight, CFS quota and period, realtime budget, idle.
import type { LinuxCPU } from '../../oci/runtime-spec';
import { hasCgroupFile, writeCgroupFile } from './files';

export function applyCpuV1(dir: string, cpu: LinuxCPU | undefined): void {
  if (!cpu) return;
  if (cpu.shares) writeCgroupFile(dir, 'cpu.shares', cpu.shares);
  // The kernel checks quota against the current period: set the period first.
  if (cpu.period) writeCgroupFile(dir, 'cpu.cfs_period_us', cpu.period);
  if (cpu.quota !== undefined && cpu.quota !== 0) writeCgroupFile(dir, 'cpu.cfs_quota_us', cpu.quota);
  if (cpu.burst !== undefined) writeCgroupFile(dir, 'cpu.cfs_burst_us', cpu.burst);
  if (cpu.realtimePeriod) writeCgroupFile(dir, 'cpu.rt_period_us', cpu.realtimePeriod);
  if (cpu.realtimeRuntime) writeCgroupFile(dir, 'cpu.rt_runtime_us', cpu.realtimeRuntime);
  if (cpu.idle !== undefined && hasCgroupFile(dir, 'cpu.idle')) writeCgroupFile(dir, 'cpu.idle', cpu.idle);
}

/** cgroup v1 shares (2..262144) to v2 weight (1..10000), the conversion runc and crun use. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return Math.floor(1 + ((shares - 2) * 9999) / 262142);
}

export function applyCpuV2(dir: string, cpu: LinuxCPU | undefined): void {
  if (!cpu) return;
  if (cpu.idle) {
    writeCgroupFile(dir, 'cpu.idle', cpu.idle);
  } else if (cpu.shares) {
    writeCgroupFile(dir, 'cpu.weight', sharesToWeight(cpu.shares));
  }
  if ((cpu.quota !== undefined && cpu.quota !== 0) || cpu.period) {
    const quota = cpu.quota === undefined || cpu.quota <= 0 ? 'max' : String(cpu.quota);
    writeCgroupFile(dir, 'cpu.max', `${quota} ${cpu.period || 100000}`);
  }
  if (cpu.burst !== undefined) writeCgroupFile(dir, 'cpu.max.burst', cpu.burst);
  if (cpu.realtimeRuntime || cpu.realtimePeriod) {
    throw new Error('linux.resources.cpu.realtimeRuntime/realtimePeriod are not available on cgroup v2');
  }
}
