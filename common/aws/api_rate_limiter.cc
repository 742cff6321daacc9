#include "common/aws/api_rate_limiter.h"

#include <algorithm>
#include <utility>

namespace wharf::aws {
namespace {

bool SharesABucket(const std::vector<TokenBucket*>& a, const std::vector<TokenBucket*>& b) {
  for (TokenBucket* x : a) {
    if (std::find(b.begin(), b.end(), x) != b.end()) return true;
  }
  return false;
}

std::string BucketKey(std::string_view region, std::string_view service, std::string_view bucket) {
  std::string key;
  key.reserve(region.size() + service.size() + bucket.size() + 2);
  key.append(region).append("/").append(service).append("/").append(bucket);
  return key;
}

}  // namespace

ApiRateLimiter::ApiRateLimiter(asio::io_context& io, const Clock& clock, ApiRateTable table)
    : clock_(clock), table_(std::move(table)), timer_(io) {}

ApiRateLimiter::~ApiRateLimiter() {
  alive_.reset();
  timer_.cancel();
}

void ApiRateLimiter::Acquire(std::string_view region, std::string_view service,
                             std::string_view operation, std::function<void()> ready) {
  std::vector<TokenBucket*> buckets = BucketsOf(region, service, operation);
  const Clock::TimePoint now = clock_.Now();
  bool behind_a_waiter = false;
  for (const Waiter& w : waiters_) {
    if (SharesABucket(w.buckets, buckets)) {
      behind_a_waiter = true;
      break;
    }
  }
  if (!behind_a_waiter && AllHaveAToken(buckets, now)) {
    for (TokenBucket* b : buckets) b->TryTake(now);
    ++admitted_at_once_;
    ready();
    return;
  }
  // A call first in line for its buckets can make the timer due earlier; one
  // behind a waiter goes when that waiter has gone (the timer is armed for
  // it already).
  if (!behind_a_waiter) ArmTimer(ReadyAt(buckets, now));
  waiters_.push_back(Waiter{std::move(buckets), std::move(ready)});
}

void ApiRateLimiter::Answered(std::string_view region, std::string_view service,
                              std::string_view operation) {
  bool started = false;
  const Clock::TimePoint now = clock_.Now();
  for (TokenBucket* b : BucketsOf(region, service, operation)) {
    if (!b->refilling()) {
      b->StartRefill(now);
      started = true;
    }
  }
  // Waiters for these buckets were timed for "never": time them again.
  if (started && !waiters_.empty()) Poll();
}

void ApiRateLimiter::Poll() {
  const Clock::TimePoint now = clock_.Now();
  std::vector<TokenBucket*> blocked;  // buckets an earlier waiter still waits for
  std::vector<std::function<void()>> released;
  Clock::TimePoint wake_at = Clock::TimePoint::max();
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    const bool behind = SharesABucket(it->buckets, blocked);
    if (!behind && AllHaveAToken(it->buckets, now)) {
      for (TokenBucket* b : it->buckets) b->TryTake(now);
      released.push_back(std::move(it->ready));
      it = waiters_.erase(it);
      continue;
    }
    if (!behind) wake_at = std::min(wake_at, ReadyAt(it->buckets, now));
    for (TokenBucket* b : it->buckets) {
      if (std::find(blocked.begin(), blocked.end(), b) == blocked.end()) blocked.push_back(b);
    }
    ++it;
  }
  if (!waiters_.empty()) ArmTimer(wake_at);
  admitted_after_wait_ += static_cast<int64_t>(released.size());
  // After the bookkeeping: a callback may call Acquire() again.
  for (auto& ready : released) ready();
}

double ApiRateLimiter::Available(std::string_view region, std::string_view service,
                                 std::string_view bucket) const {
  auto it = buckets_.find(BucketKey(region, service, bucket));
  if (it != buckets_.end()) return it->second.Available(clock_.Now());
  return -1;
}

std::vector<TokenBucket*> ApiRateLimiter::BucketsOf(std::string_view region,
                                                    std::string_view service,
                                                    std::string_view operation) {
  std::vector<TokenBucket*> out;
  for (const RateBucket& spec : table_.BucketsFor(service, operation)) {
    std::string key = BucketKey(region, service, spec.name);
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
      // Full, refilling from the first answer (see the class comment).
      it = buckets_.emplace(std::move(key), TokenBucket(spec.limit.burst, spec.limit.per_second))
               .first;
    }
    out.push_back(&it->second);
  }
  return out;
}

bool ApiRateLimiter::AllHaveAToken(const std::vector<TokenBucket*>& buckets, Clock::TimePoint now) {
  return std::all_of(buckets.begin(), buckets.end(),
                     [now](const TokenBucket* b) { return b->TimeUntil(now).count() == 0; });
}

Clock::TimePoint ApiRateLimiter::ReadyAt(const std::vector<TokenBucket*>& buckets,
                                         Clock::TimePoint now) {
  std::chrono::nanoseconds wait{0};
  for (const TokenBucket* b : buckets) wait = std::max(wait, b->TimeUntil(now));
  if (wait == std::chrono::nanoseconds::max()) wait = std::chrono::minutes(1);
  return now + std::chrono::duration_cast<Clock::TimePoint::duration>(wait);
}

void ApiRateLimiter::ArmTimer(Clock::TimePoint wake_at) {
  if (timer_armed_ && timer_at_ <= wake_at) return;
  timer_armed_ = true;
  timer_at_ = wake_at;
  const uint64_t generation = ++timer_generation_;
  const auto delay = std::max(Clock::TimePoint::duration::zero(), wake_at - clock_.Now());
  timer_.expires_after(delay);
  timer_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_), generation](const boost::system::error_code& ec) {
        if (ec || alive.expired() || generation != timer_generation_) return;
        timer_armed_ = false;
        Poll();
      });
}

}  // namespace wharf::aws
