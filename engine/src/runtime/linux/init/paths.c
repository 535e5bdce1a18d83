// berth-init: paths resolved inside the container's root (openat2 RESOLVE_IN_ROOT), so a
// symlink in an image cannot point a mount, a device or a file at the host.
#define _GNU_SOURCE
#include "berth-init.h"

// Opens `path` inside the root as if the root were "/": symlinks cannot lead out of it.
int open_in_root(const char *path, int flags) {
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  if (root_fd < 0) {
    errno = EBADF;
    return -1;
  }
  return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
}

// A path naming what an fd refers to, for calls that take paths (mount, chown…).
const char *fd_path(int fd, char *buf, size_t size) {
  snprintf(buf, size, "/proc/self/fd/%d", fd);
  return buf;
}

// Splits "a/b/c" at the last slash: parent "a/b" (or "/"), leaf "c".
void split_parent(const char *path, char *parent, size_t size, const char **leaf) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(parent, size, "/");
    *leaf = path;
    return;
  }
  size_t n = (size_t)(slash - path);
  if (n == 0) n = 1; // "/c" -> parent "/"
  if (n >= size) n = size - 1;
  memcpy(parent, path, n);
  parent[n] = 0;
  *leaf = slash + 1;
}

// mkdir -p, one component at a time, each resolved inside the root.
void mkdirs_in_root(const char *path, mode_t mode) {
  char prefix[4096];
  size_t len = strlen(path);
  if (len >= sizeof(prefix)) fail("mkdirs", ENAMETOOLONG);
  for (size_t i = 1; i <= len; i++) {
    if (i != len && path[i] != '/') continue;
    memcpy(prefix, path, i);
    prefix[i] = 0;
    int fd = open_in_root(prefix, O_PATH | O_DIRECTORY);
    if (fd >= 0) {
      close(fd);
      continue;
    }
    if (errno != ENOENT) fail("openat2", errno);
    char parent[4096];
    const char *leaf;
    split_parent(prefix, parent, sizeof(parent), &leaf);
    int pfd = open_in_root(parent, O_PATH | O_DIRECTORY);
    if (pfd < 0) fail("openat2", errno);
    if (mkdirat(pfd, leaf, mode) < 0 && errno != EEXIST) fail("mkdirat", errno);
    close(pfd);
  }
}

// Runs `fn` on the parent directory of `path` (inside the root or not) and the leaf name.
int parent_fd(const char *path, int where, const char **leaf) {
  char parent[4096];
  split_parent(path, parent, sizeof(parent), leaf);
  int fd = (where & IN_ROOT) ? open_in_root(parent, O_PATH | O_DIRECTORY)
                             : open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open", errno);
  return fd;
}

// Resolves a path for a mount call: inside the root it becomes /proc/self/fd/N.
int resolve(const char *path, int in_root, char *buf, size_t size, const char **out) {
  if (!path || !in_root) {
    *out = path;
    return -1;
  }
  int fd = open_in_root(path, O_PATH);
  if (fd < 0) return -2;
  *out = fd_path(fd, buf, size);
  return fd;
}

unsigned long locked_flags(const char *path) {
  struct statvfs st;
  if (statvfs(path, &st) < 0) fail("statvfs", errno);
  unsigned long flags = 0;
  if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (st.f_flag & ST_RDONLY) flags |= MS_RDONLY;
  if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

