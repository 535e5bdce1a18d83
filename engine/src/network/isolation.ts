// Isolation between networks — ours, since the CNI plugins have none: containers on one bridge
// network cannot reach containers on another, and an internal network's containers reach nothing
// beyond their bridge. One nftables table of berthd's own, rewritten whole (atomically, by one
// `nft -f`) whenever the set of networks changes. A drop in any base chain is final in nftables,
// so this holds whatever the iptables rules of the plugins (or of Docker) accept.
import { execFile } from 'node:child_process';
import type { CommandWrapper } from './cni';

export interface IsolatedBridge {
  name: string;
  internal: boolean;
}

/** The table's contents for these bridges. */
export function isolationRules(table: string, bridges: IsolatedBridge[]): string {
  const q = (name: string): string => JSON.stringify(name);
  const rules: string[] = [];
  for (const b of bridges) {
    const others = bridges.filter((o) => o.name !== b.name).map((o) => q(o.name));
    if (others.length) rules.push(`iifname ${q(b.name)} oifname { ${others.join(', ')} } drop`);
    if (b.internal) {
      rules.push(`iifname ${q(b.name)} oifname != ${q(b.name)} drop`);
      rules.push(`oifname ${q(b.name)} iifname != ${q(b.name)} drop`);
    }
  }
  // Declaring the table first makes the delete valid when it does not exist yet.
  const lines = [`table inet ${table} {}`, `delete table inet ${table}`];
  if (rules.length) {
    lines.push(
      `table inet ${table} {`,
      '  chain forward {',
      '    type filter hook forward priority filter - 1; policy accept;',
      ...rules.map((r) => `    ${r}`),
      '  }',
      '}',
    );
  }
  return lines.join('\n') + '\n';
}

export type NftRunner = (script: string) => Promise<void>;

/** `nft -f -`, run through `command` (rootless berthd: inside its network namespace). */
export const nftRunner =
  (command: CommandWrapper = (file, args) => [file, args]): NftRunner =>
  (script) =>
    new Promise((resolve, reject) => {
      const [file, args] = command('nft', ['-f', '-']);
      const child = execFile(file, args, { timeout: 60_000 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`nft -f failed: ${stderr.trim() || err.message}`));
        else resolve();
      });
      child.stdin?.end(script);
    });

export class Isolation {
  private pending: Promise<void> = Promise.resolve();

  constructor(
    /** berthd's own table (`berth`, or `berth_<hash>` for a daemon with another exec root). */
    readonly table: string,
    private readonly run: NftRunner = nftRunner(),
  ) {}

  /** Rewrites the table for `bridges`; calls are applied in order. */
  apply(bridges: IsolatedBridge[]): Promise<void> {
    const script = isolationRules(this.table, bridges);
    this.pending = this.pending.catch(() => undefined).then(() => this.run(script));
    return this.pending;
  }
}
