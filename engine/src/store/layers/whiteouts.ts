// Whiteouts: how a layer says "this path from a lower layer is gone".
// In a layer tar (OCI image-spec): an empty file `.wh.<name>` deletes <name>; `.wh..wh..opq` in a
// directory hides everything the lower layers had in it.
// On disk, for overlayfs lower dirs: a 0/0 character device at <name>, and the xattr
// `trusted.overlay.opaque=y` on an opaque directory (`user.overlay.opaque` in a user namespace,
// rootless Berth, where trusted.* is out of reach and overlayfs is mounted with "userxattr").
// Unpack converts tar → overlay (as root); pack converts overlay → tar.
import { lstatSync } from 'node:fs';
import { inUserNamespace } from '../../runtime/linux/userns';

export const whiteoutPrefix = '.wh.';
export const opaqueMarker = '.wh..wh..opq';
/** aufs metadata entries (`.wh..wh.plnk`, `.wh..wh.aufs`) that some old layers still carry. */
export const whiteoutMetaPrefix = '.wh..wh.';
/** The namespace of overlayfs' own xattrs for this process: `trusted.overlay.` or `user.overlay.`. */
export const overlayXattrPrefix = inUserNamespace() ? 'user.overlay.' : 'trusted.overlay.';
export const overlayOpaqueXattr = `${overlayXattrPrefix}opaque`;

/** fuse-overlayfs (fuse-overlay.ts) marks an opaque upper dir with this xattr and two entries. */
export const fuseOpaqueXattr = 'user.fuseoverlayfs.opaque';
const fuseOpaqueDevice = '.wh..opq';

/** Layer content must never set overlayfs' own attributes: that would forge whiteouts. */
export function isReservedXattr(name: string): boolean {
  return (
    name.startsWith('trusted.overlay.') ||
    name.startsWith('user.overlay.') ||
    name.startsWith('user.fuseoverlayfs.')
  );
}

/**
 * fuse-overlayfs's marks of an opaque directory in an upper dir: a `.wh..wh..opq` file and a 0/0
 * device named `.wh..opq`. The packer writes one `.wh..wh..opq` entry for the directory instead.
 */
export function isFuseOpaqueMarker(path: string, name: string): boolean {
  if (name === opaqueMarker) return true;
  if (name !== fuseOpaqueDevice) return false;
  const st = lstatSync(path);
  return st.isCharacterDevice() && st.rdev === 0;
}

/**
 * How a snapshot stores whiteouts. 'overlay' (as root): devices and xattrs, ready to be an overlayfs
 * lower dir. 'oci' (without root, where neither can be created): the `.wh.` files are kept as they
 * were in the tar, and whoever assembles the rootfs applies them.
 */
export type WhiteoutFormat = 'overlay' | 'oci';
