#include "common/bus/bus_proxy.h"

#include <gtest/gtest.h>

#include <map>

#include "common/base/clock.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/publisher.h"
#include "common/bus/subscriber.h"
#include "common/bus/zmq_socket.h"
#include "tests/common/bus/bus_test_util.h"

namespace wharf::bus {
namespace {

using testing::ImagePushedEnvelope;
using testing::RandomBytes;
using testing::RunUntil;
using testing::TempDir;

v1::Envelope Payload(const std::string& topic) {
  v1::Envelope envelope;
  const auto* field = v1::Envelope::descriptor()->FindFieldByName(topic);
  envelope.GetReflection()->MutableMessage(&envelope, field);
  return envelope;
}

// A ZMTP 3.0 peer that says it is a PUB, then announces a frame of 2^56
// bytes: ZMQ_MAXMSGSIZE must cut it off.
std::string HugeFrameZmtpPeer() {
  std::string bytes("\xff\0\0\0\0\0\0\0\x01\x7f", 10);
  bytes += std::string("\x03\x00", 2);
  bytes += std::string("NULL") + std::string(16, '\0');
  bytes += std::string(1 + 31, '\0');
  const std::string ready =
      std::string("\x05READY") + "\x0bSocket-Type" + std::string("\0\0\0\x03", 4) + "PUB";
  bytes += '\x04';
  bytes += static_cast<char>(ready.size());
  bytes += ready;
  bytes += '\x02';
  bytes += std::string("\x01\0\0\0\0\0\0\0", 8);
  bytes += std::string(1000, 'x');
  return bytes;
}

class BusProxyTest : public ::testing::Test {
 protected:
  void StartBus(const std::string& publish_endpoint, const std::string& subscribe_endpoint) {
    pub_endpoint = publish_endpoint;
    sub_endpoint = subscribe_endpoint;
    proxy = std::make_unique<BusProxy>(io, sockets, pub_endpoint, sub_endpoint, proxy_counters);
    ASSERT_TRUE(proxy->Start().ok());
  }

  std::unique_ptr<Subscriber> Subscribe(std::vector<std::string> topics,
                                        std::vector<v1::Envelope>* into) {
    auto subscriber = std::make_unique<Subscriber>(
        io, sockets, sub_endpoint, std::move(topics),
        [into](const v1::Envelope& envelope) { into->push_back(envelope); }, sub_counters);
    EXPECT_TRUE(subscriber->Start().ok());
    return subscriber;
  }

  // Publishes `probe` until `received` has a message from its source; pub/sub
  // subscriptions take a moment to reach a publisher.
  bool WarmUp(const std::function<void()>& probe, const std::function<bool()>& received) {
    for (int i = 0; i < 250; ++i) {
      probe();
      if (RunUntil(io, received, std::chrono::milliseconds(20))) return true;
    }
    return false;
  }

  static bool HasSource(const std::vector<v1::Envelope>& got, const std::string& source) {
    for (const auto& e : got) {
      if (e.source() == source) return true;
    }
    return false;
  }

