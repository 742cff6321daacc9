#include "common/base/logging.h"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace wharf {

void SetLogLevel(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") parsed = spdlog::level::info;
  spdlog::set_level(parsed);
}

std::shared_ptr<spdlog::logger> Logger(const std::string& component) {
  // Look-up and creation are one step: two threads asking for a new name at
  // once must not both create it (spdlog throws on a duplicate).
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (auto existing = spdlog::get(component)) return existing;
  auto logger = spdlog::stderr_color_mt(component);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
  logger->set_level(spdlog::get_level());
  return logger;
}

}  // namespace wharf
