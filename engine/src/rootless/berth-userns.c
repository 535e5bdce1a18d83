// berth-userns: runs a command as root of a new user namespace (with its own mount namespace),
// for rootless Berth. Node is multithreaded from start-up and cannot create or join a user
// namespace; this single-threaded helper does it and stays behind as the command's supervisor.
//
// Usage: berth-userns --uid-map "IN OUT N[ IN OUT N…]" --gid-map "…"
//                     [--newuidmap PATH --newgidmap PATH] [--keeper PIDFILE] [--probe] -- COMMAND [ARG…]
//
// Every decision (which ids, which mapping helper, what to run) is made in TypeScript
// (engine/src/rootless/); this file only carries it out:
//   1. fork; the child unshares CLONE_NEWUSER and waits;
//   2. the parent writes the child's id maps: through the setuid newuidmap/newgidmap (Debian's
//      uidmap, which check /etc/subuid and /etc/subgid) or, without them, directly (a mapping of
//      our own ids only, which the kernel allows an unprivileged process once setgroups is denied);
//   3. the child becomes uid/gid 0 of the namespace, unshares CLONE_NEWNS (mounts it makes stay
//      private, mounts of the host still propagate in) and execs COMMAND; with --probe it mounts a
//      tmpfs instead (what an AppArmor userns restriction forbids) and exits 0;
//   4. the parent forwards signals to the child and exits the way the child does.
// With --keeper, the namespaces outlive the command: a process that only holds them ("keeper",
// named berth-keeper) is left behind, its pid in PIDFILE, and the next berth-userns with the same
// PIDFILE joins its user and mount namespaces (setns) instead of making new ones. So a berthd
// restarted while containers run is in their namespaces again: it may signal them, enter them
// and see their root file systems' mounts (a new namespace could do none of that). The keeper
// leaves once it is alone in its user namespace (checked every keeper_check_seconds), stopping
// rootless berthd's network link (rootless-netns.ts), which would otherwise outlive everything.
// A failing step prints "berth-userns: <step>: <error>" and exits 125 (126: COMMAND cannot be run).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

enum { EXIT_SETUP = 125, EXIT_EXEC = 126 };

// What the child reports on its pipe: the step that failed and errno. EOF after "ready" means
// COMMAND was executed (the pipe is close-on-exec).
typedef struct {
  int step;
  int err;
} report_t;

enum { STEP_UNSHARE_USER = 1, STEP_SETGID, STEP_SETUID, STEP_SETGROUPS, STEP_UNSHARE_MOUNT, STEP_PROPAGATION, STEP_PROBE_MOUNT, STEP_EXEC, STEP_READY, STEP_JOIN_USER, STEP_JOIN_MOUNT };

enum { keeper_check_seconds = 30 };
static const char keeper_name[] = "berth-keeper";

static const char *step_name(int step) {
  switch (step) {
    case STEP_UNSHARE_USER: return "unshare(CLONE_NEWUSER)";
    case STEP_SETGID: return "setresgid(0, 0, 0)";
    case STEP_SETUID: return "setresuid(0, 0, 0)";
    case STEP_SETGROUPS: return "setgroups(0)";
    case STEP_UNSHARE_MOUNT: return "unshare(CLONE_NEWNS)";
    case STEP_PROPAGATION: return "mount(\"/\", MS_REC|MS_SLAVE)";
    case STEP_PROBE_MOUNT: return "mount(\"tmpfs\", \"/tmp\")";
    case STEP_EXEC: return "execvp";
    case STEP_JOIN_USER: return "setns(CLONE_NEWUSER) into the keeper's namespace";
    case STEP_JOIN_MOUNT: return "setns(CLONE_NEWNS) into the keeper's namespace";
    default: return "setup";
  }
}

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

static int read_full(int fd, void *buf, size_t len) {
  char *p = buf;
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(fd, p + got, len - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return (int)got;
    got += (size_t)n;
  }
  return (int)got;
}

static void report(int fd, int step, int err) {
  report_t r = {step, err};
  write_all(fd, &r, sizeof(r));
}

static pid_t child_pid = -1;

static void forward(int sig) {
  if (child_pid > 0) kill(child_pid, sig);
}

