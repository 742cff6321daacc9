#include "cli/supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace wharf::cli {
namespace {

// Resolves argv[0] against PATH before fork (execve needs a path, and the
// child may only make async-signal-safe calls).
std::string ResolveProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return program;
}

}  // namespace

Supervisor::Supervisor(std::chrono::milliseconds restart_backoff)
    : restart_backoff_(restart_backoff) {}

Supervisor::~Supervisor() { StopAll(); }

Result<pid_t> Supervisor::Start(ChildSpec spec) {
  for (const auto& c : children_) {
    if (c.spec.name == spec.name) return Status::AlreadyExists("child " + spec.name + " exists");
  }
  Child child;
  child.spec = std::move(spec);
  children_.push_back(std::move(child));
  return Spawn(children_.back());
}

Result<pid_t> Supervisor::Spawn(Child& child) {
  const auto& spec = child.spec;
  if (spec.argv.empty()) return Status::InvalidArgument("child " + spec.name + " has no argv");
  // Everything the child needs is prepared before fork.
  std::string program = ResolveProgram(spec.argv[0]);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    if (!spec.env.count(key)) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = spec.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = -1;
  if (!spec.log_file.empty()) {
    log_fd = open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
      return Status::FailedPrecondition("cannot open log " + spec.log_file + ": " +
                                        std::strerror(errno));
    }
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    if (log_fd >= 0) close(log_fd);
    return Status::Internal(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    if (log_fd >= 0) {
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  // Both sides set the group, so it exists before either one goes on.
  setpgid(pid, pid);
  if (log_fd >= 0) close(log_fd);
  child.pid = pid;
  child.started = std::chrono::steady_clock::now();
  child.pending_restart = false;
  return pid;
}

std::vector<Supervisor::Exit> Supervisor::Reap() {
  std::vector<Exit> exits;
  auto now = std::chrono::steady_clock::now();
  for (auto& child : children_) {
    if (child.pid > 0) {
      int status = 0;
      pid_t r = waitpid(child.pid, &status, WNOHANG);
      if (r == child.pid) {
        Exit exit{child.spec.name, child.pid, status, false};
        child.pid = 0;
        if (child.spec.restart && !stopping_) {
          // Back off only when it died soon after starting (a crash loop).
          child.restart_at =
              (now - child.started < restart_backoff_ * 5) ? now + restart_backoff_ : now;
          child.pending_restart = true;
          exit.restarted = true;
        }
        exits.push_back(exit);
      }
    }
    if (child.pid == 0 && child.pending_restart && now >= child.restart_at) (void)Spawn(child);
  }
  return exits;
}

pid_t Supervisor::Pid(const std::string& name) const {
  for (const auto& c : children_) {
    if (c.spec.name == name) return c.pid;
  }
  return 0;
}

void Supervisor::Signal(const std::string& name, int signal, bool keep_down) {
  for (auto& c : children_) {
    if (c.spec.name != name) continue;
    if (keep_down) c.spec.restart = false;
    if (c.pid > 0) kill(-c.pid, signal);  // the child's whole process group
  }
}

Result<pid_t> Supervisor::Restart(const std::string& name) {
  for (auto& c : children_) {
    if (c.spec.name != name) continue;
    if (c.pid > 0) return c.pid;
    return Spawn(c);
  }
  return Status::NotFound("no child " + name);
}

void Supervisor::StopAll(std::chrono::milliseconds grace) {
  stopping_ = true;
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
    if (it->pid > 0) kill(-it->pid, SIGTERM);
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
    while (it->pid > 0) {
      int status = 0;
      pid_t r = waitpid(it->pid, &status, WNOHANG);
      if (r == it->pid || (r < 0 && errno == ECHILD)) {
        kill(-it->pid, SIGKILL);  // whatever the child left behind in its group
        it->pid = 0;
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        kill(-it->pid, SIGKILL);
        waitpid(it->pid, &status, 0);
        it->pid = 0;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  stopping_ = false;
}

std::string Supervisor::Describe(const Exit& exit) {
  if (WIFEXITED(exit.status)) {
    return exit.name + " (exit " + std::to_string(WEXITSTATUS(exit.status)) + ")";
  }
  if (WIFSIGNALED(exit.status)) {
    return exit.name + " (signal " + std::to_string(WTERMSIG(exit.status)) + ")";
  }
  return exit.name;
}

}  // namespace wharf::cli
