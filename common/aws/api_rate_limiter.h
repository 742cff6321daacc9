#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/aws/api_rate_table.h"
#include "common/aws/token_bucket.h"
#include "common/base/asio.h"
#include "common/base/clock.h"

namespace wharf::aws {

// Client-side token buckets per AWS API (ApiRateTable), shared by every
// AwsClient of a process: one ApiRateLimiter is made by main() and given to
// each client, so that many apps deploying at once wait for AWS's rate here
// instead of being throttled there (and spending their retries).
//
// A call takes one token from each of its buckets before it is sent. Buckets
// are kept per (region, service, bucket), start full and refill on `clock`.
// When a token is missing the call waits, in FIFO order with the other calls
// that need any of the same buckets (calls of other APIs pass freely), on an
// asio timer: the io thread is never blocked.
//
// AWS counts a call when it arrives, so the bucket AWS keeps starts later
// than ours, by however long the first call took to get there (a TLS
// handshake, a busy server); a later call that travels faster would find
// AWS's bucket short of ours. So a bucket starts full but refills only from
// the first answer to a call that used it (Answered()): AWS counted that
// call before answering, so from then on AWS's bucket holds at least as many
// tokens as ours whatever the latencies, as long as this process is the
// account's only caller of the API.
//
// Threading: bound to `io`; Acquire(), Poll() and every `ready` callback run
// on its thread, so every client using the limiter must run on that
// io_context. `clock` must outlive the limiter. Destroying the limiter drops
// the waiting calls without calling them.
class ApiRateLimiter {
 public:
  ApiRateLimiter(asio::io_context& io, const Clock& clock, ApiRateTable table = ApiRateTable());
  ~ApiRateLimiter();
  ApiRateLimiter(const ApiRateLimiter&) = delete;
  ApiRateLimiter& operator=(const ApiRateLimiter&) = delete;

  // Calls `ready` once a token of every bucket of the call has been taken:
  // inside Acquire() when they are there and no earlier call waits for one of
  // them, else later, from the timer (or Poll()).
  void Acquire(std::string_view region, std::string_view service, std::string_view operation,
               std::function<void()> ready);

  // An HTTP answer (any status) came for a call of `operation`: its buckets
  // that were not refilling start now. (Not after a transport failure: AWS
  // may never have seen the call.)
  void Answered(std::string_view region, std::string_view service, std::string_view operation);

  // Releases the waiting calls whose tokens have come by the clock's now and
  // re-arms the timer. The timer does this by itself; a test on a FakeClock
  // calls it after advancing the clock.
  void Poll();

  // Calls waiting for a token.
  size_t waiting() const { return waiters_.size(); }
  // Calls admitted at once / after waiting, since construction.
  int64_t admitted_at_once() const { return admitted_at_once_; }
  int64_t admitted_after_wait() const { return admitted_after_wait_; }
  // Tokens the bucket `bucket` of `service` in `region` holds now; -1 when
  // no call has used it yet.
  double Available(std::string_view region, std::string_view service,
                   std::string_view bucket) const;

 private:
  struct Waiter {
    std::vector<TokenBucket*> buckets;
    std::function<void()> ready;
  };

  std::vector<TokenBucket*> BucketsOf(std::string_view region, std::string_view service,
                                      std::string_view operation);
  static bool AllHaveAToken(const std::vector<TokenBucket*>& buckets, Clock::TimePoint now);
  // When AllHaveAToken() will hold (a minute on if it may never: a bucket
  // that does not refill yet is looked at again after Answered()).
  static Clock::TimePoint ReadyAt(const std::vector<TokenBucket*>& buckets, Clock::TimePoint now);
  void ArmTimer(Clock::TimePoint wake_at);

  const Clock& clock_;
  const ApiRateTable table_;
  // Keyed by "region/service/bucket"; nodes are stable, waiters point into
  // them. io thread only.
  std::map<std::string, TokenBucket, std::less<>> buckets_;
  std::list<Waiter> waiters_;  // FIFO; io thread only
  asio::steady_timer timer_;   // io thread only
  // The armed timer's wake time and generation (a handler of an older
  // generation does nothing); io thread only.
  bool timer_armed_ = false;
  Clock::TimePoint timer_at_{};
  uint64_t timer_generation_ = 0;
  int64_t admitted_at_once_ = 0;
  int64_t admitted_after_wait_ = 0;
  // Expires with the limiter; timer handlers hold weak references.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace wharf::aws
