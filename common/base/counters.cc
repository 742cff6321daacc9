#include "common/base/counters.h"

#include <mutex>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

namespace wharf {

struct Counters::Impl {
  mutable std::mutex mu;
  std::map<std::string, prometheus::Counter*> by_name;  // owned by registry
};

Counters::Counters(std::string prefix)
    : prefix_(std::move(prefix)),
      registry_(std::make_shared<prometheus::Registry>()),
      impl_(std::make_unique<Impl>()) {}

Counters::~Counters() = default;

void Counters::Increment(const std::string& name, double by) {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->by_name.find(name);
  if (it == impl_->by_name.end()) {
    auto& family =
        prometheus::BuildCounter().Name(prefix_ + "_" + name + "_total").Register(*registry_);
    it = impl_->by_name.emplace(name, &family.Add({})).first;
  }
  it->second->Increment(by);
}

double Counters::Get(const std::string& name) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->by_name.find(name);
  return it == impl_->by_name.end() ? 0 : it->second->Value();
}

std::map<std::string, double> Counters::Snapshot() const {
  std::lock_guard lock(impl_->mu);
  std::map<std::string, double> out;
  for (const auto& [name, counter] : impl_->by_name) out[name] = counter->Value();
  return out;
}

}  // namespace wharf
