// The names the embedded DNS server answers: for each endpoint on a user-defined network, the
// container's name, its aliases and its short id, resolving to its address on that network. A
// container only sees the names of the networks it is connected to (as with Docker).

export interface DnsEntry {
  networkId: string;
  networkName: string;
  /** The names the endpoint answers to, first one canonical (the container name). */
  names: string[];
  address: string;
}

export class DnsRecords {
  private readonly entries = new Map<string, DnsEntry>();

  /** Adds (or replaces) the names of an endpoint, keyed by its endpoint id. */
  add(endpointId: string, entry: DnsEntry): void {
    this.entries.set(endpointId, { ...entry, names: entry.names.map((n) => n.toLowerCase()) });
  }

  remove(endpointId: string): void {
    this.entries.delete(endpointId);
  }

  /** Addresses for `name` (lower case, no trailing dot) among `networks`; `name.network` works too. */
  lookup(name: string, networks: ReadonlySet<string>): string[] {
    const found: string[] = [];
    for (const e of this.entries.values()) {
      if (!networks.has(e.networkId)) continue;
      const suffix = `.${e.networkName.toLowerCase()}`;
      const bare = name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
      if ((e.names.includes(name) || e.names.includes(bare)) && !found.includes(e.address))
        found.push(e.address);
    }
    return found;
  }

  /** The name for a reverse lookup of `address`: `container.network`. */
  reverse(address: string, networks: ReadonlySet<string>): string | undefined {
    for (const e of this.entries.values()) {
      if (networks.has(e.networkId) && e.address === address) return `${e.names[0]}.${e.networkName}`;
    }
    return undefined;
  }
}
