// berth-init: the process ops (credentials, capabilities, seccomp, the terminal, parking until
// `start`, hooks, exec) and the fork into supervisor and container process.
#define _GNU_SOURCE
#include "berth-init.h"

void op_capset(op_t *op) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  for (int i = 0; i < 2; i++) {
    data[i].effective = (uint32_t)num(op, (uint32_t)i);
    data[i].permitted = (uint32_t)num(op, (uint32_t)(2 + i));
    data[i].inheritable = (uint32_t)num(op, (uint32_t)(4 + i));
  }
  CHECK("capset", (int)syscall(SYS_capset, &hdr, data));
}

// sched_setattr(2): the struct is not in this libc's headers (SCHED_ATTR_SIZE_VER0 layout).
struct berth_sched_attr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
};

void op_sched_setattr(op_t *op) {
  struct berth_sched_attr attr = {
      .size = sizeof(attr),
      .policy = (uint32_t)num(op, 0),
      .flags = (uint64_t)num(op, 1),
      .nice = (int32_t)num(op, 2),
      .priority = (uint32_t)num(op, 3),
      .runtime = (uint64_t)num(op, 4),
      .deadline = (uint64_t)num(op, 5),
      .period = (uint64_t)num(op, 6),
  };
  CHECK("sched_setattr", (int)syscall(SYS_sched_setattr, 0, &attr, 0));
}

void op_seccomp(op_t *op) {
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
void op_console(op_t *op) {
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

void op_find_exec(op_t *op) {
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
void op_wait_start(op_t *op) {
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
void op_run_hook(op_t *op) {
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

void op_exec(op_t *op) {
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
void op_fork(op_t *op) {
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

void op_sync(op_t *op) {
  uint32_t payload[2] = {(uint32_t)num(op, 0), (uint32_t)getpid()};
  send_msg(sync_fd, MSG_SYNC, payload, sizeof(payload));
  char ack;
  if (read_full(sync_fd, &ack, 1) < 0 || ack != 'c') _exit(121); // the runtime gave up
}


void op_wait_cgroup(op_t *op) {
  (void)op;
  char c;
  while (read(cgroup_gate, &c, 1) < 0 && errno == EINTR) {
  }
  close(cgroup_gate);
  cgroup_gate = -1;
}

// A new network namespace's loopback starts down. crun brings it up (runc leaves it to its caller,
// as dockerd does): `--network none` containers and RUN steps can then reach their own servers.
void op_loopback_up(void) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket", errno);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  CHECK("ioctl(SIOCGIFFLAGS, lo)", ioctl(fd, SIOCGIFFLAGS, &ifr));
  ifr.ifr_flags |= IFF_UP;
  CHECK("ioctl(SIOCSIFFLAGS, lo)", ioctl(fd, SIOCSIFFLAGS, &ifr));
  close(fd);
}
