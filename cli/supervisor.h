#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace wharf::cli {

// Starts, watches, restarts and stops the processes of a local stack.
// Children run in their own process group (so a terminal's Ctrl-C reaches
// only the supervisor, which then stops them in order) and get SIGTERM if
// the supervisor dies. Their stdout and stderr go to a log file each.
// Not thread-safe: one owner.
class Supervisor {
 public:
  struct ChildSpec {
    std::string name;                        // unique, e.g. "executor-1"
    std::vector<std::string> argv;           // argv[0] is an absolute path or found on PATH
    std::map<std::string, std::string> env;  // added to (or replacing in) this environment
    std::string log_file;                    // appended to; empty = inherit stderr
    bool restart = true;                     // start again when it exits unexpectedly
  };
  struct Exit {
    std::string name;
    pid_t pid;
    int status;  // as from waitpid
    bool restarted;
  };

  explicit Supervisor(std::chrono::milliseconds restart_backoff = std::chrono::milliseconds(1000));
  ~Supervisor();  // StopAll()
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  Result<pid_t> Start(ChildSpec spec);
  // Reaps children that exited, restarting those that should be (no faster
  // than the backoff). Returns what exited since the last call.
  std::vector<Exit> Reap();
  // 0 when not running.
  pid_t Pid(const std::string& name) const;
  // Sends `signal` to the child's process group; with restart disabled first when `keep_down`.
  void Signal(const std::string& name, int signal, bool keep_down = false);
  // Starts a child that was kept down (or exited and was not restarted).
  Result<pid_t> Restart(const std::string& name);
  // SIGTERM to every child's process group in reverse start order, SIGKILL
  // to those still running after `grace`; reaps all of them.
  void StopAll(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  // "name (exit 3)" / "name (signal 9)".
  static std::string Describe(const Exit& exit);

 private:
  struct Child {
    ChildSpec spec;
    pid_t pid = 0;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point restart_at;
    bool pending_restart = false;
  };
  Result<pid_t> Spawn(Child& child);

  const std::chrono::milliseconds restart_backoff_;
  std::vector<Child> children_;  // start order
  bool stopping_ = false;
};

}  // namespace wharf::cli
