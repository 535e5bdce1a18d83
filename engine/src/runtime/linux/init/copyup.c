// berth-init: copying a directory tree into a fresh mount ("tmpcopyup", as runc and crun do), so
// an image's /tmp or /run content is still there once a tmpfs is mounted over it. The source is
// an fd opened before the mount: it still names the directory the mount now covers.
#define _GNU_SOURCE
#include "berth-init.h"
#include <dirent.h>

static char buffer[65536];

static void copy_data(int src, int dst) {
  for (;;) {
    ssize_t n = read(src, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read", errno);
    if (n == 0) return;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(dst, buffer + done, (size_t)(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) fail("write", errno);
      done += w;
    }
  }
}

// Owner first: chown clears the setuid and setgid bits that chmod then restores.
static void copy_attrs(int dir, const char *name, const struct stat *st) {
  CHECK("fchownat", fchownat(dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW));
  if (!S_ISLNK(st->st_mode)) CHECK("fchmodat", fchmodat(dir, name, st->st_mode & 07777, 0));
  struct timespec times[2] = {st->st_atim, st->st_mtim};
  CHECK("utimensat", utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW));
}

static int open_dir(int dir, const char *name) {
  int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail("openat", errno);
  return fd;
}

static void copy_entry(int src, int dst, const char *name) {
  struct stat st;
  CHECK("fstatat", fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW));
  if (S_ISDIR(st.st_mode)) {
    if (mkdirat(dst, name, 0700) < 0 && errno != EEXIST) fail("mkdirat", errno);
    int s = open_dir(src, name), d = open_dir(dst, name);
    copy_tree(s, d);
    close(s);
    close(d);
  } else if (S_ISREG(st.st_mode)) {
    int s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (s < 0) fail("openat", errno);
    int d = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (d < 0) fail("openat", errno);
    copy_data(s, d);
    close(s);
    close(d);
  } else if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
    if (n < 0) fail("readlinkat", errno);
    target[n] = 0;
    CHECK("symlinkat", symlinkat(target, dst, name));
  } else {
    CHECK("mknodat", mknodat(dst, name, st.st_mode, st.st_rdev));
  }
  copy_attrs(dst, name, &st);
}

// Copies what directory `src` holds into directory `dst`, keeping modes, owners and times.
void copy_tree(int src, int dst) {
  DIR *dir = fdopendir(dup(src));
  if (!dir) fail("fdopendir", errno);
  struct dirent *e;
  for (errno = 0; (e = readdir(dir)); errno = 0) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    copy_entry(src, dst, e->d_name);
  }
  if (errno) fail("readdir", errno);
  closedir(dir);
}
