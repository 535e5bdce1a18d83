// berth-init: the single-threaded process that becomes a container.
//
// Node is multithreaded from start-up, so it cannot create or join a user namespace, be pid 1 of a
// new pid namespace, or park a process between `create` and `start`. This helper does exactly those
// things and nothing else: it executes a *program* that berth's TypeScript runtime builds (see
// init-program.ts), one syscall per op, in order, and reports the first failure by op index and
// errno. Every decision (which mounts, which flags, which order, which capabilities) is made in
// TypeScript and unit-tested there; this file holds no policy.
//
// Usage: berth-init <sync-fd>, or berth-init --zygote <fd> (see run_zygote)
//   The sync fd is a Unix stream socket. The runtime sends the program with the fds it refers to
//   (see receive_program) and later acknowledgements; the helper writes framed messages (u32 type,
//   u32 length, payload). It may be started ahead of time and wait there for a program.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

// Op codes. Keep in sync with `Op` in init-program.ts (a unit test compares the two lists).
enum {
  OP_UNSHARE = 1,
  OP_SETNS = 2,
  OP_FORK = 3,
  OP_SYNC = 4,
  OP_MOUNT = 5,
  OP_UMOUNT2 = 6,
  OP_OPEN_ROOT = 7,
  OP_MKDIRS = 8,
  OP_MKFILE = 9,
  OP_MKNOD = 10,
  OP_SYMLINK = 11,
  OP_CHOWN = 12,
  OP_PIVOT_ROOT = 13,
  OP_CHROOT = 14,
  OP_CHDIR = 15,
  OP_WRITE_FILE = 16,
  OP_SETHOSTNAME = 17,
  OP_SETDOMAINNAME = 18,
  OP_SETGROUPS = 19,
  OP_SETRESGID = 20,
  OP_SETRESUID = 21,
  OP_PRCTL = 22,
  OP_CAPSET = 23,
  OP_SETRLIMIT = 24,
  OP_UMASK = 25,
  OP_SECCOMP = 26,
  OP_SETSID = 27,
  OP_CONSOLE = 28,
  OP_FIND_EXEC = 29,
  OP_READY = 30,
  OP_WAIT_START = 31,
  OP_EXEC = 32,
  OP_MASK_PATH = 33,
  OP_READONLY_PATH = 34,
  OP_PERSONALITY = 35,
  OP_CLOSE = 36,
  OP_REMOUNT = 37,
  OP_RUN_HOOK = 38,
  OP_WAIT_CGROUP = 39,
};

// Messages to the runtime. Keep in sync with `Message` in init-program.ts.
enum {
  MSG_PID = 1,
  MSG_SYNC = 2,
  MSG_ERROR = 3,
  MSG_READY = 4,
  MSG_CONSOLE = 5,
  MSG_EXIT = 6,
};

// Flags of the `where` argument taken by path ops.
enum {
  IN_ROOT = 1,        // resolve the destination inside the root opened by OP_OPEN_ROOT
  SRC_IN_ROOT = 2,    // resolve the source there too
  KEEP_LOCKED = 4,    // on a remount, keep the nodev/nosuid/noexec flags the mount already has
  IGNORE_MISSING = 8, // a missing path is not an error
};

enum { ARG_INT = 0, ARG_BYTES = 1 };

typedef struct {
  uint8_t kind;
  int64_t num;
  uint32_t len;
  char *bytes; // NUL-terminated copy
} arg_t;

typedef struct {
  uint32_t code;
  uint32_t argc;
  arg_t *args;
} op_t;

static int sync_fd = -1;   // the create-time channel; closed at OP_READY
static int report_fd = -1; // where failures go: sync_fd, then the `start` connection
static int root_fd = -1;   // the container's root, for IN_ROOT resolution
static uint32_t current_op;
static char exec_path[4096];
static int cgroup_gate = -1; // closes when the supervisor has put us in the container's cgroups
static arg_t start_state = {.kind = 1, .len = 0, .bytes = NULL}; // the state `start` sent, for startContainer hooks

static void write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    len -= (size_t)n;
  }
}

