#include "common/base/ids.h"

#include <unistd.h>

#include <array>
#include <cstdio>

namespace wharf {

IdGenerator::IdGenerator() : rng_(std::random_device{}()) {}
IdGenerator::IdGenerator(uint64_t seed) : rng_(seed) {}

std::string IdGenerator::Next(const std::string& prefix) {
  std::array<char, 17> buf{};
  std::snprintf(buf.data(), buf.size(), "%016llx", static_cast<unsigned long long>(rng_()));
  return prefix.empty() ? std::string(buf.data()) : prefix + "-" + buf.data();
}

std::string ProcessInstanceName() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

}  // namespace wharf
