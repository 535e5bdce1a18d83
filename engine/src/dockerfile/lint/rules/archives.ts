// Local archive names that ADD extracts.
export const archivePattern =
  /\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst|tar\.lz|tar\.lzma)$/i;

/** An ADD source that only ADD handles: a URL, a Git repository or a local archive. */
export function needsAdd(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || source.startsWith('git@') || archivePattern.test(source);
}
