#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cli/supervisor.h"
#include "common/base/result.h"
#include "common/bus/socket_factory.h"
#include "wharf/v1/config.pb.h"
#include "wharf/v1/control.pb.h"

namespace wharf::cli {

// A whole Wharf stack on this machine, as child processes: optionally the
// local cloud, then the bus, the controller, N executors and the spec
// watcher, all sharing one resolved config written to
// <state_dir>/config.json (which is also how other `wharf` commands find the
// running stack). Used by `wharf up` and by the integration tests.
// Not thread-safe: one owner.
class LocalStack {
 public:
  struct Options {
    // Where wharf-bus, wharf-controller, ... live.
    std::string bin_dir;
    // Start the local cloud (localcloud/, see LocalCloudLauncher) on the
    // config's local_cloud host and port, and point every process at it.
    bool local_cloud = false;
    // Its clock speed (1: real time) and seed.
    double local_cloud_speed = 1.0;
    int64_t local_cloud_seed = 0;
    // Where localcloud/ is; empty: $WHARF_LOCALCLOUD_PATH, else the source
    // tree Wharf was built from.
    std::string local_cloud_source_dir;
    std::string local_cloud_python = "python3";
    // Bound on its start-up, until it reports warm (ready for AWS calls).
    std::chrono::milliseconds local_cloud_start_timeout{60'000};
    // Test hook passed to executors (see Executor::Options::hold_result).
    std::chrono::milliseconds executor_hold_result{0};
    // Progress lines go here (nullptr: silent).
    FILE* progress = stderr;
  };

  LocalStack(v1::WharfConfig config, Options options);
  ~LocalStack();  // Stop()

  // Creates the state dir, writes config.json, starts every process. With
  // the local cloud, it comes first and Start() returns once it is ready
  // (or fails saying why: port taken, python3 or localcloud/ missing, or the
  // child exited, with the tail of its log).
  Status Start();
  // Waits until the controller reports every executor connected, every
  // required watcher synced and the bus healthy; the error says what is missing.
  Status WaitReady(std::chrono::milliseconds timeout);
  // Reaps and restarts children that exited; returns one line per exit.
  std::vector<std::string> Tick();
  void Stop();

  Supervisor& supervisor() { return supervisor_; }
  const v1::WharfConfig& config() const { return config_; }
  std::string config_path() const;
  std::string log_dir() const;
  // The local cloud's endpoint ("http://127.0.0.1:4566"), empty if none.
  std::string cloud_endpoint() const;
  // "executor-1", ...
  std::vector<std::string> executor_names() const;

 private:
  Status StartLocalCloud();
  Status StartChild(const std::string& name, std::vector<std::string> argv, bool restart = true);
  std::string Progress(const std::string& line) const;

  v1::WharfConfig config_;
  Options options_;
  Supervisor supervisor_;
  bus::SocketFactory sockets_;
  std::map<std::string, std::string> child_env_;
};

// Asks the running controller for its status. kUnavailable when no
// controller answers (the message says how to start one).
Result<v1::StatusReply> QueryStatus(
    bus::SocketFactory& sockets, const v1::WharfConfig& config, const std::string& app,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

}  // namespace wharf::cli