static void send_msg(int fd, uint32_t type, const void *payload, uint32_t len) {
  if (fd < 0) return;
  char buf[4096 + 16];
  if (len > sizeof(buf) - 8) len = sizeof(buf) - 8;
  memcpy(buf, &type, 4);
  memcpy(buf + 4, &len, 4);
  if (len) memcpy(buf + 8, payload, len);
  write_all(fd, buf, 8 + len);
}

// Reports the failing op and the call inside it that failed, then ends this process.
static void __attribute__((noreturn)) fail(const char *call, int err) {
  char payload[512];
  uint32_t idx = current_op;
  int32_t e = err;
  size_t n = strlen(call);
  if (n > sizeof(payload) - 9) n = sizeof(payload) - 9;
  memcpy(payload, &idx, 4);
  memcpy(payload + 4, &e, 4);
  memcpy(payload + 8, call, n);
  send_msg(report_fd, MSG_ERROR, payload, (uint32_t)(8 + n));
  _exit(120);
}

#define CHECK(call, expr)                    \
  do {                                       \
    if ((expr) < 0) fail(call, errno);       \
  } while (0)

static int read_full(int fd, void *buf, size_t len) {
  char *p = buf;
  while (len > 0) {
    ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

// ---- program decoding ----------------------------------------------------------------------

static op_t *ops;
static uint32_t op_count;

static void decode(const char *buf, uint32_t size) {
  uint32_t pos = 0;
#define NEED(n)                                    \
  do {                                             \
    if (size - pos < (uint32_t)(n)) fail("decode", EINVAL); \
  } while (0)
  NEED(8);
  if (memcmp(buf, "BRTH", 4) != 0) fail("decode", EINVAL);
  memcpy(&op_count, buf + 4, 4);
  pos = 8;
  ops = calloc(op_count, sizeof(op_t));
  if (!ops) fail("calloc", ENOMEM);
  for (uint32_t i = 0; i < op_count; i++) {
    NEED(8);
    memcpy(&ops[i].code, buf + pos, 4);
    memcpy(&ops[i].argc, buf + pos + 4, 4);
    pos += 8;
    ops[i].args = calloc(ops[i].argc ? ops[i].argc : 1, sizeof(arg_t));
    if (!ops[i].args) fail("calloc", ENOMEM);
    for (uint32_t a = 0; a < ops[i].argc; a++) {
      arg_t *arg = &ops[i].args[a];
      NEED(1);
      arg->kind = (uint8_t)buf[pos++];
      if (arg->kind == ARG_INT) {
        NEED(8);
        memcpy(&arg->num, buf + pos, 8);
        pos += 8;
      } else {
        NEED(4);
        memcpy(&arg->len, buf + pos, 4);
        pos += 4;
        NEED(arg->len);
        arg->bytes = malloc(arg->len + 1);
        if (!arg->bytes) fail("malloc", ENOMEM);
        memcpy(arg->bytes, buf + pos, arg->len);
        arg->bytes[arg->len] = 0;
        pos += arg->len;
      }
    }
  }
#undef NEED
}

static int64_t num(op_t *op, uint32_t i) { return i < op->argc ? op->args[i].num : 0; }
static arg_t empty_arg = {.kind = ARG_BYTES, .len = 0, .bytes = ""};
static arg_t *bytes(op_t *op, uint32_t i) { return i < op->argc && op->args[i].kind == ARG_BYTES ? &op->args[i] : &empty_arg; }
// Strings: an empty string means NULL for the calls that accept NULL.
static const char *str(op_t *op, uint32_t i) { return bytes(op, i)->bytes; }
static const char *str_or_null(op_t *op, uint32_t i) {
  const char *s = str(op, i);
  return s && *s ? s : NULL;
}

// ---- paths inside the container root -------------------------------------------------------

// Opens `path` inside the root as if the root were "/": symlinks cannot lead out of it.
static int open_in_root(const char *path, int flags) {
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
static const char *fd_path(int fd, char *buf, size_t size) {
  snprintf(buf, size, "/proc/self/fd/%d", fd);
  return buf;
}

// Splits "a/b/c" at the last slash: parent "a/b" (or "/"), leaf "c".
static void split_parent(const char *path, char *parent, size_t size, const char **leaf) {
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
static void mkdirs_in_root(const char *path, mode_t mode) {
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
static int parent_fd(const char *path, int where, const char **leaf) {
  char parent[4096];
  split_parent(path, parent, sizeof(parent), leaf);
  int fd = (where & IN_ROOT) ? open_in_root(parent, O_PATH | O_DIRECTORY)
                             : open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open", errno);
  return fd;
}

// Resolves a path for a mount call: inside the root it becomes /proc/self/fd/N.
static int resolve(const char *path, int in_root, char *buf, size_t size, const char **out) {
  if (!path || !in_root) {
    *out = path;
    return -1;
  }
  int fd = open_in_root(path, O_PATH);
  if (fd < 0) return -2;
  *out = fd_path(fd, buf, size);
  return fd;
}

static unsigned long locked_flags(const char *path) {
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

// ---- ops -----------------------------------------------------------------------------------

static void op_mount(op_t *op) {
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
  CHECK("mount", mount(s, d, type, flags, data));
  if (sfd >= 0) close(sfd);
  if (dfd >= 0) close(dfd);
}

// Bind-mounts a path onto itself, then remounts it with `flags` (read-only, nosuid…), keeping
// the flags the kernel locks on mounts inherited from a more privileged namespace.
static void op_remount(op_t *op) {
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

static void op_readonly_path(op_t *op) {
  const char *path = str(op, 0);
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
    if (errno == ENOENT) return;
    fail("mount", errno);
  }
  unsigned long keep = locked_flags(path) & (MS_NODEV | MS_NOSUID | MS_NOEXEC);
  CHECK("mount", mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_REC | MS_RDONLY | keep, NULL));
}

static void op_mask_path(op_t *op) {
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

static void op_mkfile(op_t *op) {
  const char *path = str(op, 0);
  mode_t mode = (mode_t)num(op, 1);
  int where = (int)num(op, 2);
  const char *leaf;
  int pfd = parent_fd(path, where, &leaf);
  int fd = openat(pfd, leaf, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    // A symlink or directory already there: the mount will resolve it inside the root.
    if (errno != ELOOP && errno != EISDIR) fail("openat", errno);
  } else {
    close(fd);
  }
  close(pfd);
}

static void op_mknod(op_t *op) {
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

static void op_symlink(op_t *op) {
  const char *target = str(op, 0), *path = str(op, 1);
  int where = (int)num(op, 2);
  const char *leaf;
  int pfd = parent_fd(path, where, &leaf);
  if (symlinkat(target, pfd, leaf) < 0 && errno != EEXIST) fail("symlinkat", errno);
  close(pfd);
}

static void op_chown(op_t *op) {
  const char *path = str(op, 0);
  int where = (int)num(op, 3);
  const char *leaf;
  int pfd = parent_fd(path, where, &leaf);
  CHECK("fchownat", fchownat(pfd, leaf, (uid_t)num(op, 1), (gid_t)num(op, 2), AT_SYMLINK_NOFOLLOW));
  close(pfd);
}

// pivot_root(".", ".") stacks the old root on the new one; unmounting "." then drops the old
// root without needing a directory for it inside the container.
static void op_pivot_root(op_t *op) {
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
static void op_chroot(op_t *op) {
  const char *path = str(op, 0);
  CHECK("chdir", chdir(path));
  CHECK("mount", mount(path, "/", NULL, MS_MOVE, NULL));
  CHECK("chroot", chroot("."));
  CHECK("chdir", chdir("/"));
}

static void op_write_file(op_t *op) {
  const char *path = str(op, 0);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("open", errno);
  if (write(fd, bytes(op, 1)->bytes, bytes(op, 1)->len) < 0) fail("write", errno);
  close(fd);
}

static void op_capset(op_t *op) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  for (int i = 0; i < 2; i++) {
    data[i].effective = (uint32_t)num(op, (uint32_t)i);
    data[i].permitted = (uint32_t)num(op, (uint32_t)(2 + i));
    data[i].inheritable = (uint32_t)num(op, (uint32_t)(4 + i));
  }
  CHECK("capset", (int)syscall(SYS_capset, &hdr, data));
}

static void op_seccomp(op_t *op) {
  unsigned int flags = (unsigned int)num(op, 0);
  struct sock_fprog prog = {
      .len = (unsigned short)(bytes(op, 1)->len / sizeof(struct sock_filter)),
      .filter = (struct sock_filter *)bytes(op, 1)->bytes,
  };
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (rc < 0) fail("seccomp", errno);
}

static void send_fd(int sock, int fd) {
  char payload[8] = {0};
  uint32_t type = MSG_CONSOLE, len = 0;
  memcpy(payload, &type, 4);
  memcpy(payload + 4, &len, 4);
  struct iovec iov = {.iov_base = payload, .iov_len = sizeof(payload)};
  char control[CMSG_SPACE(sizeof(int))];
  memset(control, 0, sizeof(control));
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                       .msg_controllen = sizeof(control)};
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) fail("sendmsg", errno);
}

// The container's terminal: a pty from the container's own devpts, its master sent to the
// runtime over the console channel, its slave made stdin/stdout/stderr and controlling tty.
static void op_console(op_t *op) {
  unsigned short rows = (unsigned short)num(op, 0), cols = (unsigned short)num(op, 1);
  int chan = (int)num(op, 2);
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("open(/dev/ptmx)", errno);
  int unlock = 0;
  CHECK("ioctl(TIOCSPTLCK)", ioctl(master, TIOCSPTLCK, &unlock));
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) fail("ioctl(TIOCGPTPEER)", errno);
  if (rows && cols) {
    struct winsize ws = {.ws_row = rows, .ws_col = cols};
    CHECK("ioctl(TIOCSWINSZ)", ioctl(slave, TIOCSWINSZ, &ws));
  }
  unsigned int n;
  CHECK("ioctl(TIOCGPTN)", ioctl(master, TIOCGPTN, &n));
  char pts[64];
  snprintf(pts, sizeof(pts), "/dev/pts/%u", n);
  struct stat st;
  if (stat("/dev/console", &st) == 0) CHECK("mount(/dev/console)", mount(pts, "/dev/console", NULL, MS_BIND, NULL));
  send_fd(chan, master);
  close(master);
  CHECK("ioctl(TIOCSCTTY)", ioctl(slave, TIOCSCTTY, 0));
  for (int i = 0; i < 3; i++) CHECK("dup2", dup2(slave, i));
  if (slave > 2) close(slave);
}

static void op_find_exec(op_t *op) {
  const char *name = str(op, 0), *path = str(op, 1);
  struct stat st;
  if (strchr(name, '/')) {
    if (stat(name, &st) < 0) fail("stat", errno);
    if (!S_ISREG(st.st_mode)) fail("stat", EACCES);
    snprintf(exec_path, sizeof(exec_path), "%s", name);
    return;
  }
  const char *p = path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  int seen_eacces = 0;
  while (*p) {
    const char *end = strchr(p, ':');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char candidate[4096];
    if (n == 0)
      snprintf(candidate, sizeof(candidate), "%s", name);
    else
      snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)n, p, name);
    if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
      if (st.st_mode & 0111) {
        snprintf(exec_path, sizeof(exec_path), "%s", candidate);
        return;
      }
      seen_eacces = 1;
    }
    if (!end) break;
    p = end + 1;
  }
  fail("find_exec", seen_eacces ? EACCES : ENOENT);
}

// Parks the container between `create` and `start`: accept one connection on the start socket
// and read the go byte and the container's state (for startContainer hooks). From then on failures are reported on that connection, which closes
// (close-on-exec) when the user's program starts.
static void op_wait_start(op_t *op) {
  int listener = (int)num(op, 0);
  int min_fd = (int)num(op, 1); // above the fds preserved for the program
  int conn;
  do {
    conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
  } while (conn < 0 && errno == EINTR);
  if (conn < 0) fail("accept4", errno);
  close(listener);
  if (conn < min_fd) {
    int high = fcntl(conn, F_DUPFD_CLOEXEC, min_fd);
    if (high < 0) fail("fcntl", errno);
    close(conn);
    conn = high;
  }
  char go;
  if (read_full(conn, &go, 1) < 0 || go != 'S') _exit(121);
  uint32_t len;
  if (read_full(conn, &len, 4) < 0 || len > (1u << 20)) _exit(121);
  start_state.bytes = malloc(len + 1);
  if (!start_state.bytes || read_full(conn, start_state.bytes, len) < 0) _exit(121);
  start_state.bytes[len] = 0;
  start_state.len = len;
  report_fd = conn;
}

// Runs a hook inside the container (startContainer): fork, exec, wait, with the state on stdin.
static void op_run_hook(op_t *op) {
  const char *path = str(op, 0);
  arg_t *argv_arg = bytes(op, 1), *env_arg = bytes(op, 2), *state = bytes(op, 3);
  if (state->len == 0 && start_state.bytes) state = &start_state;
  int timeout = (int)num(op, 4);
  char *argv[256], *envp[1024];
  int argc = 0, envc = 0;
  for (uint32_t i = 0; i < argv_arg->len && argc < 255; i += (uint32_t)strlen(argv_arg->bytes + i) + 1)
    argv[argc++] = argv_arg->bytes + i;
  argv[argc] = NULL;
  for (uint32_t i = 0; i < env_arg->len && envc < 1023; i += (uint32_t)strlen(env_arg->bytes + i) + 1)
    envp[envc++] = env_arg->bytes + i;
  envp[envc] = NULL;
  int in[2];
  CHECK("pipe2", pipe2(in, O_CLOEXEC));
  pid_t pid = fork();
  if (pid < 0) fail("fork", errno);
  if (pid == 0) {
    dup2(in[0], 0);
    if (timeout > 0) alarm((unsigned)timeout);
    execve(path, argc ? argv : (char *[]){(char *)path, NULL}, envp);
    _exit(127);
  }
  close(in[0]);
  write_all(in[1], state->bytes, state->len);
  close(in[1]);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) fail("waitpid", errno);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("hook", ECHILD);
}

