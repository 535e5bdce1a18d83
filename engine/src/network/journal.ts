// What berthd has asked CNI for, written down before asking: one file per endpoint under the exec
// root. DEL needs the very configuration ADD had (and its result), and a berthd that crashed
// between an ADD and saving the container learns here what to undo when it starts again.
// The exec root is a tmpfs as root (/run/berth), like the namespaces and leases it describes:
// a reboot clears all of them together.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CniNetworkList, CniResult } from './cni';
import type { PortMapping } from './ports';

export interface EndpointEntry {
  endpointId: string;
  containerId: string;
  containerName: string;
  networkId: string;
  netns: string;
  ifname: string;
  list: CniNetworkList;
  capabilityArgs: Record<string, unknown>;
  /** Set once ADD succeeded. */
  result?: CniResult;
  ports: PortMapping[];
  /** Names the embedded DNS server answers for this endpoint (user-defined networks). */
  dnsNames: string[];
  address?: string;
}

export class EndpointJournal {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private path(endpointId: string): string {
    return join(this.dir, `${endpointId}.json`);
  }

  /** Written whole and renamed into place: a crash leaves the old entry or the new one. */
  write(entry: EndpointEntry): void {
    const tmp = `${this.path(entry.endpointId)}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(tmp, this.path(entry.endpointId));
  }

  read(endpointId: string): EndpointEntry | undefined {
    if (!/^[0-9a-f]+$/.test(endpointId)) return undefined;
    try {
      return JSON.parse(readFileSync(this.path(endpointId), 'utf8')) as EndpointEntry;
    } catch {
      return undefined;
    }
  }

  remove(endpointId: string): void {
    rmSync(this.path(endpointId), { force: true });
  }

  all(): EndpointEntry[] {
    const out: EndpointEntry[] = [];
    for (const file of readdirSync(this.dir)) {
      if (file.endsWith('.tmp')) {
        rmSync(join(this.dir, file), { force: true });
        continue;
      }
      if (!file.endsWith('.json')) continue;
      const entry = this.read(file.slice(0, -'.json'.length));
      if (entry) out.push(entry);
    }
    return out;
  }
}