  TempDir dir;
  asio::io_context io;
  SocketFactory sockets;
  SystemClock clock;
  Counters proxy_counters{"proxy"};
  Counters pub_counters{"pub"};
  Counters sub_counters{"sub"};
  std::string pub_endpoint;
  std::string sub_endpoint;
  std::unique_ptr<BusProxy> proxy;
};

TEST_F(BusProxyTest, DeliversInOrderWithPerSourceSequences) {
  StartBus(dir.Ipc("pub"), dir.Ipc("sub"));
  std::vector<v1::Envelope> got;
  auto subscriber = Subscribe({}, &got);
  Publisher a(sockets, pub_endpoint, "a", clock, pub_counters);
  Publisher b(sockets, pub_endpoint, "b", clock, pub_counters);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  ASSERT_TRUE(WarmUp([&] { ASSERT_TRUE(a.Publish(Payload("resync_request")).ok()); },
                     [&] { return HasSource(got, "a"); }));
  ASSERT_TRUE(WarmUp([&] { ASSERT_TRUE(b.Publish(Payload("resync_request")).ok()); },
                     [&] { return HasSource(got, "b"); }));
  got.clear();

  constexpr int kCount = 2000;
  for (int i = 0; i < kCount; ++i) {
    v1::Envelope envelope = Payload("image_pushed");
    envelope.mutable_image_pushed()->set_tag(std::to_string(i));
    ASSERT_TRUE((i % 2 == 0 ? a : b).Publish(envelope).ok());
  }
  ASSERT_TRUE(RunUntil(io, [&] { return got.size() >= kCount; }));

  std::map<std::string, std::vector<const v1::Envelope*>> by_source;
  for (const auto& e : got) {
    if (e.has_image_pushed()) by_source[e.source()].push_back(&e);
  }
  ASSERT_EQ(by_source["a"].size(), kCount / 2);
  ASSERT_EQ(by_source["b"].size(), kCount / 2);
  for (const auto& [source, envelopes] : by_source) {
    SCOPED_TRACE(source);
    for (size_t i = 1; i < envelopes.size(); ++i) {
      EXPECT_EQ(envelopes[i]->sequence(), envelopes[i - 1]->sequence() + 1);
      EXPECT_EQ(std::stoi(envelopes[i]->image_pushed().tag()),
                std::stoi(envelopes[i - 1]->image_pushed().tag()) + 2);
    }
    EXPECT_EQ(envelopes.back()->sequence(), source == "a" ? a.last_sequence() : b.last_sequence());
    EXPECT_EQ(envelopes.front()->schema_version(), kSchemaVersion);
    EXPECT_FALSE(envelopes.front()->id().empty());
    EXPECT_GT(envelopes.front()->timestamp_unix_ms(), 0);
  }
  EXPECT_GE(proxy_counters.Get("forwarded"), kCount);
}

TEST_F(BusProxyTest, FiltersByTopicPrefix) {
  StartBus(dir.Ipc("pub"), dir.Ipc("sub"));
  std::vector<v1::Envelope> specs;
  std::vector<v1::Envelope> all;
  auto spec_subscriber = Subscribe({"spec_"}, &specs);
  auto all_subscriber = Subscribe({}, &all);
  Publisher publisher(sockets, pub_endpoint, "w", clock, pub_counters);
  ASSERT_TRUE(publisher.Start().ok());
  ASSERT_TRUE(WarmUp([&] { ASSERT_TRUE(publisher.Publish(Payload("spec_snapshot")).ok()); },
                     [&] { return !specs.empty() && !all.empty(); }));
  specs.clear();
  all.clear();

  for (const char* topic : {"app_status", "spec_changed", "image_pushed", "spec_removed",
                            "component_health", "spec_invalid"}) {
    ASSERT_TRUE(publisher.Publish(Payload(topic)).ok());
  }
  ASSERT_TRUE(RunUntil(io, [&] { return all.size() == 6 && specs.size() == 3; }));
  EXPECT_EQ(EnvelopeCodec::Topic(specs[0]), "spec_changed");
  EXPECT_EQ(EnvelopeCodec::Topic(specs[1]), "spec_removed");
  EXPECT_EQ(EnvelopeCodec::Topic(specs[2]), "spec_invalid");
}

TEST_F(BusProxyTest, DropsAndCountsGarbageAndKeepsForwarding) {
  StartBus(dir.Ipc("pub"), dir.Ipc("sub"));
  std::vector<v1::Envelope> got;
  auto subscriber = Subscribe({}, &got);
  auto raw = sockets.Connect(SocketFactory::Kind::kPub, pub_endpoint);
  ASSERT_TRUE(raw.ok());
  ZmqSocket& pub = **raw;
  ASSERT_TRUE(WarmUp(
      [&] {
        ASSERT_TRUE(pub.Send(EnvelopeCodec::EncodePubSub(ImagePushedEnvelope("probe"))).ok());
      },
      [&] { return !got.empty(); }));
  got.clear();
  const double forwarded_before = proxy_counters.Get("forwarded");

  v1::Envelope wrong_version = ImagePushedEnvelope("v");
  wrong_version.set_schema_version(2);
  v1::Envelope oversized = ImagePushedEnvelope("big");
  oversized.mutable_image_pushed()->set_digest(std::string(2 << 20, 'd'));
  const std::string good = ImagePushedEnvelope("good").SerializeAsString();
  v1::Envelope no_payload = ImagePushedEnvelope("none");
  no_payload.clear_payload();

  const std::vector<Frames> garbage = {
      {RandomBytes(1, 100)},
      {RandomBytes(2, 10), RandomBytes(3, 200), RandomBytes(4, 5)},
      {"image_pushed", std::string(64, '\xff')},
      {"image_pushed", good, "third"},
      {"image_pushed", wrong_version.SerializeAsString()},
      {"image_pushed", oversized.SerializeAsString()},
      {"image_pushed", good.substr(0, good.size() - 2)},
      {"image_pushed", ""},
      {"app_status", good},
      {"", no_payload.SerializeAsString()},
  };
  for (const auto& frames : garbage) ASSERT_TRUE(pub.Send(frames).ok());
  ASSERT_TRUE(pub.Send(EnvelopeCodec::EncodePubSub(ImagePushedEnvelope("after"))).ok());

  ASSERT_TRUE(RunUntil(io, [&] { return !got.empty(); }));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].image_pushed().tag(), "after");
  EXPECT_EQ(proxy_counters.Get("dropped_frame_count"), 3);
  EXPECT_EQ(proxy_counters.Get("dropped_unparseable"), 2);
  EXPECT_EQ(proxy_counters.Get("dropped_bad_version"), 2);
  EXPECT_EQ(proxy_counters.Get("dropped_oversized"), 1);
  EXPECT_EQ(proxy_counters.Get("dropped_topic_mismatch"), 1);
  EXPECT_EQ(proxy_counters.Get("dropped_unknown_type"), 1);
  EXPECT_EQ(proxy_counters.Get("forwarded"), forwarded_before + 1);
  // Subscribers never saw the garbage.
  for (const auto& [name, value] : sub_counters.Snapshot()) {
    EXPECT_EQ(name.rfind("dropped_", 0), std::string::npos) << name;
  }
}

