#include "common/aws/api_rate_limiter.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/base/fake_clock.h"

namespace wharf::aws {
namespace {

using std::chrono::milliseconds;

// The limiter on a FakeClock: the test advances the clock and calls Poll();
// nothing waits for the real timer.
class ApiRateLimiterTest : public ::testing::Test {
 protected:
  // Acquires for `operation` and records its release under `label`.
  void Call(const std::string& operation, const std::string& label,
            const std::string& service = "ecs", const std::string& region = "us-east-1") {
    // Answered as soon as sent: buckets refill from the first release.
    limiter_.Acquire(region, service, operation, [=, this] {
      released_.push_back(label);
      limiter_.Answered(region, service, operation);
    });
  }
  void AdvanceAndPoll(milliseconds by) {
    clock_.Advance(by);
    limiter_.Poll();
  }
  std::vector<std::string> TakeReleased() { return std::exchange(released_, {}); }

  asio::io_context io_;
  FakeClock clock_;
  ApiRateLimiter limiter_{io_, clock_};
  std::vector<std::string> released_;
};

TEST_F(ApiRateLimiterTest, BurstGoesAtOnceThenOnePerRefill) {
  // RegisterTaskDefinition: 20 burst, 1 per second.
  for (int i = 0; i < 23; ++i) Call("RegisterTaskDefinition", std::to_string(i));
  EXPECT_EQ(TakeReleased().size(), 20u) << "the burst is released inside Acquire()";
  EXPECT_EQ(limiter_.waiting(), 3u);
  AdvanceAndPoll(milliseconds(999));
  EXPECT_TRUE(TakeReleased().empty());
  AdvanceAndPoll(milliseconds(1));
  EXPECT_EQ(TakeReleased(), std::vector<std::string>{"20"});
  AdvanceAndPoll(milliseconds(2000));
  EXPECT_EQ(TakeReleased(), (std::vector<std::string>{"21", "22"}));
  EXPECT_EQ(limiter_.waiting(), 0u);
  EXPECT_EQ(limiter_.admitted_at_once(), 20);
  EXPECT_EQ(limiter_.admitted_after_wait(), 3);
}

TEST_F(ApiRateLimiterTest, OtherApisAreNotHeldBehindAThrottledOne) {
  for (int i = 0; i < 21; ++i) Call("RegisterTaskDefinition", "reg");
  TakeReleased();
  ASSERT_EQ(limiter_.waiting(), 1u);
  Call("DescribeServices", "describe");
  Call("ListClusters", "list");
  EXPECT_EQ(TakeReleased(), (std::vector<std::string>{"describe", "list"}));
}

TEST_F(ApiRateLimiterTest, ACategoryIsOneBucketAndWaitersKeepTheirOrder) {
  // CreateService, UpdateService and DeleteService share 50 / 5 per second.
  for (int i = 0; i < 50; ++i) Call(i % 2 ? "CreateService" : "UpdateService", "burst");
  TakeReleased();
  Call("DeleteService", "a");
  Call("UpdateService", "b");
  Call("CreateService", "c");
  EXPECT_TRUE(TakeReleased().empty());
  AdvanceAndPoll(milliseconds(200));
  EXPECT_EQ(TakeReleased(), std::vector<std::string>{"a"});
  // A newcomer never passes a waiter of its bucket, even with a token there.
  AdvanceAndPoll(milliseconds(0));
  Call("UpdateService", "d");
  EXPECT_TRUE(TakeReleased().empty());
  AdvanceAndPoll(milliseconds(600));
  EXPECT_EQ(TakeReleased(), (std::vector<std::string>{"b", "c", "d"}));
}

TEST_F(ApiRateLimiterTest, ElbCallsShareTheAccountBucket) {
  // ELBv2: every call takes from the account bucket (40 / 10 per second).
  for (int i = 0; i < 40; ++i) Call("DescribeLoadBalancers", "d", "elasticloadbalancing");
  EXPECT_EQ(TakeReleased().size(), 40u);
  EXPECT_NEAR(limiter_.Available("us-east-1", "elasticloadbalancing", "account"), 0, 1e-9);
  EXPECT_NEAR(limiter_.Available("us-east-1", "elasticloadbalancing", "non-mutating"), 0, 1e-9);
  Call("RegisterTargets", "register", "elasticloadbalancing");  // own bucket full, account empty
  EXPECT_TRUE(TakeReleased().empty());
  AdvanceAndPoll(milliseconds(100));
  EXPECT_EQ(TakeReleased(), std::vector<std::string>{"register"});
  EXPECT_NEAR(limiter_.Available("us-east-1", "elasticloadbalancing", "registration"), 19, 1e-9);
}

TEST_F(ApiRateLimiterTest, RegionsHaveTheirOwnBuckets) {
  for (int i = 0; i < 20; ++i) Call("RegisterTaskDefinition", "east");
  Call("RegisterTaskDefinition", "east-late");
  Call("RegisterTaskDefinition", "west", "ecs", "us-west-2");
  auto released = TakeReleased();
  EXPECT_EQ(released.size(), 21u);
  EXPECT_EQ(released.back(), "west");
}

TEST_F(ApiRateLimiterTest, TheTimerReleasesWaitersOnItsOwn) {
  // On the real clock, with a tiny bucket: the io thread is never blocked,
  // the waiter goes when the timer fires.
  SystemClock real;
  ApiRateTable table;
  table.Override("sts", "GetCallerIdentity", {1, 50});  // a token every 20 ms
  ApiRateLimiter limiter(io_, real, table);
  int released = 0;
  for (int i = 0; i < 3; ++i) {
    limiter.Acquire("us-east-1", "sts", "GetCallerIdentity", [&] {
      ++released;
      limiter.Answered("us-east-1", "sts", "GetCallerIdentity");
    });
  }
  EXPECT_EQ(released, 1);
  const auto start = std::chrono::steady_clock::now();
  while (released < 3 && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
    io_.run_one_for(milliseconds(100));
  }
  EXPECT_EQ(released, 3);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(35));
}

TEST_F(ApiRateLimiterTest, DestroyingTheLimiterDropsWaiters) {
  bool called = false;
  {
    ApiRateTable table;
    table.Override("sts", "GetCallerIdentity", {1, 1});
    ApiRateLimiter limiter(io_, clock_, table);
    limiter.Acquire("us-east-1", "sts", "GetCallerIdentity", [] {});
    limiter.Acquire("us-east-1", "sts", "GetCallerIdentity", [&] { called = true; });
  }
  io_.run_for(milliseconds(20));
  EXPECT_FALSE(called);
}

TEST_F(ApiRateLimiterTest, BucketsRefillFromTheFirstAnswer) {
  // RegisterTaskDefinition: 20 burst, 1 per second. The first answer comes
  // 300 ms after the burst went (AWS counted it somewhere in between): the
  // 21st call goes a second after that answer, not after the burst.
  ApiRateLimiter limiter(io_, clock_);
  int released = 0;
  for (int i = 0; i < 22; ++i) {
    limiter.Acquire("us-east-1", "ecs", "RegisterTaskDefinition", [&] { ++released; });
  }
  EXPECT_EQ(released, 20);
  struct Step {
    int64_t advance_ms;
    bool answer;  // an answer for RegisterTaskDefinition arrives now
    int want_released;
  };
  const Step steps[] = {
      {1000, false, 20},                                   // no answer yet: no refill, however long
      {300, true, 20},                                     // first answer at 1.3 s: refill starts
      {999, false, 20},  {1, false, 21}, {500, true, 21},  // later answers change nothing
      {500, false, 22},
  };
  for (const Step& s : steps) {
    clock_.Advance(milliseconds(s.advance_ms));
    if (s.answer) limiter.Answered("us-east-1", "ecs", "DeregisterTaskDefinition");
    limiter.Poll();
    EXPECT_EQ(released, s.want_released) << "after +" << s.advance_ms << " ms";
  }
  EXPECT_NEAR(limiter.Available("us-east-1", "ecs", "task-definition-modify"), 0, 1e-9);
}

}  // namespace
}  // namespace wharf::aws
