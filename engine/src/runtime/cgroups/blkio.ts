// Block I/O: weights and throttling (blkio on v1, io on v2).
import type { LinuxBlockIO, LinuxThrottleDevice } from '../../oci/runtime-spec';
import { hasCgroupFile, writeCgroupFile } from './files';

export function applyBlkioV1(dir: string, io: LinuxBlockIO | undefined): void {
  if (!io) return;
  if (io.weight) {
    // With the BFQ scheduler the kernel only offers blkio.bfq.weight.
    writeCgroupFile(dir, hasCgroupFile(dir, 'blkio.weight') ? 'blkio.weight' : 'blkio.bfq.weight', io.weight);
  }
  if (io.leafWeight) writeCgroupFile(dir, 'blkio.leaf_weight', io.leafWeight);
  for (const d of io.weightDevice ?? []) {
    if (d.weight) writeCgroupFile(dir, 'blkio.weight_device', `${d.major}:${d.minor} ${d.weight}`);
    if (d.leafWeight)
      writeCgroupFile(dir, 'blkio.leaf_weight_device', `${d.major}:${d.minor} ${d.leafWeight}`);
  }
  const throttle = (file: string, devices: LinuxThrottleDevice[] | undefined) => {
    for (const d of devices ?? []) writeCgroupFile(dir, file, `${d.major}:${d.minor} ${d.rate}`);
  };
  throttle('blkio.throttle.read_bps_device', io.throttleReadBpsDevice);
  throttle('blkio.throttle.write_bps_device', io.throttleWriteBpsDevice);
  throttle('blkio.throttle.read_iops_device', io.throttleReadIOPSDevice);
  throttle('blkio.throttle.write_iops_device', io.throttleWriteIOPSDevice);
}

/** blkio weight (10..1000) to io weight (1..10000), as runc and crun convert it. */
export function blkioToIoWeight(weight: number): number {
  return Math.floor(1 + ((weight - 10) * 9999) / 990);
}

export function applyIoV2(dir: string, io: LinuxBlockIO | undefined): void {
  if (!io) return;
  if (io.weight) {
    if (hasCgroupFile(dir, 'io.bfq.weight')) writeCgroupFile(dir, 'io.bfq.weight', io.weight);
    else writeCgroupFile(dir, 'io.weight', `default ${blkioToIoWeight(io.weight)}`);
  }
  for (const d of io.weightDevice ?? []) {
    if (d.weight) writeCgroupFile(dir, 'io.weight', `${d.major}:${d.minor} ${blkioToIoWeight(d.weight)}`);
  }
  const limit = (key: string, devices: LinuxThrottleDevice[] | undefined) => {
    for (const d of devices ?? []) writeCgroupFile(dir, 'io.max', `${d.major}:${d.minor} ${key}=${d.rate}`);
  };
  limit('rbps', io.throttleReadBpsDevice);
  limit('wbps', io.throttleWriteBpsDevice);
  limit('riops', io.throttleReadIOPSDevice);
  limit('wiops', io.throttleWriteIOPSDevice);
}
