#pragma once

#include <random>
#include <string>

namespace wharf {

// Random identifiers (message ids, correlation ids). Seedable for tests.
// Not thread-safe: one per owning thread.
class IdGenerator {
 public:
  IdGenerator();  // seeded from std::random_device
  explicit IdGenerator(uint64_t seed);
  // 16 lower-case hex characters, optionally behind "prefix-".
  std::string Next(const std::string& prefix = "");

 private:
  std::mt19937_64 rng_;
};

// "host:pid", identifying this process instance.
std::string ProcessInstanceName();

}  // namespace wharf
