#include "common/runtime/process_runtime.h"

#include <cstdlib>

#include "common/base/logging.h"
#include "common/spec/config_loader.h"

namespace wharf {

void ProcessRuntime::AddFlags(CLI::App& app, Flags* flags) {
  app.add_option("--config", flags->config_path, "Wharf config file (default: $WHARF_CONFIG)");
  app.add_option("--state-dir", flags->state_dir,
                 "State directory (default: $WHARF_STATE_DIR, else ./.wharf)");
  app.add_option("--log-level", flags->log_level, "trace, debug, info, warn or error");
}

Result<v1::WharfConfig> ProcessRuntime::LoadConfig(const Flags& flags) {
  std::string path = flags.config_path;
  if (path.empty()) {
    if (const char* env = std::getenv("WHARF_CONFIG")) path = env;
  }
  auto config = spec::LoadConfig(path, flags.state_dir);
  if (!config.ok()) return config.status();
  if (!flags.log_level.empty()) config->set_log_level(flags.log_level);
  SetLogLevel(config->log_level());
  return config;
}

void ProcessRuntime::RunUntilSignal(asio::io_context& io, const std::function<void()>& on_stop,
                                    std::chrono::milliseconds drain) {
  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool stopping = false;
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    stopping = true;
    on_stop();
  });
  while (!stopping) {
    io.run_one();
    if (io.stopped()) break;
  }
  io.restart();
  io.run_for(drain);
}

}  // namespace wharf
