#include "controller/work_queue.h"

#include <algorithm>
#include <cmath>

namespace wharf::controller {

using std::chrono::milliseconds;

WorkQueue::WorkQueue(const Clock& clock, Options options)
    : clock_(clock), options_(options), tokens_(options.burst), last_refill_(clock.Now()) {}

void WorkQueue::Add(const std::string& key) {
  if (processing_.count(key)) {
    dirty_.insert(key);
    return;
  }
  if (queued_set_.insert(key).second) queue_.push_back(key);
  waiting_.erase(key);
}

void WorkQueue::AddAfter(const std::string& key, milliseconds delay) {
  if (delay <= milliseconds(0)) {
    Add(key);
    return;
  }
  if (queued_set_.count(key)) return;  // already due now
  auto ready = clock_.Now() + delay;
  auto it = waiting_.find(key);
  if (it == waiting_.end() || ready < it->second) waiting_[key] = ready;
}

void WorkQueue::AddRateLimited(const std::string& key) {
  int failures = failures_[key]++;
  double factor = std::pow(2.0, std::min(failures, 30));
  auto delay = milliseconds(static_cast<int64_t>(
      std::min<double>(options_.base_delay.count() * factor, options_.max_delay.count())));
  AddAfter(key, delay);
}

void WorkQueue::Forget(const std::string& key) { failures_.erase(key); }

int WorkQueue::Failures(const std::string& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::Refill(Clock::TimePoint now) {
  double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  if (elapsed > 0) {
    tokens_ = std::min(options_.burst, tokens_ + elapsed * options_.rate_per_second);
    last_refill_ = now;
  }
}

void WorkQueue::PromoteDue(Clock::TimePoint now) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second <= now) {
      std::string key = it->first;
      it = waiting_.erase(it);
      Add(key);
    } else {
      ++it;
    }
  }
}

std::optional<std::string> WorkQueue::Get() {
  auto now = clock_.Now();
  PromoteDue(now);
  Refill(now);
  if (queue_.empty() || tokens_ < 1) return std::nullopt;
  tokens_ -= 1;
  std::string key = queue_.front();
  queue_.pop_front();
  queued_set_.erase(key);
  processing_.insert(key);
  return key;
}

void WorkQueue::Done(const std::string& key) {
  processing_.erase(key);
  if (dirty_.erase(key)) Add(key);
}

std::optional<milliseconds> WorkQueue::NextReadyIn() const {
  auto now = clock_.Now();
  std::optional<milliseconds> best;
  if (!queue_.empty()) {
    if (tokens_ >= 1) return milliseconds(0);
    double need = (1 - tokens_) / options_.rate_per_second;
    best = milliseconds(static_cast<int64_t>(std::ceil(need * 1000)));
  }
  for (const auto& [key, ready] : waiting_) {
    auto in = std::chrono::duration_cast<milliseconds>(ready - now);
    if (in < milliseconds(0)) in = milliseconds(0);
    if (!best || in < *best) best = in;
  }
  return best;
}

}  // namespace wharf::controller
