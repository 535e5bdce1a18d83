// Checking image references typed by the user before the engine sees them, with a message that
// says what is wrong (the engine's own is often "invalid reference format").

// Docker's reference grammar, simplified: [host[:port]/]path[:tag][@digest], lower-case path.
const REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/** Undefined when `value` is a valid image reference, else why not (for InputBox.validateInput). */
export function validateReference(value: string): string | undefined {
  const ref = value.trim();
  if (!ref) return 'Type an image name, e.g. busybox or alpine:3.20';
  if (/[A-Z]/.test(ref.split(':')[0].split('/').slice(-1)[0])) return 'Repository names must be lower case';
  if (/\s/.test(ref)) return 'Image names cannot contain spaces';
  if (!REFERENCE.test(ref))
    return `"${ref}" is not a valid image reference: use [registry/]name[:tag], e.g. registry.example.com:5000/team/app:v1`;
  return undefined;
}

/** `host:5000/app:v1` → repository `host:5000/app`, tag `v1` (a port's colon is not a tag). */
export function splitReference(ref: string): { repository: string; tag: string } {
  const withoutDigest = ref.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash)
    return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { repository: withoutDigest, tag: 'latest' };
}