// Bytes that are not ZMTP, written straight into the bound sockets, cost the
// sender its connection and nothing else.
TEST_F(BusProxyTest, SurvivesRawBytesOnIpcEndpoints) {
  StartBus(dir.Ipc("pub"), dir.Ipc("sub"));
  std::vector<v1::Envelope> got;
  auto subscriber = Subscribe({}, &got);
  Publisher publisher(sockets, pub_endpoint, "p", clock, pub_counters);
  ASSERT_TRUE(publisher.Start().ok());
  ASSERT_TRUE(WarmUp([&] { ASSERT_TRUE(publisher.Publish(Payload("resync_request")).ok()); },
                     [&] { return !got.empty(); }));

  const std::string pub_path = dir.path() + "/pub";
  const std::string sub_path = dir.path() + "/sub";
  for (uint64_t seed = 0; seed < 40; ++seed) {
    const std::string& path = seed % 2 == 0 ? pub_path : sub_path;
    ASSERT_TRUE(testing::WriteRawUnix(path, RandomBytes(seed, 1 + seed * 97 % 4000)));
    // A plausible greeting followed by garbage gets further into the decoder.
    ASSERT_TRUE(testing::WriteRawUnix(
        path, std::string("\xff\0\0\0\0\0\0\0\x01\x7f\x03\x00", 12) + RandomBytes(seed, 200)));
    testing::RunFor(io, std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(testing::WriteRawUnix(pub_path, HugeFrameZmtpPeer()));
  ASSERT_TRUE(testing::WriteRawUnix(sub_path, HugeFrameZmtpPeer()));
  testing::RunFor(io, std::chrono::milliseconds(50));

  got.clear();
  v1::Envelope after = Payload("image_pushed");
  after.mutable_image_pushed()->set_tag("after");
  ASSERT_TRUE(publisher.Publish(after).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return !got.empty(); }));
  EXPECT_EQ(got.back().image_pushed().tag(), "after");

  // A new subscriber still gets its subscription through.
  std::vector<v1::Envelope> late;
  auto late_subscriber = Subscribe({"image_"}, &late);
  ASSERT_TRUE(
      WarmUp([&] { ASSERT_TRUE(publisher.Publish(after).ok()); }, [&] { return !late.empty(); }));
}

