#include "common/bus/subscriber.h"

#include <gtest/gtest.h>

#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"
#include "tests/common/bus/bus_test_util.h"

namespace wharf::bus {
namespace {

using testing::ImagePushedEnvelope;
using testing::RandomBytes;
using testing::RunUntil;

// A subscriber connected straight to a raw PUB (no proxy in between) drops
// and counts garbage by reason and keeps delivering.
TEST(SubscriberTest, DropsAndCountsGarbage) {
  testing::TempDir dir;
  asio::io_context io;
  SocketFactory sockets;
  Counters counters{"sub"};
  auto pub = sockets.Bind(SocketFactory::Kind::kPub, dir.Ipc("p"));
  ASSERT_TRUE(pub.ok());
  std::vector<v1::Envelope> got;
  Subscriber subscriber(
      io, sockets, dir.Ipc("p"), {}, [&](const v1::Envelope& e) { got.push_back(e); }, counters);
  ASSERT_TRUE(subscriber.Start().ok());
  EXPECT_EQ(subscriber.Start().code(), Status::Code::kFailedPrecondition);

  const Frames probe = EnvelopeCodec::EncodePubSub(ImagePushedEnvelope("probe"));
  for (int i = 0; i < 500 && got.empty(); ++i) {
    ASSERT_TRUE((*pub)->Send(probe).ok());
    RunUntil(
        io, [&] { return !got.empty(); }, std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(got.empty());
  got.clear();
  const double received_before = counters.Get("received");

  v1::Envelope wrong_version = ImagePushedEnvelope("v");
  wrong_version.set_schema_version(9);
  v1::Envelope oversized = ImagePushedEnvelope("big");
  oversized.mutable_image_pushed()->set_digest(std::string(2 << 20, 'd'));
  v1::Envelope no_payload = ImagePushedEnvelope("n");
  no_payload.clear_payload();
  const std::string good = ImagePushedEnvelope("g").SerializeAsString();
  for (const Frames& frames : std::vector<Frames>{
           {RandomBytes(7, 33)},
           {"image_pushed", std::string(10, '\xff')},
           {"image_pushed", wrong_version.SerializeAsString()},
           {"image_pushed", oversized.SerializeAsString()},
           {"", no_payload.SerializeAsString()},
           {"spec_changed", good},
       }) {
    ASSERT_TRUE((*pub)->Send(frames).ok());
  }
  ASSERT_TRUE((*pub)->Send(EnvelopeCodec::EncodePubSub(ImagePushedEnvelope("after"))).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return !got.empty(); }));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].image_pushed().tag(), "after");
  EXPECT_EQ(counters.Get("dropped_frame_count"), 1);
  EXPECT_EQ(counters.Get("dropped_unparseable"), 1);
  EXPECT_EQ(counters.Get("dropped_bad_version"), 1);
  EXPECT_EQ(counters.Get("dropped_oversized"), 1);
  EXPECT_EQ(counters.Get("dropped_unknown_type"), 1);
  EXPECT_EQ(counters.Get("dropped_topic_mismatch"), 1);
  EXPECT_EQ(counters.Get("received"), received_before + 1);
}

TEST(SubscriberTest, BadEndpointFailsStart) {
  asio::io_context io;
  SocketFactory sockets;
  Counters counters{"sub"};
  Subscriber subscriber(
      io, sockets, "nope://", {}, [](const v1::Envelope&) {}, counters);
  EXPECT_FALSE(subscriber.Start().ok());
}

}  // namespace
}  // namespace wharf::bus
