#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace wharf {

// Sets the level every logger made afterwards (and every existing one) uses:
// "trace", "debug", "info", "warn", "error". Unknown names mean "info".
void SetLogLevel(const std::string& level);

// The named logger of one component ("controller", "executor", "bus", ...),
// created on first use, writing to stderr. Thread-safe.
std::shared_ptr<spdlog::logger> Logger(const std::string& component);

}  // namespace wharf
