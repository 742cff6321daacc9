#pragma once

#include <map>
#include <optional>
#include <string>

namespace wharf::aws {

// Read-only view of environment variables, so credential, region and
// endpoint resolution can be tested without touching the process
// environment. Thread-safe for reads (Process() reads with getenv; nothing in
// Wharf calls setenv after startup).
class Environment {
 public:
  // The real process environment.
  static Environment Process();
  // A fixed set of variables (tests).
  static Environment FromMap(std::map<std::string, std::string> variables);

  // The value of `name`; nullopt when unset. An empty value is returned as "".
  std::optional<std::string> Get(const std::string& name) const;
  // The value of `name`, or "" when unset.
  std::string GetOrEmpty(const std::string& name) const;

 private:
  Environment(bool process, std::map<std::string, std::string> variables);

  bool process_;
  std::map<std::string, std::string> variables_;
};

}  // namespace wharf::aws
