// berth-reaper: the process `docker run --init` puts first in a container (mounted at
// /sbin/docker-init). As pid 1 it runs the command as its child, forwards the signals it gets to
// it, reaps every orphan that the kernel re-parents to it, and exits with the command's status
// (128 + the signal number when a signal killed it), as tini does for Docker.
//
// Usage: berth-reaper [--] command [args...]
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int first = 1;
  if (first < argc && strcmp(argv[first], "--") == 0) first++;
  if (first >= argc) {
    fprintf(stderr, "berth-reaper: no command to run: use berth-reaper -- command [args...]\n");
    return 2;
  }
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);

  pid_t child = fork();
  if (child < 0) {
    perror("berth-reaper: fork");
    return 1;
  }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    execvp(argv[first], argv + first);
    fprintf(stderr, "berth-reaper: exec %s: %s\n", argv[first], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }

  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&all, &info);
    if (sig < 0) {
      if (errno == EINTR) continue;
      perror("berth-reaper: sigwaitinfo");
      return 1;
    }
    if (sig != SIGCHLD) {
      // Forwarded as is; SIGKILL and SIGSTOP never reach us (pid 1 ignores what it cannot catch).
      kill(child, sig);
      continue;
    }
    for (;;) {
      int status;
      pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      if (pid != child) continue;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
  }
}