static void op_exec(op_t *op) {
  arg_t *argv_arg = bytes(op, 0), *env_arg = bytes(op, 1);
  int keep = (int)num(op, 2); // fds 3..3+keep-1 go to the program (--preserve-fds)
  size_t argc = 0, envc = 0;
  for (uint32_t i = 0; i < argv_arg->len; i += (uint32_t)strlen(argv_arg->bytes + i) + 1) argc++;
  for (uint32_t i = 0; i < env_arg->len; i += (uint32_t)strlen(env_arg->bytes + i) + 1) envc++;
  char **argv = calloc(argc + 1, sizeof(char *)), **envp = calloc(envc + 1, sizeof(char *));
  if (!argv || !envp) fail("calloc", ENOMEM);
  size_t k = 0;
  for (uint32_t i = 0; i < argv_arg->len; i += (uint32_t)strlen(argv_arg->bytes + i) + 1) argv[k++] = argv_arg->bytes + i;
  k = 0;
  for (uint32_t i = 0; i < env_arg->len; i += (uint32_t)strlen(env_arg->bytes + i) + 1) envp[k++] = env_arg->bytes + i;
  // Everything above the preserved fds closes on exec, including the report channel: its EOF
  // tells the runtime the program started.
  CHECK("close_range", (int)syscall(SYS_close_range, 3 + keep, ~0U, CLOSE_RANGE_CLOEXEC));
  if (report_fd >= 0 && report_fd < 3 + keep) fail("exec", EBADF);
  execve(exec_path, argv, envp);
  fail("execve", errno);
}

