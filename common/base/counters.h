#pragma once

#include <map>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace wharf {

// Named monotonically increasing counters of one process, kept in a
// prometheus registry so they can be exposed as metrics and also copied into
// ComponentHealth messages. Thread-safe.
class Counters {
 public:
  // `prefix` is prepended to metric names ("wharf_bus").
  explicit Counters(std::string prefix);
  ~Counters();
  Counters(const Counters&) = delete;
  Counters& operator=(const Counters&) = delete;

  // Increments counter `name` ("dropped_bad_version") by `by`.
  void Increment(const std::string& name, double by = 1);
  double Get(const std::string& name) const;
  // Every counter by name, for ComponentHealth.
  std::map<std::string, double> Snapshot() const;
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  struct Impl;
  std::string prefix_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wharf
