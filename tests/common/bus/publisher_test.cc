#include "common/bus/publisher.h"

#include <gtest/gtest.h>

#include "common/base/fake_clock.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"
#include "tests/common/bus/bus_test_util.h"

namespace wharf::bus {
namespace {

using testing::ImagePushedEnvelope;

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto bound = sockets.Bind(SocketFactory::Kind::kSub, dir.Ipc("pub"));
    ASSERT_TRUE(bound.ok());
    sub = std::move(*bound);
    ASSERT_TRUE(sub->Subscribe("").ok());
    ASSERT_TRUE(publisher.Start().ok());
  }

  // The next envelope the SUB end receives; publishes `probe` meanwhile,
  // since the subscription reaches the PUB asynchronously.
  std::optional<v1::Envelope> Next() {
    for (int i = 0; i < 500; ++i) {
      auto message = sub->ReceiveFor(std::chrono::milliseconds(10));
      if (message.ok()) {
        auto decoded = EnvelopeCodec::DecodePubSub(message->frames);
        EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
        if (decoded.ok()) return *decoded;
      }
    }
    return std::nullopt;
  }

  testing::TempDir dir;
  SocketFactory sockets;
  FakeClock clock{1'700'000'000'000};
  Counters counters{"pub"};
  std::unique_ptr<ZmqSocket> sub;
  Publisher publisher{sockets, dir.Ipc("pub"), "watcher/spec@h:1", clock, counters};
};

TEST_F(PublisherTest, FillsUnsetFieldsAndNumbersPerSource) {
  // Until the subscription arrives, PUB drops: publish until one gets through.
  std::optional<v1::Envelope> first;
  for (int i = 0; i < 500 && !first; ++i) {
    v1::Envelope probe;
    probe.mutable_resync_request();
    ASSERT_TRUE(publisher.Publish(probe).ok());
    auto message = sub->ReceiveFor(std::chrono::milliseconds(10));
    if (message.ok()) first = *EnvelopeCodec::DecodePubSub(message->frames);
  }
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->schema_version(), kSchemaVersion);
  EXPECT_EQ(first->source(), "watcher/spec@h:1");
  EXPECT_EQ(first->timestamp_unix_ms(), 1'700'000'000'000);
  EXPECT_EQ(first->id().size(), 16u);
  EXPECT_GE(first->sequence(), 1u);
  // Drain the rest of the probes.
  while (sub->ReceiveFor(std::chrono::milliseconds(20)).ok()) {
  }

  const uint64_t before = publisher.last_sequence();
  v1::Envelope preset = ImagePushedEnvelope("kept", 0);
  preset.set_id("my-id");
  preset.set_source("");
  ASSERT_TRUE(publisher.Publish(preset).ok());
  auto got = Next();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id(), "my-id");
  EXPECT_EQ(got->source(), "watcher/spec@h:1");
  EXPECT_EQ(got->sequence(), before + 1);
  EXPECT_EQ(got->timestamp_unix_ms(), 1'700'000'000'000);
  EXPECT_EQ(publisher.last_sequence(), before + 1);
  EXPECT_GE(counters.Get("published"), 2);
}

TEST_F(PublisherTest, RefusesWhatSubscribersWouldDropWithoutUsingASequence) {
  const uint64_t before = publisher.last_sequence();
  EXPECT_EQ(publisher.Publish(v1::Envelope()).code(), Status::Code::kInvalidArgument);
  v1::Envelope wrong = ImagePushedEnvelope("x", 0);
  wrong.set_schema_version(kSchemaVersion + 1);
  EXPECT_EQ(publisher.Publish(wrong).code(), Status::Code::kInvalidArgument);
  v1::Envelope huge = ImagePushedEnvelope("x", 0);
  huge.mutable_image_pushed()->set_digest(std::string(kMaxEnvelopeBytes, 'd'));
  EXPECT_EQ(publisher.Publish(huge).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(publisher.last_sequence(), before);
  EXPECT_EQ(counters.Get("publish_rejected"), 3);
}

TEST(PublisherNotStartedTest, PublishFailsCleanly) {
  SocketFactory sockets;
  FakeClock clock;
  Counters counters{"pub"};
  Publisher publisher(sockets, "ipc:///tmp/never", "s", clock, counters);
  EXPECT_EQ(publisher.Publish(ImagePushedEnvelope("x")).code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(publisher.source(), "s");
}

}  // namespace
}  // namespace wharf::bus
