#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/runtime/process_runtime.h"

namespace wharf::cli {

// The `wharf` subcommands. Each returns the process exit code and prints
// errors as one line naming what to fix.
class Commands {
 public:
  struct UpFlags {
    bool local = false;
    int local_cloud_port = 0;        // 0: the config's
    double local_cloud_speed = 1.0;  // the local cloud's clock speed, > 0
    int64_t local_cloud_seed = 0;
    int executors = 0;      // 0: the config's
    std::string specs_dir;  // empty: the config's
  };

  // Starts the stack in the foreground until SIGINT/SIGTERM.
  static int Up(const ProcessRuntime::Flags& flags, const UpFlags& up, const std::string& bin_dir);
  // Prints what the controller knows (one app, or all).
  static int Status(const ProcessRuntime::Flags& flags, const std::string& app, bool json);
  // Streams events from the bus until Ctrl-C (only `app`'s when set).
  static int Events(const ProcessRuntime::Flags& flags, const std::string& app);
  // Prints `app`'s progress until it converges (0), fails or is invalid (1),
  // or `timeout` passes (3).
  static int Wait(const ProcessRuntime::Flags& flags, const std::string& app,
                  std::chrono::seconds timeout);
  // Prints what applying the spec in `file` would change: 0 when nothing,
  // 2 when something would change, 1 on an invalid spec or no controller.
  static int Plan(const ProcessRuntime::Flags& flags, const std::string& file);
  // Submits the spec in `file` and prints per-resource progress until the
  // app converges on it (0), fails or the spec is invalid (1), or `timeout`
  // passes (3).
  static int Apply(const ProcessRuntime::Flags& flags, const std::string& file,
                   std::chrono::seconds timeout);
  // Removes everything of `app` (except what its spec retains) and prints
  // progress until it is gone (0), fails (1) or `timeout` passes (3).
  static int Destroy(const ProcessRuntime::Flags& flags, const std::string& app,
                     std::chrono::seconds timeout);
};

}  // namespace wharf::cli