TEST_F(BusProxyTest, SurvivesRawBytesOnTcpEndpoints) {
  const int pub_port = testing::FreeTcpPort();
  const int sub_port = testing::FreeTcpPort();
  ASSERT_GT(pub_port, 0);
  ASSERT_GT(sub_port, 0);
  StartBus("tcp://127.0.0.1:" + std::to_string(pub_port),
           "tcp://127.0.0.1:" + std::to_string(sub_port));
  std::vector<v1::Envelope> got;
  auto subscriber = Subscribe({}, &got);
  Publisher publisher(sockets, pub_endpoint, "p", clock, pub_counters);
  ASSERT_TRUE(publisher.Start().ok());
  ASSERT_TRUE(WarmUp([&] { ASSERT_TRUE(publisher.Publish(Payload("resync_request")).ok()); },
                     [&] { return !got.empty(); }));
  for (uint64_t seed = 0; seed < 20; ++seed) {
    ASSERT_TRUE(testing::WriteRawTcp(seed % 2 == 0 ? pub_port : sub_port,
                                     RandomBytes(seed, 1 + seed * 131 % 3000)));
    testing::RunFor(io, std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(testing::WriteRawTcp(pub_port, HugeFrameZmtpPeer()));
  testing::RunFor(io, std::chrono::milliseconds(50));
  got.clear();
  ASSERT_TRUE(publisher.Publish(Payload("image_pushed")).ok());
  ASSERT_TRUE(RunUntil(io, [&] { return !got.empty(); }));
}

TEST_F(BusProxyTest, PublishLocalReachesSubscribers) {
  StartBus(dir.Ipc("pub"), dir.Ipc("sub"));
  std::vector<v1::Envelope> got;
  auto subscriber = Subscribe({"component_"}, &got);
  v1::Envelope health = Payload("component_health");
  health.set_schema_version(kSchemaVersion);
  health.set_source("bus");
  health.mutable_component_health()->set_component("bus");
  // The XPUB learns of the subscription asynchronously; repeat until seen.
  ASSERT_TRUE(
      WarmUp([&] { ASSERT_TRUE(proxy->PublishLocal(health).ok()); }, [&] { return !got.empty(); }));
  EXPECT_EQ(got[0].component_health().component(), "bus");

  v1::Envelope invalid = health;
  invalid.set_schema_version(0);
  EXPECT_FALSE(proxy->PublishLocal(invalid).ok());
  invalid.clear_payload();
  invalid.set_schema_version(kSchemaVersion);
  EXPECT_FALSE(proxy->PublishLocal(invalid).ok());
}

TEST_F(BusProxyTest, StartFailsCleanlyOnBadEndpoint) {
  BusProxy bad(io, sockets, "bogus://x", dir.Ipc("sub"), proxy_counters);
  EXPECT_FALSE(bad.Start().ok());
  BusProxy not_started(io, sockets, dir.Ipc("p2"), dir.Ipc("s2"), proxy_counters);
  EXPECT_EQ(not_started.PublishLocal(ImagePushedEnvelope("x")).code(),
            Status::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace wharf::bus
