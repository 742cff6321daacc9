#include "common/bus/health_reporter.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "common/bus/fake_event_sink.h"
#include "tests/common/bus/bus_test_util.h"

namespace wharf::bus {
namespace {

TEST(HealthReporterTest, PublishesAtStartPeriodicallyAndOnDemand) {
  asio::io_context io;
  FakeEventSink sink;
  Counters counters{"x"};
  counters.Increment("dropped_bad_version", 2);
  bool ready = false;
  HealthReporter reporter(
      io, sink, "executor", "host:1", counters, [&] { return ready; },
      std::chrono::milliseconds(20));
  reporter.Start();
  ASSERT_EQ(sink.published.size(), 1u);
  const auto& first = sink.published[0].component_health();
  EXPECT_EQ(first.component(), "executor");
  EXPECT_EQ(first.instance(), "host:1");
  EXPECT_EQ(first.pid(), getpid());
  EXPECT_FALSE(first.ready());
  EXPECT_EQ(first.counters().at("dropped_bad_version"), 2);

  ready = true;
  counters.Increment("received");
  ASSERT_TRUE(testing::RunUntil(io, [&] { return sink.published.size() >= 3; }));
  const auto& later = sink.published.back().component_health();
  EXPECT_TRUE(later.ready());
  EXPECT_EQ(later.counters().at("received"), 1);
  EXPECT_EQ(sink.published.back().sequence(), sink.published.size());

  const size_t before = sink.published.size();
  reporter.PublishNow();
  EXPECT_EQ(sink.published.size(), before + 1);
}

TEST(HealthReporterTest, StopsWhenDestroyed) {
  asio::io_context io;
  FakeEventSink sink;
  Counters counters{"x"};
  {
    HealthReporter reporter(io, sink, "bus", "h", counters, nullptr, std::chrono::milliseconds(5));
    reporter.Start();
    EXPECT_TRUE(sink.published[0].component_health().ready());  // no ReadyFn: ready
  }
  testing::RunFor(io, std::chrono::milliseconds(30));
  EXPECT_EQ(sink.published.size(), 1u);
}

}  // namespace
}  // namespace wharf::bus
