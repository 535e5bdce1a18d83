// `docker ps` filters, as Docker applies them: values of one key OR together, keys AND.
import type { Filters } from '../../api/types';
import { matchLabels } from '../volumes';
import type { ContainerRecord } from './record';

export function containerMatcher(
  filters: Filters,
  find: (idOrName: string) => ContainerRecord | undefined,
  imageIdOf: (ref: string) => string | undefined,
): (rec: ContainerRecord) => boolean {
  const checks: ((r: ContainerRecord) => boolean)[] = [];
  const any = (key: string, test: (value: string, r: ContainerRecord) => boolean): void => {
    const values = filters[key];
    if (values?.length) checks.push((r) => values.some((v) => test(v, r)));
  };
  any('id', (v, r) => r.Id.startsWith(v));
  any('name', (v, r) => {
    try {
      return new RegExp(v).test(r.Name) || new RegExp(v).test(`/${r.Name}`);
    } catch {
      return r.Name.includes(v);
    }
  });
  any('status', (v, r) => r.State.Status === v);
  any('exited', (v, r) => r.State.Status === 'exited' && r.State.ExitCode === Number(v));
  any('health', (v, r) => (r.State.Health?.Status ?? 'none') === v);
  any('ancestor', (v, r) => r.Config.Image === v || r.Image === v || r.Image === imageIdOf(v));
  any(
    'network',
    (v, r) =>
      Object.keys(r.Networks).includes(v) ||
      Object.values(r.Networks).some((e) => e.NetworkID?.startsWith(v)),
  );
  any('volume', (v, r) => r.Mounts.some((m) => (m.type === 'volume' && m.name === v) || m.destination === v));
  any('expose', (v, r) =>
    Object.keys(r.Config.ExposedPorts ?? {}).includes(v.includes('/') ? v : `${v}/tcp`),
  );
  any('is-task', () => false);
  any('isolation', (v) => v === 'default');
  if (filters.label?.length) checks.push((r) => matchLabels(r.Config.Labels ?? {}, filters.label!));
  if (filters.before?.length) {
    const ref = find(filters.before[0]);
    checks.push((r) => !!ref && Date.parse(r.Created) < Date.parse(ref.Created));
  }
  if (filters.since?.length) {
    const ref = find(filters.since[0]);
    checks.push((r) => !!ref && Date.parse(r.Created) > Date.parse(ref.Created));
  }
  return (r) => checks.every((c) => c(r));
}
