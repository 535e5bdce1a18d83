// berth-init: the filesystem ops (mounts, devices, links, pivot_root, masked and read-only paths).
#define _GNU_SOURCE
#include "berth-init.h"

static int open_dir_at(const char *path, int in_root);
static void copy_up(int covered, const char *path, int in_root, const char *data);

void op_mount(op_t *op) {
  const char *src = str_or_null(op, 0), *dst = str_or_null(op, 1);
  const char *type = str_or_null(op, 2);
  unsigned long flags = (unsigned long)num(op, 3);
  const char *data = str_or_null(op, 4);
  int where = (int)num(op, 5);
  char sbuf[64], dbuf[64];
  const char *s, *d;
  int sfd = resolve(src, where & SRC_IN_ROOT, sbuf, sizeof(sbuf), &s);
  if (sfd == -2) fail("openat2", errno);
  int dfd = resolve(dst, where & IN_ROOT, dbuf, sizeof(dbuf), &d);
  if (dfd == -2) {
    if ((where & IGNORE_MISSING) && errno == ENOENT) return;
    fail("openat2", errno);
  }
  if ((where & KEEP_LOCKED) && (flags & MS_REMOUNT)) flags |= locked_flags(d) & ~MS_RDONLY;
  int covered = (where & COPY_UP) ? open_dir_at(dst, where & IN_ROOT) : -1;
  CHECK("mount", mount(s, d, type, flags, data));
  if (sfd >= 0) close(sfd);
  if (dfd >= 0) close(dfd);
  if (covered >= 0) copy_up(covered, dst, where & IN_ROOT, data);
}

static int open_dir_at(const char *path, int in_root) {
  int fd = in_root ? open_in_root(path, O_RDONLY | O_DIRECTORY)
                   : open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open", errno);
  return fd;
}

// Fills the new mount at `path` with what the directory `covered` holds. The mount's root takes
// the covered directory's owner and times, and its mode unless the mount's data sets one.
static void copy_up(int covered, const char *path, int in_root, const char *data) {
  int top = open_dir_at(path, in_root);
  copy_tree(covered, top);
  struct stat st;
  CHECK("fstat", fstat(covered, &st));
  CHECK("fchown", fchown(top, st.st_uid, st.st_gid));
  if (!data || !strstr(data, "mode=")) CHECK("fchmod", fchmod(top, st.st_mode & 07777));
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  CHECK("futimens", futimens(top, times));
  close(top);
  close(covered);
}

// mount_setattr(2) on a whole tree: the recursive options (rro, rnosuid…) that mount(2) cannot
// apply to submounts. The header's struct is not in this libc's <sys/mount.h>.
struct berth_mount_attr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};

void op_mount_setattr(op_t *op) {
  const char *path = str(op, 0);
  int where = (int)num(op, 3);
  int fd = (where & IN_ROOT) ? open_in_root(path, O_PATH) : open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) fail("openat2", errno);
  struct berth_mount_attr attr = {(uint64_t)num(op, 1), (uint64_t)num(op, 2), 0, 0};
  CHECK("mount_setattr",
        (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)));
  close(fd);
}

// Bind-mounts a path onto itself, then remounts it with `flags` (read-only, nosuid…), keeping
// the flags the kernel locks on mounts inherited from a more privileged namespace.
void op_remount(op_t *op) {
  const char *path = str(op, 0);
  unsigned long flags = (unsigned long)num(op, 1);
  int where = (int)num(op, 2);
  char buf[64];
  const char *p;
  int fd = resolve(path, where & IN_ROOT, buf, sizeof(buf), &p);
  if (fd == -2) {
    if ((where & IGNORE_MISSING) && errno == ENOENT) return;
    fail("openat2", errno);
  }
  unsigned long keep = locked_flags(p) & (MS_NODEV | MS_NOSUID | MS_NOEXEC);
  CHECK("mount", mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | flags | keep, NULL));
  if (fd >= 0) close(fd);
}

void op_readonly_path(op_t *op) {
  const char *path = str(op, 0);
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
    if (errno == ENOENT) return;
    fail("mount", errno);
  }
  unsigned long keep = locked_flags(path) & (MS_NODEV | MS_NOSUID | MS_NOEXEC);
  CHECK("mount", mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_REC | MS_RDONLY | keep, NULL));
}