// Runs a mapping helper (newuidmap PID IN OUT N …) and waits for it.
static int run_map_helper(const char *path, pid_t pid, const char *map) {
  char pid_text[16];
  snprintf(pid_text, sizeof(pid_text), "%d", pid);
  char *copy = strdup(map);
  char *argv[3 + 3 * 340 + 1];
  int argc = 0;
  argv[argc++] = (char *)path;
  argv[argc++] = pid_text;
  for (char *tok = strtok(copy, " "); tok && argc < (int)(sizeof(argv) / sizeof(argv[0])) - 1; tok = strtok(NULL, " "))
    argv[argc++] = tok;
  argv[argc] = NULL;
  pid_t helper = fork();
  if (helper < 0) {
    free(copy);
    return -1;
  }
  if (helper == 0) {
    execv(path, argv);
    fprintf(stderr, "berth-userns: cannot run %s: %s\n", path, strerror(errno));
    _exit(127);
  }
  int status;
  while (waitpid(helper, &status, 0) < 0)
    if (errno != EINTR) return -1;
  free(copy);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int write_file(pid_t pid, const char *name, const char *text) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  // The kernel takes a map in one write; "IN OUT N IN OUT N" becomes one triple per line.
  char buf[4096];
  snprintf(buf, sizeof(buf), "%s\n", text);
  if (strcmp(name, "setgroups") != 0) {
    int field = 0;
    for (char *c = buf; *c; c++)
      if (*c == ' ' && ++field % 3 == 0) *c = '\n';
  }
  ssize_t n = write(fd, buf, strlen(buf));
  int err = errno;
  close(fd);
  errno = err;
  return n < 0 ? -1 : 0;
}

// The keeper named in PIDFILE, if it still runs as ours: its pid, else -1.
static pid_t live_keeper(const char *pidfile) {
  char text[32] = {0};
  int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, text, sizeof(text) - 1);
  close(fd);
  pid_t pid = n > 0 ? (pid_t)atoi(text) : 0;
  if (pid <= 0) return -1;
  char path[64], comm[32] = {0};
  snprintf(path, sizeof(path), "/proc/%d/comm", pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  n = read(fd, comm, sizeof(comm) - 1);
  close(fd);
  struct stat st;
  snprintf(path, sizeof(path), "/proc/%d", pid);
  // Pids are reused: it must be named as a keeper and be ours.
  if (n <= 0 || strncmp(comm, keeper_name, strlen(keeper_name)) != 0 || stat(path, &st) < 0 || st.st_uid != getuid())
    return -1;
  return pid;
}

static int ns_fd(pid_t pid, const char *ns) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns);
  return open(path, O_RDONLY | O_CLOEXEC);
}

// Whether a process other than this one is in this process's user namespace, not counting
// rootless berthd's network link (pasta or slirp4netns: it only serves containers, and stays as
// long as the namespace). When there is none, the links found are stopped.
static int has_company(void) {
  char own[64] = {0}, other[64], path[64], comm[32];
  if (readlink("/proc/self/ns/user", own, sizeof(own) - 1) < 0) return 1;
  DIR *proc = opendir("/proc");
  if (!proc) return 1;
  int found = 0, links = 0;
  pid_t link[16];
  pid_t self = getpid();
  for (struct dirent *e; !found && (e = readdir(proc));) {
    pid_t pid = (pid_t)atoi(e->d_name);
    if (pid <= 0 || pid == self) continue;
    snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
    ssize_t n = readlink(path, other, sizeof(other) - 1);
    if (n < 0) continue;
    other[n] = 0;
    if (strcmp(own, other) != 0) continue;
    snprintf(path, sizeof(path), "/proc/%d/comm", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    n = fd >= 0 ? read(fd, comm, sizeof(comm) - 1) : -1;
    if (fd >= 0) close(fd);
    comm[n > 0 ? n : 0] = 0;
    int is_link = strncmp(comm, "pasta", 5) == 0 || strncmp(comm, "passt", 5) == 0 || strncmp(comm, "slirp4netns", 11) == 0;
    if (is_link && links < (int)(sizeof(link) / sizeof(link[0]))) link[links++] = pid;
    else found = 1;
  }
  closedir(proc);
  if (!found)
    for (int k = 0; k < links; k++) kill(link[k], SIGTERM);
  return found;
}

// Leaves a keeper behind (detached by a double fork: nobody has to reap it) and waits until it has
// written PIDFILE. Called in the new namespaces, before the command runs.
static void leave_keeper(const char *pidfile) {
  pid_t middle = fork();
  if (middle < 0) return;
  if (middle > 0) {
    waitpid(middle, NULL, 0);
    return;
  }
  pid_t keeper = fork();
  if (keeper != 0) {
    if (keeper > 0) {
      // Written here, before the command starts, so a second berth-userns finds it.
      char tmp[4096], text[32];
      snprintf(tmp, sizeof(tmp), "%s.%d.tmp", pidfile, (int)getpid());
      int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd >= 0) {
        snprintf(text, sizeof(text), "%d\n", (int)keeper);
        write_all(fd, text, strlen(text));
        close(fd);
        if (rename(tmp, pidfile) < 0) unlink(tmp);
      }
    }
    _exit(0);
  }
  setsid();
  prctl(PR_SET_NAME, keeper_name, 0, 0, 0);
  syscall(SYS_close_range, 0, ~0U, 0);
  if (chdir("/") < 0) _exit(0);
  sigset_t all;
  sigfillset(&all);
  sigdelset(&all, SIGTERM);
  sigdelset(&all, SIGKILL);
  sigprocmask(SIG_SETMASK, &all, NULL);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGTERM) signal(sig, SIG_IGN);
  signal(SIGTERM, SIG_DFL);
  do sleep(keeper_check_seconds);
  while (has_company());
  // Alone: the namespaces go with us. A berth-userns that read our pid a moment ago still holds
  // our namespaces open and joins them; the one after it makes new ones.
  char text[32] = {0};
  int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (read(fd, text, sizeof(text) - 1) > 0 && atoi(text) == getpid()) unlink(pidfile);
    close(fd);
  }
  _exit(0);
}

