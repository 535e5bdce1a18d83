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
#include "berth-init.h"

int sync_fd = -1;
int report_fd = -1;
int root_fd = -1;
uint32_t current_op;
char exec_path[4096];
int cgroup_gate = -1;
arg_t start_state = {.kind = ARG_BYTES, .len = 0, .bytes = NULL};

static op_t *ops;
static uint32_t op_count;

void write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    len -= (size_t)n;
  }
}

void send_msg(int fd, uint32_t type, const void *payload, uint32_t len) {
  if (fd < 0) return;
  char buf[4096 + 16];
  if (len > sizeof(buf) - 8) len = sizeof(buf) - 8;
  memcpy(buf, &type, 4);
  memcpy(buf + 4, &len, 4);
  if (len) memcpy(buf + 8, payload, len);
  write_all(fd, buf, 8 + len);
}

// Reports the failing op and the call inside it that failed, then ends this process.
void __attribute__((noreturn)) fail(const char *call, int err) {
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


int read_full(int fd, void *buf, size_t len) {
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

int64_t num(op_t *op, uint32_t i) { return i < op->argc ? op->args[i].num : 0; }
static arg_t empty_arg = {.kind = ARG_BYTES, .len = 0, .bytes = ""};
arg_t *bytes(op_t *op, uint32_t i) { return i < op->argc && op->args[i].kind == ARG_BYTES ? &op->args[i] : &empty_arg; }
// Strings: an empty string means NULL for the calls that accept NULL.
const char *str(op_t *op, uint32_t i) { return bytes(op, i)->bytes; }
const char *str_or_null(op_t *op, uint32_t i) {
  const char *s = str(op, i);
  return s && *s ? s : NULL;
}

static void run(op_t *op) {
  switch (op->code) {
    case OP_UNSHARE: CHECK("unshare", unshare((int)num(op, 0))); break;
    case OP_SETNS: CHECK("setns", setns((int)num(op, 0), (int)num(op, 1))); break;
    case OP_FORK: op_fork(op); break;
    case OP_SYNC: op_sync(op); break;
    case OP_MOUNT: op_mount(op); break;
    case OP_UMOUNT2: op_umount2(op); break;
    case OP_OPEN_ROOT: op_open_root(op); break;
    case OP_MKDIRS: op_mkdirs(op); break;
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
    case OP_WAIT_CGROUP: op_wait_cgroup(op); break;
    case OP_MOUNT_SETATTR: op_mount_setattr(op); break;
    case OP_SCHED_SETATTR: op_sched_setattr(op); break;
    case OP_IOPRIO_SET: CHECK("ioprio_set", (int)syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (int)num(op, 0))); break;
    case OP_SCHED_SETAFFINITY:
      CHECK("sched_setaffinity", (int)syscall(SYS_sched_setaffinity, 0, bytes(op, 0)->len, bytes(op, 0)->bytes));
      break;
    case OP_LOOPBACK_UP: op_loopback_up(); break;
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
