#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/base/clock.h"

namespace wharf::controller {

// A rate-limited queue of keys (app names) with client-go workqueue
// semantics:
// - a key queued twice before it is taken is processed once (dedupe);
// - a key is never handed out while it is being processed; adding it then
//   marks it dirty and it is queued again when Done() is called;
// - AddRateLimited() delays a key by a per-key exponential backoff
//   (base * 2^failures, capped), Forget() resets it;
// - an overall token bucket limits how fast keys are handed out.
// Time comes from the Clock; the owner polls Get() and uses NextReadyIn() to
// arm a timer. Not thread-safe: owned by the controller's io thread.
class WorkQueue {
 public:
  struct Options {
    std::chrono::milliseconds base_delay{250};
    std::chrono::milliseconds max_delay{60'000};
    double rate_per_second = 20;  // overall keys per second
    double burst = 50;
  };

  WorkQueue(const Clock& clock, Options options);
  explicit WorkQueue(const Clock& clock) : WorkQueue(clock, Options{}) {}

  void Add(const std::string& key);
  void AddAfter(const std::string& key, std::chrono::milliseconds delay);
  void AddRateLimited(const std::string& key);
  void Forget(const std::string& key);
  // Failures recorded for `key` since the last Forget().
  int Failures(const std::string& key) const;

  // The next key ready to process, or nullopt (nothing ready or rate-limited).
  // The caller owns the key until Done(key).
  std::optional<std::string> Get();
  void Done(const std::string& key);

  // How long until Get() could return something; nullopt when nothing is
  // queued or waiting.
  std::optional<std::chrono::milliseconds> NextReadyIn() const;

  size_t queued() const { return queue_.size(); }
  size_t waiting() const { return waiting_.size(); }
  bool processing(const std::string& key) const { return processing_.count(key) > 0; }

 private:
  void Refill(Clock::TimePoint now);
  void PromoteDue(Clock::TimePoint now);

  const Clock& clock_;
  const Options options_;
  std::deque<std::string> queue_;
  std::set<std::string> queued_set_;  // keys in queue_
  std::set<std::string> dirty_;       // added while processing
  std::set<std::string> processing_;
  std::map<std::string, Clock::TimePoint> waiting_;  // key -> ready time
  std::map<std::string, int> failures_;
  double tokens_;
  Clock::TimePoint last_refill_;
};

}  // namespace wharf::controller