// Closes every fd from 3 up except the (up to two) given ones.
static void close_all_except(int a, int b) {
  int keep[2] = {a < b ? a : b, a < b ? b : a};
  int from = 3;
  for (int i = 0; i < 2; i++) {
    if (keep[i] < from) continue;
    if (keep[i] > from) syscall(SYS_close_range, from, keep[i] - 1, 0);
    from = keep[i] + 1;
  }
  syscall(SYS_close_range, from, ~0U, 0);
}

// Splits into the supervisor (which waits for the container's first process, reports its exit
// status and mirrors it) and that first process (which continues the program). After an
// unshare(CLONE_NEWPID) the child is pid 1 of the new namespace. The supervisor also puts the
// child in the container's cgroups.
static void op_fork(op_t *op) {
  int detach = (int)num(op, 0);
  int exit_fd = (int)num(op, 1);    // a file for the raw wait status (-1: none)
  arg_t *join = bytes(op, 2);       // cgroup.procs fds (int32 each) to put the child in
  int status_fd = (int)num(op, 3);  // a socket for MSG_EXIT (-1: none)
  // The child waits on `gate` until the supervisor has reported its pid, so the runtime always
  // learns the pid before the child's next message. The cgroup migration (which can wait for an
  // RCU grace period) runs while the child sets up its mounts; the child waits on
  // `cgroup_gate` (OP_WAIT_CGROUP) before anything that needs the cgroup.
  int gate[2], joined[2];
  CHECK("pipe2", pipe2(gate, O_CLOEXEC));
  CHECK("pipe2", pipe2(joined, O_CLOEXEC));
  pid_t pid = fork();
  if (pid < 0) fail("fork", errno);
  if (pid == 0) {
    close(gate[1]);
    close(joined[1]);
    cgroup_gate = joined[0];
    char c;
    while (read(gate[0], &c, 1) < 0 && errno == EINTR) {
    }
    close(gate[0]);
    if (exit_fd >= 0) close(exit_fd);
    if (status_fd >= 0) close(status_fd);
    return;
  }
  close(gate[0]);
  close(joined[0]);
  int32_t pids[2] = {pid, getpid()};
  send_msg(sync_fd, MSG_PID, pids, sizeof(pids));
  close(gate[1]);
  char pid_text[16];
  int pid_len = snprintf(pid_text, sizeof(pid_text), "%d", pid);
  for (uint32_t i = 0; i + 4 <= join->len; i += 4) {
    int32_t fd;
    memcpy(&fd, join->bytes + i, 4);
    if (write(fd, pid_text, (size_t)pid_len) < 0) {
      int err = errno;
      kill(pid, SIGKILL);
      fail("write(cgroup.procs)", err);
    }
  }
  close(joined[1]);
  if (detach) _exit(0);
  // The supervisor holds nothing the container's users wait on (pipes, sockets, the tty).
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int i = 0; i < 3; i++) dup2(devnull, i);
  close_all_except(exit_fd, status_fd);
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN); // the runtime may be gone: the exit file still records the status
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) _exit(122);
  }
  if (exit_fd >= 0) {
    char line[32];
    int n = snprintf(line, sizeof(line), "%d\n", status);
    write_all(exit_fd, line, (size_t)n);
    close(exit_fd);
  }
  if (status_fd >= 0) {
    int32_t st = status;
    send_msg(status_fd, MSG_EXIT, &st, 4);
    close(status_fd);
  }
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    // Die of the same signal, so the runtime sees exactly what the container's process saw.
    int sig = WTERMSIG(status);
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
  }
  _exit(123);
}

