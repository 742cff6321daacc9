#include "common/aws/environment.h"

#include <cstdlib>
#include <utility>

namespace wharf::aws {

Environment::Environment(bool process, std::map<std::string, std::string> variables)
    : process_(process), variables_(std::move(variables)) {}

Environment Environment::Process() { return Environment(true, {}); }

Environment Environment::FromMap(std::map<std::string, std::string> variables) {
  return Environment(false, std::move(variables));
}

std::optional<std::string> Environment::Get(const std::string& name) const {
  if (process_) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  }
  auto it = variables_.find(name);
  if (it == variables_.end()) return std::nullopt;
  return it->second;
}

std::string Environment::GetOrEmpty(const std::string& name) const {
  return Get(name).value_or("");
}

}  // namespace wharf::aws
