#include "controller/work_queue.h"

#include <gtest/gtest.h>

#include "common/base/fake_clock.h"

namespace wharf::controller {
namespace {

using std::chrono::milliseconds;

TEST(WorkQueueTest, DedupesKeysAddedBeforeTheyAreTaken) {
  FakeClock clock;
  WorkQueue q(clock);
  q.Add("web");
  q.Add("web");
  q.Add("api");
  EXPECT_EQ(q.Get(), "web");
  EXPECT_EQ(q.Get(), "api");
  EXPECT_EQ(q.Get(), std::nullopt);
}

TEST(WorkQueueTest, KeyBeingProcessedIsNotHandedOutAgainUntilDone) {
  FakeClock clock;
  WorkQueue q(clock);
  q.Add("web");
  ASSERT_EQ(q.Get(), "web");
  q.Add("web");  // changed while processing: dirty
  EXPECT_EQ(q.Get(), std::nullopt);
  q.Done("web");
  EXPECT_EQ(q.Get(), "web");
  q.Done("web");
  EXPECT_EQ(q.Get(), std::nullopt);
}

TEST(WorkQueueTest, RateLimitedKeysBackOffExponentiallyUntilForgotten) {
  FakeClock clock;
  WorkQueue q(clock, {.base_delay = milliseconds(100), .max_delay = milliseconds(1000)});
  struct Step {
    milliseconds expected_delay;
  };
  for (Step step : {Step{milliseconds(100)}, Step{milliseconds(200)}, Step{milliseconds(400)},
                    Step{milliseconds(800)}, Step{milliseconds(1000)}, Step{milliseconds(1000)}}) {
    q.AddRateLimited("web");
    EXPECT_EQ(q.NextReadyIn(), step.expected_delay);
    clock.Advance(step.expected_delay - milliseconds(1));
    EXPECT_EQ(q.Get(), std::nullopt);
    clock.Advance(milliseconds(1));
    ASSERT_EQ(q.Get(), "web");
    q.Done("web");
  }
  EXPECT_EQ(q.Failures("web"), 6);
  q.Forget("web");
  q.AddRateLimited("web");
  EXPECT_EQ(q.NextReadyIn(), milliseconds(100));
}

TEST(WorkQueueTest, AddNowOverridesPendingDelay) {
  FakeClock clock;
  WorkQueue q(clock);
  q.AddAfter("web", milliseconds(5000));
  EXPECT_EQ(q.Get(), std::nullopt);
  q.Add("web");
  EXPECT_EQ(q.Get(), "web");
  q.Done("web");
  clock.Advance(milliseconds(6000));
  EXPECT_EQ(q.Get(), std::nullopt);  // the delayed add was superseded
}

TEST(WorkQueueTest, OverallRateLimitSpacesKeysOut) {
  FakeClock clock;
  WorkQueue q(clock, {.rate_per_second = 10, .burst = 2});
  for (std::string k : {"a", "b", "c", "d"}) q.Add(k);
  EXPECT_EQ(q.Get(), "a");
  EXPECT_EQ(q.Get(), "b");
  EXPECT_EQ(q.Get(), std::nullopt);
  EXPECT_EQ(q.NextReadyIn(), milliseconds(100));
  clock.Advance(milliseconds(100));
  EXPECT_EQ(q.Get(), "c");
  EXPECT_EQ(q.Get(), std::nullopt);
}

}  // namespace
}  // namespace wharf::controller