static void op_sync(op_t *op) {
  uint32_t payload[2] = {(uint32_t)num(op, 0), (uint32_t)getpid()};
  send_msg(sync_fd, MSG_SYNC, payload, sizeof(payload));
  char ack;
  if (read_full(sync_fd, &ack, 1) < 0 || ack != 'c') _exit(121); // the runtime gave up
}

static void run(op_t *op) {
  switch (op->code) {
    case OP_UNSHARE: CHECK("unshare", unshare((int)num(op, 0))); break;
    case OP_SETNS: CHECK("setns", setns((int)num(op, 0), (int)num(op, 1))); break;
    case OP_FORK: op_fork(op); break;
    case OP_SYNC: op_sync(op); break;
    case OP_MOUNT: op_mount(op); break;
    case OP_UMOUNT2: {
      char buf[64];
      const char *p;
      int fd = resolve(str(op, 0), (int)num(op, 2) & IN_ROOT, buf, sizeof(buf), &p);
      if (fd == -2) fail("openat2", errno);
      CHECK("umount2", umount2(p, (int)num(op, 1)));
      if (fd >= 0) close(fd);
      break;
    }
    case OP_OPEN_ROOT:
      if (root_fd >= 0) close(root_fd);
      root_fd = open(str(op, 0), O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (root_fd < 0) fail("open", errno);
      break;
    case OP_MKDIRS:
      if ((int)num(op, 2) & IN_ROOT) {
        mkdirs_in_root(str(op, 0), (mode_t)num(op, 1));
      } else if (mkdir(str(op, 0), (mode_t)num(op, 1)) < 0 && errno != EEXIST) {
        fail("mkdir", errno);
      }
      break;
    case OP_MKFILE: op_mkfile(op); break;
    case OP_MKNOD: op_mknod(op); break;
    case OP_SYMLINK: op_symlink(op); break;
    case OP_CHOWN: op_chown(op); break;
    case OP_PIVOT_ROOT: op_pivot_root(op); break;
    case OP_CHROOT: op_chroot(op); break;
    case OP_CHDIR: CHECK("chdir", chdir(str(op, 0))); break;
    case OP_WRITE_FILE: op_write_file(op); break;
    case OP_SETHOSTNAME: CHECK("sethostname", sethostname(str(op, 0), strlen(str(op, 0)))); break;
    case OP_SETDOMAINNAME: CHECK("setdomainname", setdomainname(str(op, 0), strlen(str(op, 0)))); break;
    case OP_SETGROUPS: {
      size_t n = bytes(op, 0)->len / sizeof(gid_t);
      CHECK("setgroups", (int)syscall(SYS_setgroups, n, (gid_t *)bytes(op, 0)->bytes));
      break;
    }
    // Raw syscalls: glibc's wrappers would try to broadcast to other threads; there are none.
    case OP_SETRESGID: CHECK("setresgid", (int)syscall(SYS_setresgid, num(op, 0), num(op, 1), num(op, 2))); break;
    case OP_SETRESUID: CHECK("setresuid", (int)syscall(SYS_setresuid, num(op, 0), num(op, 1), num(op, 2))); break;
    case OP_PRCTL:
      CHECK("prctl", prctl((int)num(op, 0), (unsigned long)num(op, 1), (unsigned long)num(op, 2),
                           (unsigned long)num(op, 3), (unsigned long)num(op, 4)));
      break;
    case OP_CAPSET: op_capset(op); break;
    case OP_SETRLIMIT: {
      struct rlimit lim = {.rlim_cur = (rlim_t)num(op, 1), .rlim_max = (rlim_t)num(op, 2)};
      CHECK("setrlimit", setrlimit((int)num(op, 0), &lim));
      break;
    }
    case OP_UMASK: umask((mode_t)num(op, 0)); break;
    case OP_SECCOMP: op_seccomp(op); break;
    case OP_SETSID: CHECK("setsid", setsid()); break;
    case OP_CONSOLE: op_console(op); break;
    case OP_FIND_EXEC: op_find_exec(op); break;
    case OP_READY:
      send_msg(sync_fd, MSG_READY, NULL, 0);
      close(sync_fd);
      sync_fd = -1;
      report_fd = -1;
      break;
    case OP_WAIT_START: op_wait_start(op); break;
    case OP_EXEC: op_exec(op); break;
    case OP_MASK_PATH: op_mask_path(op); break;
    case OP_READONLY_PATH: op_readonly_path(op); break;
    case OP_PERSONALITY: CHECK("personality", personality((unsigned long)num(op, 0))); break;
    case OP_CLOSE: close((int)num(op, 0)); break;
    case OP_REMOUNT: op_remount(op); break;
    case OP_RUN_HOOK: op_run_hook(op); break;
    case OP_WAIT_CGROUP: {
      char c;
      while (read(cgroup_gate, &c, 1) < 0 && errno == EINTR) {
      }
      close(cgroup_gate);
      cgroup_gate = -1;
      break;
    }
    default: fail("unknown op", EINVAL);
  }
}

// The sync socket and the fds the program uses live at or above these numbers while the
// container's fds (stdio, preserved fds, the program's own) are put in place below them.
enum { SYNC_FD_MIN = 200, STAGING_FD_MIN = 300, MAX_FDS = 253 };

// Receives the program and the fds it needs: one sendmsg of [u32 program length][u32 fd count]
// [i32 target per fd][program] with the fds attached (SCM_RIGHTS). Each fd goes to its target
// number, so the helper can be started before anyone knows which container it will become.
static char *receive_program(uint32_t *size) {
  uint32_t head[2];
  struct iovec iov = {.iov_base = head, .iov_len = sizeof(head)};
  char control[CMSG_SPACE(sizeof(int) * MAX_FDS)];
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
  ssize_t n;
  do {
    n = recvmsg(sync_fd, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
  } while (n < 0 && errno == EINTR);
  if (n != (ssize_t)sizeof(head)) _exit(n == 0 ? 0 : 2); // 0: the runtime went away before using us
  int received[MAX_FDS];
  int count = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    memcpy(received + count, CMSG_DATA(c), (size_t)k * sizeof(int));
    count += k;
  }
  if ((msg.msg_flags & MSG_CTRUNC) || (uint32_t)count != head[1]) fail("recvmsg", EBADMSG);
  int32_t targets[MAX_FDS];
  if (read_full(sync_fd, targets, (size_t)count * 4) < 0) _exit(2);
  // Two steps, so that a target equal to a received fd's current number cannot clobber it.
  for (int i = 0; i < count; i++) {
    int staged = fcntl(received[i], F_DUPFD_CLOEXEC, STAGING_FD_MIN);
    if (staged < 0) fail("fcntl", errno);
    close(received[i]);
    received[i] = staged;
  }
  for (int i = 0; i < count; i++) {
    if (dup2(received[i], targets[i]) < 0) fail("dup2", errno);
    close(received[i]);
  }
  *size = head[0];
  char *buf = malloc(*size ? *size : 1);
  if (!buf || read_full(sync_fd, buf, *size) < 0) _exit(2);
  return buf;
}

static int run_helper(int given_fd) {
  sync_fd = fcntl(given_fd, F_DUPFD_CLOEXEC, SYNC_FD_MIN);
  if (sync_fd < 0) return 2;
  close(given_fd);
  report_fd = sync_fd;
  uint32_t size;
  char *buf = receive_program(&size);
  decode(buf, size);
  for (current_op = 0; current_op < op_count; current_op++) run(&ops[current_op]);
  return 0;
}

static void note_child(int sig) { (void)sig; }

// Zygote mode: started once by a long-lived runtime, it forks a fresh helper for each socket it
// receives, so the runtime never forks its own (large, multithreaded) process per container. It
// reaps the helpers itself (their CPU time then counts in its own, and in the runtime's once the
// zygote ends).
static int run_zygote(int fd) {
  struct sigaction sa = {.sa_handler = note_child}; // no SA_RESTART: recvmsg returns EINTR
  sigaction(SIGCHLD, &sa, NULL);
  for (;;) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    char control[CMSG_SPACE(sizeof(int))];
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
    ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; // the runtime closed its end
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) continue;
    int helper_fd;
    memcpy(&helper_fd, CMSG_DATA(c), sizeof(int));
    pid_t pid = fork();
    if (pid == 0) {
      signal(SIGCHLD, SIG_DFL);
      close(fd);
      setsid();
      _exit(run_helper(helper_fd));
    }
    close(helper_fd);
  }
  // Helpers still running become init's (or the subreaper's) when we exit.
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--zygote") == 0) return run_zygote(atoi(argv[2]));
  if (argc != 2) {
    fprintf(stderr, "berth-init: run by berth's runtime, not by hand (usage: berth-init [--zygote] <fd>)\n");
    return 2;
  }
  return run_helper(atoi(argv[1]));
}
