// The addresses Open in Browser offers for a container's published ports. No `vscode` here.

/** Published TCP ports, as browser addresses: 0.0.0.0 and :: mean "every address", so use localhost. */
export function browserUrls(
  ports: readonly { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[],
): { url: string; label: string }[] {
  const seen = new Set<number>();
  const urls: { url: string; label: string }[] = [];
  for (const p of ports) {
    if (p.Type !== 'tcp' || !p.PublicPort || seen.has(p.PublicPort)) continue;
    seen.add(p.PublicPort);
    const host =
      !p.IP || p.IP === '0.0.0.0' || p.IP === '::' ? 'localhost' : p.IP.includes(':') ? `[${p.IP}]` : p.IP;
    urls.push({ url: `http://${host}:${p.PublicPort}`, label: `${p.PublicPort} → ${p.PrivatePort}/tcp` });
  }
  return urls;
}