static void usage(void) {
  fprintf(stderr,
          "berth-userns: run by berth's rootless launcher, not by hand (usage: berth-userns --uid-map MAP "
          "--gid-map MAP [--newuidmap PATH --newgidmap PATH] [--keeper PIDFILE] [--probe] -- COMMAND [ARG...])\n");
  exit(2);
}

int main(int argc, char **argv) {
  const char *uid_map = NULL, *gid_map = NULL, *newuidmap = NULL, *newgidmap = NULL, *keeper = NULL;
  int probe = 0, i;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    if (strcmp(argv[i], "--probe") == 0) {
      probe = 1;
      continue;
    }
    if (i + 1 >= argc) usage();
    if (strcmp(argv[i], "--uid-map") == 0) uid_map = argv[++i];
    else if (strcmp(argv[i], "--gid-map") == 0) gid_map = argv[++i];
    else if (strcmp(argv[i], "--newuidmap") == 0) newuidmap = argv[++i];
    else if (strcmp(argv[i], "--newgidmap") == 0) newgidmap = argv[++i];
    else if (strcmp(argv[i], "--keeper") == 0) keeper = argv[++i];
    else usage();
  }
  if (!uid_map || !gid_map || (!probe && i >= argc) || (!newuidmap != !newgidmap)) usage();
  char **command = argv + i;

  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) < 0 || pipe2(from_child, O_CLOEXEC) < 0) {
    perror("berth-userns: pipe2");
    return EXIT_SETUP;
  }
  // Signals sent to the supervisor reach the command (installed before the fork, so none is lost;
  // the child resets them before its exec).
  struct sigaction sa = {.sa_handler = forward};
  sigemptyset(&sa.sa_mask);
  int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
  for (size_t k = 0; k < sizeof(forwarded) / sizeof(forwarded[0]); k++) sigaction(forwarded[k], &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  // A live keeper's namespaces are joined; without one (or when they cannot be opened), new ones.
  int join_user = -1, join_mount = -1;
  pid_t kept = keeper && !probe ? live_keeper(keeper) : -1;
  if (kept > 0) {
    join_user = ns_fd(kept, "user");
    join_mount = ns_fd(kept, "mnt");
    if (join_user < 0 || join_mount < 0) {
      if (join_user >= 0) close(join_user);
      if (join_mount >= 0) close(join_mount);
      join_user = join_mount = -1;
    }
  }
  child_pid = fork();
  if (child_pid < 0) {
    perror("berth-userns: fork");
    return EXIT_SETUP;
  }
  if (child_pid == 0) {
    close(to_child[1]);
    close(from_child[0]);
    int out = from_child[1];
    if (join_user >= 0) {
      // The keeper's namespaces: already mapped, and its mounts (containers' root file systems).
      if (setns(join_user, CLONE_NEWUSER) < 0) {
        report(out, STEP_JOIN_USER, errno);
        _exit(EXIT_SETUP);
      }
      if (setns(join_mount, CLONE_NEWNS) < 0) {
        report(out, STEP_JOIN_MOUNT, errno);
        _exit(EXIT_SETUP);
      }
    } else if (unshare(CLONE_NEWUSER) < 0) {
      report(out, STEP_UNSHARE_USER, errno);
      _exit(EXIT_SETUP);
    }
    report(out, STEP_READY, 0);
    char go;
    if (read_full(to_child[0], &go, 1) != 1) _exit(EXIT_SETUP); // the parent could not map us
    close(to_child[0]);
    // Raw syscalls: this process has one thread, and glibc's wrappers would signal the others.
    if (syscall(SYS_setresgid, 0, 0, 0) < 0) {
      report(out, STEP_SETGID, errno);
      _exit(EXIT_SETUP);
    }
    if (syscall(SYS_setresuid, 0, 0, 0) < 0) {
      report(out, STEP_SETUID, errno);
      _exit(EXIT_SETUP);
    }
    // With newgidmap the namespace may call setgroups: drop the host's supplementary groups
    // (unmapped there anyway). Without it, setgroups is denied and they stay, as "nogroup".
    if (newgidmap && syscall(SYS_setgroups, 0, NULL) < 0 && !(join_user >= 0 && errno == EPERM)) {
      report(out, STEP_SETGROUPS, errno);
      _exit(EXIT_SETUP);
    }
    if (join_user < 0 && unshare(CLONE_NEWNS) < 0) {
      report(out, STEP_UNSHARE_MOUNT, errno);
      _exit(EXIT_SETUP);
    }
    if (join_user < 0 && mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
      report(out, STEP_PROPAGATION, errno);
      _exit(EXIT_SETUP);
    }
    if (join_user < 0 && keeper && !probe) leave_keeper(keeper);
    if (probe) {
      if (mount("tmpfs", "/tmp", "tmpfs", 0, "size=4k") < 0) {
        report(out, STEP_PROBE_MOUNT, errno);
        _exit(EXIT_SETUP);
      }
      _exit(0);
    }
    // The command starts with default signal handling (Node, our parent, ignores SIGPIPE).
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
    // Nothing but stdio goes to the command (our caller's stray fds included).
    syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
    execvp(command[0], command);
    report(out, STEP_EXEC, errno);
    _exit(EXIT_EXEC);
  }

  close(to_child[0]);
  close(from_child[1]);
  report_t r;
  int got = read_full(from_child[0], &r, sizeof(r));
  if (got == (int)sizeof(r) && r.step != STEP_READY) {
    fprintf(stderr, "berth-userns: %s: %s\n", step_name(r.step), strerror(r.err));
    waitpid(child_pid, NULL, 0);
    return EXIT_SETUP;
  }
  if (got != (int)sizeof(r)) {
    fprintf(stderr, "berth-userns: the child ended before creating its user namespace\n");
    return EXIT_SETUP;
  }
  int mapped = 1;
  if (join_user >= 0) {
    // Joined: the keeper's namespace has its maps already.
  } else if (newuidmap) {
    mapped = run_map_helper(newuidmap, child_pid, uid_map) == 0 && run_map_helper(newgidmap, child_pid, gid_map) == 0;
    if (!mapped)
      fprintf(stderr, "berth-userns: %s/%s could not map the ids \"%s\" / \"%s\" (its message is above)\n",
              newuidmap, newgidmap, uid_map, gid_map);
  } else {
    mapped = write_file(child_pid, "uid_map", uid_map) == 0 && write_file(child_pid, "setgroups", "deny") == 0 &&
             write_file(child_pid, "gid_map", gid_map) == 0;
    if (!mapped) fprintf(stderr, "berth-userns: writing the id maps of process %d: %s\n", child_pid, strerror(errno));
  }
  if (!mapped) {
    kill(child_pid, SIGKILL);
    waitpid(child_pid, NULL, 0);
    return EXIT_SETUP;
  }
  write_all(to_child[1], "g", 1);
  close(to_child[1]);
  got = read_full(from_child[0], &r, sizeof(r));
  close(from_child[0]);
  if (got == (int)sizeof(r)) {
    if (r.step == STEP_EXEC)
      fprintf(stderr, "berth-userns: cannot run %s: %s\n", command[0], strerror(r.err));
    else
      fprintf(stderr, "berth-userns: %s: %s\n", step_name(r.step), strerror(r.err));
    waitpid(child_pid, NULL, 0);
    return r.step == STEP_EXEC ? EXIT_EXEC : EXIT_SETUP;
  }

  // The supervisor: it ends the way the command ends.
  int status;
  while (waitpid(child_pid, &status, 0) < 0) {
    if (errno != EINTR) return EXIT_SETUP;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    kill(getpid(), sig);
    return 128 + sig;
  }
  return EXIT_SETUP;
}