void op_mask_path(op_t *op) {
  const char *path = str(op, 0);
  struct stat st;
  if (stat(path, &st) < 0) {
    if (errno == ENOENT) return;
    fail("stat", errno);
  }
  if (S_ISDIR(st.st_mode)) {
    CHECK("mount", mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k,nr_inodes=1"));
  } else {
    CHECK("mount", mount("/dev/null", path, NULL, MS_BIND, NULL));
  }
}

void op_mkfile(op_t *op) {
  const char *path = str(op, 0);
  mode_t mode = (mode_t)num(op, 1);
  int where = (int)num(op, 2);
  const char *leaf;
  int pfd = parent_fd(path, where, &leaf);
  // O_EXCL: whatever is already there (a file, a symlink the mount will resolve inside the root, a
  // directory) stays unopened; opening an existing file for writing would copy it up into an
  // overlay's upper dir, making a mount point look like a change of the container's.
  int fd = openat(pfd, leaf, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno != EEXIST) fail("openat", errno);
  } else {
    close(fd);
  }
  close(pfd);
}

void op_mknod(op_t *op) {
  const char *path = str(op, 0);
  mode_t mode = (mode_t)num(op, 1);
  dev_t dev = makedev((unsigned)num(op, 2), (unsigned)num(op, 3));
  int where = (int)num(op, 4);
  const char *leaf;
  int pfd = parent_fd(path, where, &leaf);
  if (mknodat(pfd, leaf, mode, dev) < 0) {
    if (errno != EEXIST) fail("mknodat", errno);
    // Replace whatever the image had there with the device the spec asks for.
    CHECK("unlinkat", unlinkat(pfd, leaf, 0));
    CHECK("mknodat", mknodat(pfd, leaf, mode, dev));
  }
  // mknod applies the umask; the spec's fileMode is exact.
  CHECK("fchmodat", fchmodat(pfd, leaf, mode & 07777, 0));
  close(pfd);
}

void op_symlink(op_t *op) {
  const char *target = str(op, 0), *path = str(op, 1);
  int where = (int)num(op, 2);
  const char *leaf;
  int pfd = parent_fd(path, where, &leaf);
  if (symlinkat(target, pfd, leaf) < 0 && errno != EEXIST) fail("symlinkat", errno);
  close(pfd);
}

void op_chown(op_t *op) {
  const char *path = str(op, 0);
  int where = (int)num(op, 3);
  const char *leaf;
  int pfd = parent_fd(path, where, &leaf);
  CHECK("fchownat", fchownat(pfd, leaf, (uid_t)num(op, 1), (gid_t)num(op, 2), AT_SYMLINK_NOFOLLOW));
  close(pfd);
}

// pivot_root(".", ".") stacks the old root on the new one; unmounting "." then drops the old
// root without needing a directory for it inside the container.
void op_pivot_root(op_t *op) {
  const char *path = str(op, 0);
  int fd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", errno);
  CHECK("fchdir", fchdir(fd));
  CHECK("pivot_root", (int)syscall(SYS_pivot_root, ".", "."));
  // Make the old root a slave so the unmount does not propagate to the host.
  CHECK("mount", mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL));
  CHECK("umount2", umount2(".", MNT_DETACH));
  CHECK("chdir", chdir("/"));
  close(fd);
}

// For roots that cannot be pivoted (a ramfs root): move the root over "/" and chroot into it.
void op_chroot(op_t *op) {
  const char *path = str(op, 0);
  CHECK("chdir", chdir(path));
  CHECK("mount", mount(path, "/", NULL, MS_MOVE, NULL));
  CHECK("chroot", chroot("."));
  CHECK("chdir", chdir("/"));
}

void op_write_file(op_t *op) {
  const char *path = str(op, 0);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("open", errno);
  if (write(fd, bytes(op, 1)->bytes, bytes(op, 1)->len) < 0) fail("write", errno);
  close(fd);
}


void op_umount2(op_t *op) {
  char buf[64];
  const char *p;
  int fd = resolve(str(op, 0), (int)num(op, 2) & IN_ROOT, buf, sizeof(buf), &p);
  if (fd == -2) fail("openat2", errno);
  CHECK("umount2", umount2(p, (int)num(op, 1)));
  if (fd >= 0) close(fd);
}

void op_open_root(op_t *op) {
  if (root_fd >= 0) close(root_fd);
  root_fd = open(str(op, 0), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) fail("open", errno);
}

void op_mkdirs(op_t *op) {
  if ((int)num(op, 2) & IN_ROOT) {
    mkdirs_in_root(str(op, 0), (mode_t)num(op, 1));
  } else if (mkdir(str(op, 0), (mode_t)num(op, 1)) < 0 && errno != EEXIST) {
    fail("mkdir", errno);
  }
}
