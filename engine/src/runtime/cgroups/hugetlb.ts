// Hugetlb controller: huge page limits per page size ("2MB", "1GB").
import type { LinuxHugepageLimit } from '../../oci/runtime-spec';
import { writeCgroupFile } from './files';

export function applyHugetlbV1(dir: string, limits: LinuxHugepageLimit[] | undefined): void {
  for (const l of limits ?? []) writeCgroupFile(dir, `hugetlb.${l.pageSize}.limit_in_bytes`, l.limit);
}

export function applyHugetlbV2(dir: string, limits: LinuxHugepageLimit[] | undefined): void {
  for (const l of limits ?? []) writeCgroupFile(dir, `hugetlb.${l.pageSize}.max`, l.limit);
}
