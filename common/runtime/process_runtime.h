#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/base/asio.h"
#include "common/base/result.h"
#include "wharf/v1/config.pb.h"

namespace wharf {

// What every Wharf process main shares: the common flags, config loading,
// and running the io thread until SIGINT/SIGTERM.
class ProcessRuntime {
 public:
  struct Flags {
    std::string config_path;  // --config, else $WHARF_CONFIG, else built-in defaults
    std::string state_dir;    // --state-dir (wins over WHARF_STATE_DIR and the file)
    std::string log_level;    // --log-level (wins over the file)
  };

  static void AddFlags(CLI::App& app, Flags* flags);
  // Loads the config and applies the log level. The error names the file and
  // field; a main prints it as one line and exits non-zero.
  static Result<v1::WharfConfig> LoadConfig(const Flags& flags);
  // Runs `io` on this thread until SIGINT or SIGTERM, then calls `on_stop`
  // and keeps running `io` until it has no more work or `drain` passes.
  static void RunUntilSignal(asio::io_context& io, const std::function<void()>& on_stop,
                             std::chrono::milliseconds drain = std::chrono::milliseconds(500));
};

}  // namespace wharf
