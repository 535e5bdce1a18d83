// berth-init's shared declarations: the program format, the op and message codes (mirrored in
// init-program.ts: a unit test compares them), and what the op files share.
#ifndef BERTH_INIT_H
#define BERTH_INIT_H

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <net/if.h>
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
  OP_MOUNT_SETATTR = 40,
  OP_SCHED_SETATTR = 41,
  OP_IOPRIO_SET = 42,
  OP_SCHED_SETAFFINITY = 43,
  OP_LOOPBACK_UP = 44,
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
  COPY_UP = 16,       // on a mount, copy what the destination held into the new mount (tmpcopyup)
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


extern int sync_fd;   // the create-time channel; closed at OP_READY
extern int report_fd; // where failures go: sync_fd, then the `start` connection
extern int root_fd;   // the container's root, for IN_ROOT resolution
extern uint32_t current_op;
extern char exec_path[4096];
extern int cgroup_gate; // closes when the supervisor has put us in the container's cgroups
extern arg_t start_state; // the state `start` sent, for startContainer hooks

// protocol.c
void write_all(int fd, const void *buf, size_t len);
void send_msg(int fd, uint32_t type, const void *payload, uint32_t len);
void __attribute__((noreturn)) fail(const char *call, int err);
int read_full(int fd, void *buf, size_t len);
int64_t num(op_t *op, uint32_t i);
arg_t *bytes(op_t *op, uint32_t i);
const char *str(op_t *op, uint32_t i);
const char *str_or_null(op_t *op, uint32_t i);

#define CHECK(call, expr)              \
  do {                                 \
    if ((expr) < 0) fail(call, errno); \
  } while (0)

// paths.c: paths resolved inside the container's root
int open_in_root(const char *path, int flags);
const char *fd_path(int fd, char *buf, size_t size);
void mkdirs_in_root(const char *path, mode_t mode);
int parent_fd(const char *path, int where, const char **leaf);
int resolve(const char *path, int in_root, char *buf, size_t size, const char **out);
unsigned long locked_flags(const char *path);

// fs.c and process.c: one function per op
void op_mount(op_t *op);
void op_remount(op_t *op);
void op_readonly_path(op_t *op);
void op_mask_path(op_t *op);
void op_mkfile(op_t *op);
void op_mknod(op_t *op);
void op_symlink(op_t *op);
void op_chown(op_t *op);
void op_pivot_root(op_t *op);
void op_chroot(op_t *op);
void op_write_file(op_t *op);
void op_capset(op_t *op);
void op_seccomp(op_t *op);
void op_console(op_t *op);
void op_find_exec(op_t *op);
void op_wait_start(op_t *op);
void op_run_hook(op_t *op);
void op_exec(op_t *op);
void op_fork(op_t *op);
void op_sync(op_t *op);
void op_umount2(op_t *op);
void op_open_root(op_t *op);
void op_mkdirs(op_t *op);
void op_wait_cgroup(op_t *op);
void op_mount_setattr(op_t *op);
void op_sched_setattr(op_t *op);
void op_loopback_up(void);

// copyup.c
void copy_tree(int src, int dst);

#endif
